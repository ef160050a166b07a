package org.eventscheduler.benchmarks.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;

/**
 * The benchmark's KRaft broker in a JVM of its own, so that its CPU is not counted as the
 * application's. {@code main} is the child's entry point.
 */
public final class BenchBroker implements AutoCloseable {
    private final Process process;
    private final int port;

    private BenchBroker(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[1]), Integer.parseInt(args[0]), true);
        System.out.println("BROKER READY " + broker.bootstrapServers());
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        Thread.currentThread().join();
    }

    public static BenchBroker start(Path dir) throws IOException, InterruptedException {
        int port = EmbeddedKafkaBroker.freePort();
        Path log = dir.resolve("broker.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), BenchBroker.class.getName(), Integer.toString(port),
                dir.resolve("kafka").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("BROKER READY")) {
                return new BenchBroker(process, port);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the broker did not start within 60 s");
    }

    /** CPU time the broker's JVM has used so far (its process, all threads). */
    public Duration cpuTime() {
        return process.info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("the OS does not report the broker's CPU time"));
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
