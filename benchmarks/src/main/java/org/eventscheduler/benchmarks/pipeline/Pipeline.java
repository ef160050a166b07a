package org.eventscheduler.benchmarks.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.Directories;
import org.eventscheduler.app.kafka.SchedulerInstance;

/** One application under test, started fresh (its own application id and output topics) for each run. */
public interface Pipeline extends AutoCloseable {

    /** The limit the scheduler applies by default: events per source per 10 s. */
    int SOURCE_LIMIT = 1000;

    String applicationId();

    /** The topic whose records mark an input as fully processed (for latency). */
    String output();

    void start();

    /** The Kafka Streams client, to wait for RUNNING. */
    KafkaStreams streams();

    @Override
    void close();

    /** Properties shared by the baselines: the scheduler's processing guarantee, one stream thread. */
    static Properties baseProperties(String bootstrap, String applicationId, Path stateDir) {
        return baseProperties(bootstrap, applicationId, stateDir, 1);
    }

    /** The same with {@code threads} stream threads. */
    static Properties baseProperties(String bootstrap, String applicationId, Path stateDir, int threads) {
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        return props;
    }

    /** Source to sink, nothing else: the cost of Kafka Streams itself under exactly-once. */
    static Pipeline identity(String bootstrap, String input, String runId, Path dir) throws Exception {
        return identity(bootstrap, input, runId, dir, 1);
    }

    /** The identity application with {@code threads} stream threads. */
    static Pipeline identity(String bootstrap, String input, String runId, Path dir, int threads) throws Exception {
        return identity(bootstrap, input, runId, dir, threads, Map.of());
    }

    /** The identity application with {@code threads} stream threads and {@code overrides} over its Streams properties. */
    static Pipeline identity(String bootstrap, String input, String runId, Path dir, int threads,
                             Map<String, Object> overrides) throws Exception {
        String output = "identity-out-" + runId;
        createTopic(bootstrap, output);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return new StreamsPipeline("identity-" + runId, output, builder.build(), bootstrap, dir, threads, overrides);
    }

    /** The size of a source's state while it holds (a {@code GuardState} of version 3 with its held queues). */
    int FLOOR_STATE_BYTES = 330;

    /**
     * The floor of the storm path's dataflow: per event, what the scheduler reads and writes for an
     * event of a source that holds, with none of its logic (no parsing, no decisions). A state of
     * {@link #FLOOR_STATE_BYTES} per source key, read and written (a cached, changelogged store, as the
     * source states are); then either the event with its headers and two more (correlation id, reason)
     * written to a topic (the path before issue 20: {@code scheduler.throttled}), or, {@code held}, put in a
     * held store under (source, sequence) as the scheduler's {@code HeldRecord} (the path since: a RocksDB
     * put and its changelog record, nothing written downstream).
     */
    static Pipeline stormFloor(String bootstrap, String input, String runId, Path dir, boolean held) throws Exception {
        return stormFloor(bootstrap, input, runId, dir, held, false);
    }

    /**
     * As above; {@code paged}: the held records go in pages of the scheduler's {@code HeldPage} in a cached
     * held store, as the scheduler holds them since it pages them (a page read and written per event, one
     * changelog record a page at the commit).
     */
    static Pipeline stormFloor(String bootstrap, String input, String runId, Path dir, boolean held, boolean paged)
            throws Exception {
        String output = "floor-out-" + runId;
        createTopic(bootstrap, output);
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("states"), Serdes.String(),
                Serdes.ByteArray()).withCachingEnabled());
        if (held) {
            var heldStore = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("held"), Serdes.Bytes(),
                    Serdes.ByteArray());
            builder.addStateStore(paged ? heldStore.withCachingEnabled() : heldStore);
        }
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new StormFloor(held, paged), held ? new String[] {"states", "held"} : new String[] {"states"})
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return new StreamsPipeline((held ? "floor-held-" : "floor-topic-") + runId, output, builder.build(), bootstrap,
                dir, 1, Map.of());
    }

    /** {@link #stormFloor}'s processor. */
    final class StormFloor implements org.apache.kafka.streams.processor.api.Processor<byte[], byte[], byte[], byte[]> {
        private final boolean held;
        private final boolean paged;
        private org.apache.kafka.streams.processor.api.ProcessorContext<byte[], byte[]> context;
        private org.apache.kafka.streams.state.KeyValueStore<String, byte[]> states;
        private org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> heldStore;

        StormFloor(boolean held, boolean paged) {
            this.held = held;
            this.paged = paged;
        }

        @Override
        public void init(org.apache.kafka.streams.processor.api.ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.states = context.getStateStore("states");
            if (held) {
                this.heldStore = context.getStateStore("held");
            }
        }

        @Override
        public void process(org.apache.kafka.streams.processor.api.Record<byte[], byte[]> record) {
            String source = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
            byte[] state = states.get(source);
            java.nio.ByteBuffer next = java.nio.ByteBuffer.allocate(FLOOR_STATE_BYTES);
            long sequence = state == null ? 0 : java.nio.ByteBuffer.wrap(state).getLong() + 1;
            next.putLong(sequence);
            if (state != null) {
                next.put(state, 8, FLOOR_STATE_BYTES - 8);
            }
            states.put(source, next.array());
            org.apache.kafka.common.header.Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders(
                    record.headers().toArray());
            headers.add("x-correlation-id", record.key());
            headers.add("scheduler.reason", "rate-limited".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (held) {
                byte[] id = record.key();
                byte[] bytes = new org.eventscheduler.topology.hold.HeldRecord(record.timestamp(), "rate-limited",
                        record.key(), record.value(), headers).toBytes();
                long page = paged ? sequence - sequence % org.eventscheduler.topology.hold.HeldPage.FULL_RECORDS : sequence;
                var key = org.apache.kafka.common.utils.Bytes.wrap(java.nio.ByteBuffer.allocate(4 + id.length + 1 + 8)
                        .putInt(id.length).put(id).put((byte) 0).putLong(page).array());
                if (paged) {
                    byte[] current = page == sequence ? null : heldStore.get(key);
                    bytes = org.eventscheduler.topology.hold.HeldPage.append(
                            current == null ? org.eventscheduler.topology.hold.HeldPage.empty() : current, bytes);
                }
                heldStore.put(key, bytes);
            } else {
                context.forward(record.withHeaders(headers));
            }
        }
    }

    /** The scheduler itself, as {@code ./scheduler run} starts it (admin server off). */
    static Pipeline scheduler(String bootstrap, String input, String runId, Path dir, Path triggers,
                              Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_KAFKA__BOOTSTRAP_SERVERS", bootstrap);
        env.put("SCHEDULER_KAFKA__APPLICATION_ID", "scheduler-" + runId);
        env.put("SCHEDULER_KAFKA__STATE_DIR", dir.resolve("state-" + runId).toString());
        env.put("SCHEDULER_INSTANCE_ID", "bench-" + runId);
        env.put("SCHEDULER_ADMIN__ENABLED", "false");
        env.put("SCHEDULER_TRIGGERS__APPLY_ON_START", triggers.toString());
        env.put("SCHEDULER_TOPICS__INGRESS", input);
        for (String topic : new String[] {"accepted", "throttled", "dlq", "paused", "triggers", "control",
                "workflow-starts", "start-results", "trigger-grants"}) {
            env.put("SCHEDULER_TOPICS__" + topic.toUpperCase().replace('-', '_'), topic + "-" + runId);
        }
        env.putAll(extra);
        SchedulerConfig config = ConfigLoader.load(Optional.empty(), env);
        return new SchedulerPipeline(config);
    }

    /** Sink topics are not created by Kafka Streams (nor by the broker): the scheduler provisions its own. */
    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (BenchClients clients = new BenchClients(bootstrap)) {
            clients.createTopic(topic);
        }
    }

    /** A Kafka Streams application built here. */
    final class StreamsPipeline implements Pipeline {
        private final String applicationId;
        private final String output;
        private final KafkaStreams streams;
        private final Path stateDir;

        StreamsPipeline(String applicationId, String output, Topology topology, String bootstrap, Path dir, int threads,
                        Map<String, Object> overrides) {
            this.applicationId = applicationId;
            this.output = output;
            this.stateDir = dir.resolve("state-" + applicationId);
            Properties props = baseProperties(bootstrap, applicationId, stateDir, threads);
            props.putAll(overrides);
            this.streams = new KafkaStreams(topology, props);
        }

        @Override
        public String applicationId() {
            return applicationId;
        }

        @Override
        public String output() {
            return output;
        }

        @Override
        public void start() {
            streams.start();
        }

        @Override
        public KafkaStreams streams() {
            return streams;
        }

        @Override
        public void close() {
            streams.close(Duration.ofSeconds(30));
            Directories.deleteRecursively(stateDir);
        }
    }

    /** The scheduler through {@link SchedulerInstance}. */
    final class SchedulerPipeline implements Pipeline {
        private final SchedulerConfig config;
        private SchedulerInstance instance;

        SchedulerPipeline(SchedulerConfig config) {
            this.config = config;
        }

        public SchedulerConfig config() {
            return config;
        }

        @Override
        public String applicationId() {
            return config.kafka().applicationId();
        }

        @Override
        public String output() {
            return config.topics().workflowStarts();
        }

        @Override
        public void start() {
            instance = SchedulerInstance.start(config, false);
        }

        @Override
        public KafkaStreams streams() {
            return instance.runner().streams();
        }

        @Override
        public void close() {
            if (instance != null) {
                instance.close();
            }
            Directories.deleteRecursively(config.kafka().stateDir());
        }
    }

    /** An empty trigger file: the scheduler's source stage and {@code events.accepted} alone. */
    static Path noTriggers(Path dir) throws IOException {
        Path file = dir.resolve("no-triggers.yaml");
        Files.writeString(file, "[]\n");
        return file;
    }

    /**
     * 100 source-pinned triggers, {@code p-0} to {@code p-99}, each on the events of its own source
     * {@code src-N} (an exact {@code source:}): with an input of 100 sources every event matches one.
     */
    static Path hundredPinnedTriggers(Path dir) throws IOException {
        // a trigger names a type criterion: type-prefix "type-" takes every type of the input
        return hundred(dir.resolve("pinned-triggers.yaml"), "p-", "type-prefix: type-, source: src-");
    }

    /** 100 cross-source triggers, {@code t-0} to {@code t-99}, each on its own event type {@code type-N}. */
    static Path hundredTriggers(Path dir) throws IOException {
        return hundred(dir.resolve("triggers.yaml"), "t-", "type: type-");
    }

    /** A triggers file of 100 triggers {@code <prefix>N}, each with {@code <criterion>N} and workflow {@code w-N}. */
    private static Path hundred(Path file, String prefix, String criterion) throws IOException {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            yaml.append("- {id: ").append(prefix).append(i).append(", ").append(criterion).append(i)
                    .append(", workflow: w-").append(i).append("}\n");
        }
        Files.writeString(file, yaml);
        return file;
    }
}
