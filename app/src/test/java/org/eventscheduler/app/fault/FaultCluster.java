package org.eventscheduler.app.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;

/**
 * A broker and application instances, each in a JVM of its own: the broker from this test's classpath
 * ({@link BrokerMain}), the instances from the packaged jar, as {@code ./scheduler run} starts them.
 */
public final class FaultCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private final Path dir;
    private final int port;
    private final ChildJvm broker;
    private final Path configFile;
    private final Map<String, String> env = new HashMap<>();
    private final List<ChildJvm> instances = new ArrayList<>();

    /**
     * @param guarantee {@code exactly-once} or {@code at-least-once}
     */
    public FaultCluster(Path dir, String guarantee) throws IOException {
        this(dir, guarantee, "hop");
    }

    /**
     * @param guarantee  {@code exactly-once} or {@code at-least-once}
     * @param sharedPath {@code triggers.shared-path}: {@code hop} or {@code granted-budget}
     */
    public FaultCluster(Path dir, String guarantee, String sharedPath) throws IOException {
        this.dir = dir;
        this.port = EmbeddedKafkaBroker.freePort();
        this.broker = ChildJvm.onTestClasspath("broker", BrokerMain.class.getName(),
                List.of(Integer.toString(port), Integer.toString(EmbeddedKafkaBroker.freePort()),
                        dir.resolve("kafka").toString()), dir.resolve("broker.log"));
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, Workload.TRIGGERS_YAML);
        configFile = dir.resolve("scheduler.yaml");
        Files.writeString(configFile, """
                kafka:
                  bootstrap-servers: localhost:%d
                  application-id: fault-test
                  processing-guarantee: %s
                  close-timeout: 10s
                  client-properties:
                    session.timeout.ms: "10000"
                    heartbeat.interval.ms: "1000"
                    commit.interval.ms: "%s"
                topic-provisioning:
                  partitions: 4
                ingress:
                  max-event-bytes: %d
                sources:
                  rate-limit: {max-events: 200, action: pause}
                triggers:
                  shared-path: %s
                  apply-on-start: %s
                admin:
                  enabled: false
                """.formatted(port, guarantee, guarantee.equals("exactly-once") ? "100" : "30000",
                Workload.MAX_EVENT_BYTES, sharedPath, triggers));
    }

    /**
     * Rewrites the triggers file that every instance publishes when it starts ({@code triggers.apply-on-start}),
     * as an operator changing a definition would: an instance started later must not put the old one back.
     */
    public void rewriteTriggersFile(String yaml) throws IOException {
        Files.writeString(dir.resolve("triggers.yaml"), yaml);
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** The configuration every instance runs with (the oracle builds its topology from it too). */
    public SchedulerConfig config() {
        return ConfigLoader.load(Optional.of(configFile), env);
    }

    public FaultCluster startBroker() throws IOException, InterruptedException {
        broker.start();
        broker.awaitLog("BROKER READY", startsOf(broker, "BROKER READY") + 1, START_TIMEOUT);
        return this;
    }

    private static int startsOf(ChildJvm jvm, String text) throws IOException {
        try {
            return (int) jvm.log().lines().filter(line -> line.contains(text)).count();
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }

    public ChildJvm broker() {
        return broker;
    }

    /** Starts instance {@code n} (its own state directory and instance id) and waits until it is RUNNING. */
    public ChildJvm startInstance(int n) throws IOException, InterruptedException {
        ChildJvm instance = instance(n);
        int before = startsOf(instance, "REBALANCING -> RUNNING");
        instance.start();
        instance.awaitLog("REBALANCING -> RUNNING", before + 1, START_TIMEOUT);
        return instance;
    }

    /** Starts instance {@code n} without waiting. */
    public ChildJvm launchInstance(int n) throws IOException {
        return instance(n).start();
    }

    public ChildJvm instance(int n) {
        while (instances.size() <= n) {
            int index = instances.size();
            Map<String, String> instanceEnv = new HashMap<>(env);
            instanceEnv.put("SCHEDULER_INSTANCE_ID", "instance-" + index);
            instanceEnv.put("SCHEDULER_KAFKA__STATE_DIR", dir.resolve("state-" + index).toString());
            Path jar = Path.of("target/event-scheduler-app.jar").toAbsolutePath();
            instances.add(new ChildJvm("instance-" + index, List.of("-Xmx384m", "-Dlog.format=console", "-jar",
                    jar.toString(), "run", "--config", configFile.toString()), instanceEnv,
                    dir.resolve("instance-" + index + ".log")));
        }
        return instances.get(n);
    }

    public KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Stops every instance cleanly (SIGTERM). */
    public void stopInstances() throws InterruptedException {
        for (ChildJvm instance : instances) {
            instance.stop();
        }
    }

    /** The instances' logs, for a failure message. */
    public String logs() throws IOException {
        StringBuilder logs = new StringBuilder();
        for (ChildJvm instance : instances) {
            logs.append(instance.tail()).append('\n');
        }
        return logs.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (ChildJvm instance : instances) {
            instance.close();
        }
        broker.stop();
        broker.close();
    }
}
