package org.eventscheduler.app.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.topology.SchedulerTopology;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link KafkaStreams} instance: provisions the topics, builds the topology, starts it, logs
 * its description and state changes, and closes it within the configured timeout. An uncaught
 * exception that says a newer producer took over this thread's tasks (fenced: {@code ProducerFenced},
 * {@code InvalidProducerEpoch}, {@code InvalidTxnState}) replaces the stream thread, which rejoins the
 * group; any other shuts the client down (state ERROR) rather than retrying a bug forever: the process
 * exits non-zero, its supervisor restarts it, and state is restored from the changelogs
 * ({@link StreamThreadFailures}).
 */
public final class SchedulerRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerRunner.class);
    /** DLQ records keep the full original value; large ones need a larger request than the default 1 MiB. */
    static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final SchedulerConfig config;
    private final SchedulerMetrics metrics;
    private final CompletableFuture<KafkaStreams.State> terminated = new CompletableFuture<>();
    private KafkaStreams streams;

    public SchedulerRunner(SchedulerConfig config, SchedulerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Provisions the topics and starts Kafka Streams. With {@code resetLocalState}, local state stores are
     * wiped first (they are restored from their changelogs); never done otherwise.
     */
    public void start(boolean resetLocalState) {
        try (Admin admin = Admin.create(adminProperties(config))) {
            TopicProvisioner.ensureTopics(admin, config.topics(), config.topicProvisioning(), Duration.ofSeconds(30));
        }
        config.triggers().applyOnStartFile().ifPresent(file -> TriggerPublisher.publish(config,
                TriggerPublisher.read(file, config.triggers().defaults()), Duration.ofSeconds(30)));
        Topology topology = SchedulerTopology.build(config.topology(), metrics);
        LOG.info("topology:\n{}", topology.describe());
        streams = new KafkaStreams(topology, streamsProperties(config, metrics));
        streams.setUncaughtExceptionHandler(exception -> {
            StreamThreadExceptionResponse response = StreamThreadFailures.responseTo(exception);
            if (response == StreamThreadExceptionResponse.REPLACE_THREAD) {
                LOG.warn("stream thread fenced by a newer producer of its tasks (it was cut off or frozen); "
                        + "replacing it, the new thread rejoins the group", exception);
            } else {
                LOG.error("stream thread failed; shutting this instance down", exception);
            }
            return response;
        });
        streams.setStateListener((newState, oldState) -> {
            LOG.info("Kafka Streams state {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                terminated.complete(newState);
            }
        });
        if (resetLocalState) {
            LOG.warn("wiping local state in {} before start (--reset-state)", config.kafka().stateDir());
            streams.cleanUp();
        }
        streams.start();
    }

    /** The running Kafka Streams, for interactive queries; its lifecycle stays here. */
    public KafkaStreams streams() {
        if (streams == null) {
            throw new IllegalStateException("the runner has not started");
        }
        return streams;
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** Waits until Kafka Streams is RUNNING; false if it is not within {@code timeout}. */
    public boolean awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State state = state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (terminated.isDone()) {
                return false;
            }
            try {
                terminated.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not terminated: poll the state again
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Blocks until Kafka Streams stops on its own; returns the state it ended in. */
    public KafkaStreams.State awaitTermination() throws InterruptedException {
        try {
            return terminated.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Whether the instance ended in ERROR: the process should exit non-zero. */
    public boolean failed() {
        return terminated.getNow(KafkaStreams.State.RUNNING) == KafkaStreams.State.ERROR;
    }

    @Override
    public void close() {
        if (streams != null) {
            Duration timeout = config.kafka().closeTimeout();
            // leave the group: the partitions move to the other instances now, not after the session timeout
            boolean closed = streams.close(CloseOptions.timeout(timeout)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            if (!closed) {
                LOG.warn("Kafka Streams did not close within {}", timeout);
            }
            terminated.complete(streams.state());
        }
    }

    /** The provisioner's admin client properties ({@link KafkaClients.Role#PROVISIONER}). */
    public static Properties adminProperties(SchedulerConfig config) {
        return KafkaClients.properties(config, KafkaClients.Role.PROVISIONER);
    }

    /**
     * The Streams properties of this instance. Defaults first, then {@code kafka.client-properties},
     * then what the deployment and the topology require.
     *
     * <p>{@code max.task.idle.ms} defaults to {@code -1} (never wait for an input partition with no data
     * buffered): the scheduler's inputs are merged, never joined, so waiting to order them by timestamp
     * buys nothing, and Kafka Streams 4.4 formats a log message per empty partition on every readiness
     * check otherwise (14 % of the stream thread's allocations with triggers, see docs/benchmarks.md).
     */
    static Properties streamsProperties(SchedulerConfig config, SchedulerMetrics metrics) {
        Properties props = new Properties();
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        props.putAll(config.kafka().clientProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.kafka().applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.kafka().processingGuarantee().streamsValue());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.kafka().stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.kafka().numStreamThreads());
        props.put(StreamsConfig.CLIENT_ID_CONFIG, config.kafka().applicationId() + "-" + config.instanceId());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MAX_REQUEST_BYTES);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbStoreOptions.class);
        props.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, Long.toString(config.kafka().rocksdbMemoryBytes()));
        if (config.admin().enabled()) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG,
                    AdminWiring.advertisedHost(config.admin()) + ":" + config.admin().port());
        }
        for (Map.Entry<String, Object> entry : SchedulerTopology.streamsProperties(config.topics(), metrics).entrySet()) {
            props.put(entry.getKey(), entry.getValue());
        }
        return props;
    }
}
