package org.eventscheduler.benchmarks.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The floor of the scheduler's dataflow for an event that starts a workflow (issue 21's baseline): a
 * plain Processor API application with the same reads, writes, per-event state and extra headers, and
 * none of the logic. It reads the event; reads and writes a state of the scheduler's size for its
 * source (a cached, changelogged RocksDB store); writes the event with the scheduler's five headers to
 * {@code events.accepted}; then, for the trigger the event matches (the one of its type, {@code t-N},
 * or of its source, {@code p-N}, {@code pinned}), reads and writes a trigger state (a cached,
 * changelogged in-memory store) and writes the start. Unpinned, the match crosses a repartition topic
 * keyed by the trigger first, as the scheduler's {@code by-trigger} does; pinned, the trigger's state
 * is in the source's task and the start is written there.
 *
 * <p>The trigger of an event is read from what the input generator made it from (its type is
 * {@code type-(i mod 100)} for the event at {@code T0 + i} ms, its source {@code src-(i mod sources)}),
 * not from the event: the floor parses nothing.
 */
final class TriggerFloor {
    private static final int STATE_BYTES = Pipeline.FLOOR_STATE_BYTES;

    private TriggerFloor() {
    }

    static Pipeline build(String bootstrap, String input, String runId, Path dir, boolean pinned) throws Exception {
        String accepted = "floor-accepted-" + runId;
        String starts = "floor-starts-" + runId;
        try (BenchClients clients = new BenchClients(bootstrap)) {
            clients.createTopic(accepted);
            clients.createTopic(starts);
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("source-states"),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("trigger-states"),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        KStream<String, byte[]> admitted = builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(SourceStep::new, Named.as("floor-source"), "source-states");
        admitted.to(accepted, Produced.with(Serdes.String(), Serdes.ByteArray()));
        KStream<String, byte[]> matches = admitted.map((source, value) -> org.apache.kafka.streams.KeyValue.pair(
                pinned ? "p-" + source.substring("src-".length()) : "t-" + typeIndex(value), value),
                Named.as("floor-match"));
        if (!pinned) {
            matches = matches.repartition(Repartitioned.<String, byte[]>as("floor-by-trigger")
                    .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()));
        }
        matches.process(TriggerStep::new, Named.as("floor-trigger"), "trigger-states")
                .to(starts, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return new Pipeline.StreamsPipeline((pinned ? "floor-pinned-" : "floor-triggers-") + runId, starts,
                builder.build(), bootstrap, dir, 1, Map.of());
    }

    /** The event's type index, {@code N} of {@code "type":"type-N"}, found without parsing the event. */
    private static int typeIndex(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        int at = text.indexOf("\"type\":\"type-") + "\"type\":\"type-".length();
        int end = text.indexOf('"', at);
        return Integer.parseInt(text, at, end, 10);
    }

    /** Updates a state of {@code STATE_BYTES} under {@code key}; returns the new one. */
    private static byte[] touch(KeyValueStore<String, byte[]> states, String key) {
        byte[] state = states.get(key);
        ByteBuffer next = ByteBuffer.allocate(STATE_BYTES);
        next.putLong(state == null ? 0 : ByteBuffer.wrap(state).getLong() + 1);
        if (state != null) {
            next.put(state, 8, STATE_BYTES - 8);
        }
        states.put(key, next.array());
        return next.array();
    }

    /** The source stage's reads and writes: the source's state, the event on with five more headers. */
    private static final class SourceStep implements Processor<byte[], byte[], String, byte[]> {
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> states;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.states = context.getStateStore("source-states");
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String source = new String(record.key(), StandardCharsets.UTF_8);
            touch(states, source);
            Headers headers = new RecordHeaders(record.headers().toArray());
            headers.add("x-correlation-id", record.key());
            headers.add("scheduler.source", record.key());
            headers.add("scheduler.origin", record.key());
            headers.add("traceparent", record.key());
            headers.add("scheduler.kind", "match".getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(source, record.value(), record.timestamp(), headers));
        }
    }

    /** The trigger stage's reads and writes: the trigger's state, the start. */
    private static final class TriggerStep implements Processor<String, byte[], String, byte[]> {
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> states;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.states = context.getStateStore("trigger-states");
        }

        @Override
        public void process(Record<String, byte[]> record) {
            touch(states, record.key());
            context.forward(record);
        }
    }
}
