package org.eventscheduler.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.admin.security.AdminToken;
import org.eventscheduler.admin.security.AdminTokens;
import org.eventscheduler.admin.security.Role;
import org.eventscheduler.app.cli.ConfigOptions;
import org.eventscheduler.app.cli.Resources;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.kafka.Ports;
import org.eventscheduler.embedded.Directories;
import org.eventscheduler.embedded.EmbeddedDatabase;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.mirror.Secret;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./scheduler demo}: a real single-node Kafka broker and PostgreSQL in this process, the
 * scheduler with the shipped defaults, and demo traffic, until Ctrl-C.
 */
@Command(name = "demo", description = "Start an embedded Kafka broker and PostgreSQL, the scheduler and demo traffic.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--broker-port", paramLabel = "PORT",
            description = "Port of the embedded Kafka broker (default: demo.broker-port, 9092).")
    Integer brokerPort;

    @Override
    public Integer call() throws InterruptedException {
        SchedulerConfig loaded = config.load();
        PrintStream out = System.out;
        Path home = tempDirectory();
        // started in this order, closed in the reverse one: the broker, PostgreSQL, then the demo's parts
        try (Resources resources = new Resources().closeOnShutdown()) {
            StopSignals signals = StopSignals.install(() -> {
                out.println("[demo] stopping: traffic, workflow engine, scheduler and mirror, PostgreSQL, the broker");
                resources.close();
                out.println("[demo] stopped");
            });
            resources.add(() -> Directories.deleteRecursively(home));
            // checked here as well, so that a taken port is the one-line user error of the scheduler's command line
            int port = Ports.resolve(brokerPort != null ? brokerPort : loaded.demo().brokerPort());
            EmbeddedKafkaBroker broker = resources.add(EmbeddedKafkaBroker.start(home.resolve("kafka"), port, false));
            EmbeddedDatabase database = resources.add(EmbeddedDatabase.start(home.resolve("postgres")));
            String operatorToken = AdminTokens.generate();
            SchedulerConfig demo = configFor(loaded, broker, database, home, operatorToken);
            DemoRun run;
            try {
                run = resources.add(DemoRun.start(demo, out));
            } catch (IllegalStateException e) {
                out.println("scheduler: " + e.getMessage());
                return 1;
            }
            out.print(DemoGuide.text(demo, broker.bootstrapServers(), database.jdbcUrl()));
            printAdmin(out, run.instance().adminPort(), operatorToken);
            KafkaStreams.State end = run.awaitTermination();
            if (signals.exitStatus().isPresent()) {
                // closed by the signal's handler; this waits until it is done
                resources.close();
                return signals.exitStatus().getAsInt();
            }
            return end == KafkaStreams.State.ERROR ? 1 : 0;
        }
    }

    /**
     * The demo's configuration: {@code loaded} pointed at the embedded broker and database, its state under
     * {@code home}, an operator token for the user, and a peer token of its own (one instance: generated
     * here rather than warned about).
     */
    static SchedulerConfig configFor(SchedulerConfig loaded, EmbeddedKafkaBroker broker, EmbeddedDatabase database,
                                     Path home, String operatorToken) {
        List<AdminToken> tokens = new ArrayList<>(loaded.admin().tokens());
        tokens.add(new AdminToken("demo-operator", Role.OPERATOR, Optional.of(AdminTokens.sha256Hex(operatorToken)),
                Optional.empty()));
        String peerToken = loaded.admin().peerToken().isEmpty() ? AdminTokens.generate() : loaded.admin().peerToken();
        return loaded.withKafka(loaded.kafka().withBootstrapServers(broker.bootstrapServers())
                        .withStateDir(home.resolve("state")))
                .withAdmin(loaded.admin().withTokens(tokens, peerToken))
                .withMirror(loaded.mirror().withDatabase(database.jdbcUrl(), "postgres", new Secret("")));
    }

    private static void printAdmin(PrintStream out, int port, String token) {
        if (port < 0) {
            return;
        }
        String url = "http://localhost:" + port;
        out.printf("""
                Admin API: %s (operator token below; the CLI reads EVENT_SCHEDULER_URL and EVENT_SCHEDULER_TOKEN)
                  export EVENT_SCHEDULER_URL=%s EVENT_SCHEDULER_TOKEN=%s
                  ./scheduler status
                  ./scheduler pause source orders-service --reason "demo: trying a pause" --until 5m
                  curl -s -H "Authorization: Bearer $EVENT_SCHEDULER_TOKEN" %s/admin/event-health

                """, url, url, token, url);
    }

    /** {@code var/demo-<pid>} under the project (set by the launcher as {@code scheduler.home}), removed at exit. */
    private static Path tempDirectory() {
        Path base = Path.of(System.getProperty("scheduler.home", System.getProperty("java.io.tmpdir")), "var");
        try {
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a working directory for the demo under " + base, e);
        }
    }
}
