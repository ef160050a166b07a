package org.eventscheduler.app.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started as a child process, so that {@code kill -9}, SIGSTOP and restarts are real. Its output
 * goes to a log file, which {@link #awaitLog} watches.
 */
public final class ChildJvm implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private Process process;

    public ChildJvm(String name, List<String> jvmAndArguments, Map<String, String> env, Path log) {
        this.name = name;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmAndArguments);
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.log = log;
    }

    /** A JVM running {@code mainClass} on this test's own classpath. */
    public static ChildJvm onTestClasspath(String name, String mainClass, List<String> arguments, Path log) {
        List<String> command = new ArrayList<>(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(arguments);
        return new ChildJvm(name, command, Map.of(), log);
    }

    public ChildJvm start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("SCHEDULER_") || key.startsWith("OTEL_"));
        builder.environment().putAll(env);
        Files.writeString(log, "=== start " + name + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = builder.start();
        return this;
    }

    /** {@code kill -9}: no shutdown hook, no flush, no commit. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** {@code kill -STOP}: the process freezes, its connections stay open, its heartbeats stop. */
    public void suspend() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** {@code kill -CONT}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int status = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
        if (status != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited " + status);
        }
    }

    /** SIGTERM and wait: a clean shutdown. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to end by itself and answers its exit code; fails after {@code timeout}. */
    public int awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still runs after " + timeout + ":\n" + tail());
        }
        return process.exitValue();
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits until the log has a line containing one of {@code texts}. */
    public void awaitLogAny(List<String> texts, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (log().lines().anyMatch(line -> texts.stream().anyMatch(line::contains))) {
                return;
            }
            if (!isAlive()) {
                throw new AssertionError(name + " exited " + process.exitValue() + " before logging one of " + texts
                        + ":\n" + tail());
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " logged none of " + texts + " within " + timeout + ":\n" + tail());
    }

    /** Waits until the log has {@code count} lines containing {@code text} (counting from all starts). */
    public void awaitLog(String text, int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long seen = log().lines().filter(line -> line.contains(text)).count();
            if (seen >= count) {
                return;
            }
            if (!isAlive()) {
                throw new AssertionError(name + " exited " + process.exitValue() + " before logging '" + text + "':\n"
                        + tail());
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " did not log '" + text + "' within " + timeout + ":\n" + tail());
    }

    public String tail() throws IOException {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
