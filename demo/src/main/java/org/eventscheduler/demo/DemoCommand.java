package org.eventscheduler.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.app.kafka.SchedulerRunner;
import org.eventscheduler.app.kafka.TriggerPublisher;
import org.eventscheduler.embedded.Directories;
import org.eventscheduler.embedded.EmbeddedDatabase;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.mirror.Secret;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
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
        try (Resources resources = new Resources().closeOnShutdown()) {
            resources.add(() -> Directories.deleteRecursively(home));
            // checked here as well, so that a taken port is the one-line user error of the scheduler's command line
            int port = Ports.resolve(brokerPort != null ? brokerPort : loaded.demo().brokerPort());
            EmbeddedKafkaBroker broker = resources.add(EmbeddedKafkaBroker.start(home.resolve("kafka"), port, false));
            EmbeddedDatabase database = resources.add(EmbeddedDatabase.start(home.resolve("postgres")));
            String operatorToken = AdminTokens.generate();
            List<AdminToken> tokens = new ArrayList<>(loaded.admin().tokens());
            tokens.add(new AdminToken("demo-operator", Role.OPERATOR, Optional.of(AdminTokens.sha256Hex(operatorToken)),
                    Optional.empty()));
            SchedulerConfig demo = loaded.withKafka(loaded.kafka().withBootstrapServers(broker.bootstrapServers())
                    .withStateDir(home.resolve("state")))
                    .withAdmin(loaded.admin().withTokens(tokens, loaded.admin().peerToken()))
                    .withMirror(loaded.mirror().withDatabase(database.jdbcUrl(), "postgres", new Secret("")));

            SchedulerInstance instance = resources.add(SchedulerInstance.start(demo, false));
            SchedulerRunner runner = instance.runner();
            SchedulerMetrics metrics = instance.metrics();
            if (demo.triggers().applyOnStartFile().isEmpty()) {
                try (var triggers = DemoCommand.class.getResourceAsStream("/demo-triggers.yaml")) {
                    TriggerPublisher.publish(demo, TriggerPublisher.read(triggers, "demo-triggers.yaml",
                            demo.triggers().defaults()), Duration.ofSeconds(30));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the demo triggers", e);
                }
            }
            if (!runner.awaitRunning(Duration.ofSeconds(60))) {
                out.println("scheduler: Kafka Streams did not reach RUNNING within 60 s (state " + runner.state() + ")");
                return 1;
            }
            DemoTraffic traffic = resources.add(new DemoTraffic(broker.bootstrapServers(), demo.topics().ingress()));
            traffic.start(demo.demo());
            resources.add(new DemoWorkflowEngine(broker.bootstrapServers(), demo.topics().workflowStarts(),
                    demo.topics().startResults())).start();
            resources.add(new DemoMonitor(broker.bootstrapServers(), demo.topics().paused(), metrics, out)).start();
            out.print(DemoGuide.text(demo, broker.bootstrapServers(), database.jdbcUrl()));
            printAdmin(out, instance.adminPort(), operatorToken);
            KafkaStreams.State end = runner.awaitTermination();
            return end == KafkaStreams.State.ERROR ? 1 : 0;
        }
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
