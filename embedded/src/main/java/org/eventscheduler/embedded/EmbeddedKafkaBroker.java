package org.eventscheduler.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one), started in this JVM from the
 * Kafka artifacts: the log directory is formatted in standalone mode, then {@link KafkaRaftServer} runs.
 * Used by {@code ./scheduler demo} and by the integration tests; nothing is downloaded at run time.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path logDir;
    private final int port;
    private final boolean deleteOnClose;
    private final KafkaRaftServer server;

    private EmbeddedKafkaBroker(Path logDir, int port, boolean deleteOnClose, KafkaRaftServer server) {
        this.logDir = logDir;
        this.port = port;
        this.deleteOnClose = deleteOnClose;
        this.server = server;
    }

    /** Starts a broker on {@code port} (0 picks a free one) with a fresh, temporary log directory. */
    public static EmbeddedKafkaBroker start(int port) {
        try {
            return start(Files.createTempDirectory("event-scheduler-kafka-"), port, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a log directory for the embedded broker", e);
        }
    }

    /**
     * Starts a broker on {@code port} (0 picks a free one) with its data in {@code logDir}; formats
     * the directory if it is empty. A taken port fails fast with a message naming it.
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, boolean deleteOnClose) {
        return start(logDir, port, 0, deleteOnClose);
    }

    /**
     * As {@link #start(Path, int, boolean)}, with the controller on {@code controllerPort} (0: a free
     * one): a broker restarted on the same data keeps the controller endpoint its metadata log names.
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, int controllerPort, boolean deleteOnClose) {
        return start(logDir, port, controllerPort, deleteOnClose, Map.of());
    }

    /**
     * As {@link #start(Path, int, int, boolean)}, with broker properties laid over the defaults, e.g. another
     * listener with SASL and an authorizer. {@link #bootstrapServers()} stays the PLAINTEXT listener on {@code port}.
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, int controllerPort, boolean deleteOnClose,
                                            Map<String, String> overrides) {
        int brokerPort = port == 0 ? freePort() : requireFree(port);
        controllerPort = controllerPort == 0 ? freePort() : requireFree(controllerPort);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        // one node: internal topics cannot have more replicas than that, or EOS stalls
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.put("message.max.bytes", String.valueOf(16 * 1024 * 1024));
        // no time-based retention: the tests and benchmarks write records with fixed timestamps, which the
        // default (7 days) deletes once the calendar has moved past them, in the middle of a run
        props.put("log.retention.ms", "-1");
        props.putAll(overrides);
        try {
            Files.createDirectories(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir, props);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker log directory " + logDir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        LOG.info("embedded Kafka broker (KRaft) listening on localhost:{}, data in {}", brokerPort, logDir);
        return new EmbeddedKafkaBroker(logDir, brokerPort, deleteOnClose, server);
    }

    private static void format(Path logDir, Properties props) throws IOException {
        Path config = logDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "embedded broker");
        }
        var output = new java.io.ByteArrayOutputStream();
        int status = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                config.toString(), "--standalone", "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IllegalStateException("formatting the broker log directory failed: " + output);
        }
        Files.delete(config);
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            Directories.deleteRecursively(logDir);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    /** Returns {@code port} if nothing listens on it, else fails with a one-line message. */
    public static int requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new PortInUseException(port);
        }
    }

    /** The port the broker should listen on is taken. */
    public static final class PortInUseException extends IllegalStateException {
        public PortInUseException(int port) {
            super("port " + port + " is already in use; stop what listens there or choose another port");
        }
    }
}
