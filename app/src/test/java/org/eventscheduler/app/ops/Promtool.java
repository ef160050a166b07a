package org.eventscheduler.app.ops;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs promtool (Debian package {@code prometheus}; {@code .ci/run} installs it). Where it is missing
 * the calling test fails with one line saying what to install: a rule check that cannot run is a
 * failure, never a skip.
 */
public final class Promtool {
    private Promtool() {
    }

    /** What promtool printed and how it ended. */
    public record Result(int status, String output) {
    }

    /** {@code promtool ARGUMENTS...}; {@code stdin}, when given, is fed to it (check metrics reads the scrape there). */
    public static Result run(List<String> arguments, Path stdin) {
        ExternalTool.Result result = ExternalTool.PROMTOOL.run(null, stdin, 120, arguments);
        return new Result(result.status(), result.output());
    }

    public static Result run(String... arguments) {
        return run(List.of(arguments), null);
    }
}
