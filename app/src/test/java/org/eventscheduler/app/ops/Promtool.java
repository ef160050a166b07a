package org.eventscheduler.app.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs promtool (Debian package {@code prometheus}; {@code .ci/run} installs it). Where it is missing
 * the calling test is reported as skipped with what to install, never passed.
 */
public final class Promtool {
    private Promtool() {
    }

    /** What promtool printed and how it ended. */
    public record Result(int status, String output) {
    }

    /** {@code promtool ARGUMENTS...}; {@code stdin}, when given, is fed to it (check metrics reads the scrape there). */
    public static Result run(List<String> arguments, Path stdin) throws IOException, InterruptedException {
        Assumptions.assumeTrue(available(), "promtool is not installed: install the Debian package 'prometheus' "
                + "(apt-get install prometheus; .ci/run does) to run this check");
        List<String> command = new ArrayList<>();
        command.add("promtool");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    public static Result run(String... arguments) throws IOException, InterruptedException {
        return run(List.of(arguments), null);
    }

    static boolean available() {
        try {
            return new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
