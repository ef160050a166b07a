package org.eventscheduler.app.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program a test runs (promtool, kubectl, node, npm). Where it is missing the test fails with one line
 * naming the program and the command that installs it: a check that cannot run is a failure, never a
 * skip. {@code ./scheduler test} checks for the same programs before it starts; {@code .ci/run} installs them.
 *
 * @param program  the command's name on the PATH
 * @param install  the command that installs it, e.g. {@code apt-get install -y --no-install-recommends prometheus}
 * @param note     where that comes from, when it needs saying; else empty
 */
public record ExternalTool(String program, String install, String note) {
    public static final ExternalTool PROMTOOL =
            new ExternalTool("promtool", "apt-get install -y --no-install-recommends prometheus", "");
    public static final ExternalTool KUBECTL = new ExternalTool("kubectl", "apt-get install -y kubectl",
            "from the Kubernetes apt repository (Debian's own kubernetes-client 1.20 predates kustomize components)");
    public static final ExternalTool NODE = new ExternalTool("node", "apt-get install -y nodejs npm", "");
    public static final ExternalTool NPM = new ExternalTool("npm", "apt-get install -y nodejs npm", "");

    /** What the program printed (stdout and stderr together) and how it ended. */
    public record Result(int status, String output) {
    }

    /** Runs {@code program ARGUMENTS...} in {@code directory}; {@code stdin}, when given, is fed to it. */
    public Result run(Path directory, Path stdin, long timeoutSeconds, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(program);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError(missing(), e);
        }
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(program + " " + arguments + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + program, e);
        }
    }

    public Result run(String... arguments) {
        return run(null, null, 120, List.of(arguments));
    }

    /** The one line a test fails with when the program is not installed. */
    public String missing() {
        return program + " is not installed, and this test needs it: install it with `" + install + "`"
                + (note.isEmpty() ? "" : " " + note) + "; .ci/run does";
    }
}
