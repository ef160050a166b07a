package org.eventscheduler.app.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.kafka.TriggerPublisher;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.SchedulerTopology;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.trigger.TriggerHome;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.guard.GuardStateSerde;
import org.eventscheduler.topology.guard.HeldWork;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.Topics;
import org.eventscheduler.topology.trigger.TriggerDefinitions;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseRecordSerde;
import org.eventscheduler.topology.pause.PauseState;

/**
 * Checks a finished run: reads every input and output topic with {@code read_committed} and, per
 * input partition and offset, finds where each input went.
 *
 * <ul>
 *   <li>Every input is in exactly one of {@code events.accepted} (directly, or released after it was
 *       held), {@code scheduler.dlq}, or still held by its source (the final contents of the
 *       {@code held-sources} changelog); an accepted event is, for each trigger it matches, in exactly
 *       one of {@code workflow.starts}, {@code scheduler.dlq} (a held start that expired or was pushed
 *       out, {@code scheduler.entity: trigger:<id>}) or still held by the trigger ({@code held-triggers}).
 *       Outputs are traced to their input by the {@code scheduler.origin} header.</li>
 *   <li>The pause and resume records equal those of a replay of the same input through the topology
 *       in a TopologyTestDriver (the oracle): decisions depend only on the input.</li>
 *   <li>No transaction is left open.</li>
 * </ul>
 */
public final class Verifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A resume is decided by a stream-time punctuation every bucket; a restart may shift it by one. */
    private static final long RESUME_TOLERANCE_MILLIS = 2_000;

    private final String bootstrap;
    private final SchedulerConfig config;
    /** A trigger whose source changed during the run, and the sources it matched, in turn; empty when none did. */
    private final Optional<MovedTrigger> moved;

    /** A pinned trigger moved from one source to another during the run (its home moved). */
    public record MovedTrigger(String id, String type, Set<String> sources) {
    }

    public Verifier(String bootstrap, SchedulerConfig config) {
        this(bootstrap, config, Optional.empty());
    }

    /**
     * A verifier of a run during which {@code moved} changed its source. Which definition an event of one
     * of its sources met depends on when the instance deciding it read the change, so for those events
     * it asks at most one start (never two), and of the trigger at least one start from each source
     * (both homes started workflows); every other trigger is held to exactly once.
     */
    public Verifier(String bootstrap, SchedulerConfig config, Optional<MovedTrigger> moved) {
        this.bootstrap = bootstrap;
        this.config = config;
        this.moved = moved;
    }

    /** What the run did, and what is wrong with it. */
    public record Report(int inputs, int distinctInputs, int invalid, int accepted, int starts, int held, List<String> lost,
                         List<String> duplicated, List<String> unexpected, List<String> pauseDifferences,
                         List<String> openTransactions, int pauseRecords, List<String> overLimit) {
        public boolean clean() {
            return lost.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty() && pauseDifferences.isEmpty()
                    && openTransactions.isEmpty() && overLimit.isEmpty();
        }

        @Override
        public String toString() {
            return "inputs " + inputs + " (" + distinctInputs + " distinct), invalid " + invalid + ", accepted " + accepted + ", starts " + starts
                    + ", held " + held + ", pause records " + pauseRecords
                    + "\n lost " + lost.size() + " " + byTrigger(lost) + ": " + first(lost) + "\n duplicated " + duplicated.size() + ": "
                    + first(duplicated) + "\n unexpected " + unexpected.size() + ": " + first(unexpected)
                    + "\n pause differences " + pauseDifferences.size() + ": " + first(pauseDifferences)
                    + "\n open transactions: " + openTransactions
                    + "\n windows over a trigger's limit " + overLimit.size() + ": " + first(overLimit);
        }

        /** How many of {@code items} name each trigger (their last word). */
        private static Map<String, Long> byTrigger(List<String> items) {
            return items.stream().collect(java.util.stream.Collectors.groupingBy(
                    item -> item.substring(item.lastIndexOf(' ') + 1), TreeMap::new, java.util.stream.Collectors.counting()));
        }

        private static List<String> first(List<String> items) {
            return items.subList(0, Math.min(10, items.size()));
        }
    }

    public Report verify() throws Exception {
        Topics topics = config.topics();
        List<ConsumerRecord<byte[], byte[]>> inputs = readAll(topics.ingress());
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byOrigin = new HashMap<>();
        Map<String, Integer> heldBySource = new HashMap<>();
        stillHeld(StoreNames.SOURCE_STATES, StoreNames.HELD_SOURCES).forEach(r -> heldBySource.merge(origin(r), 1, Integer::sum));
        Map<String, List<String>> heldByTrigger = new HashMap<>();
        // a trigger's held starts are in the stores of its home: pinned to its source, or shared behind by-trigger
        for (TriggerHome.Stores home : TriggerHome.Stores.of(EntityType.TRIGGER)) {
            stillHeld(home.states(), home.held()).forEach(r -> heldByTrigger.computeIfAbsent(origin(r), o -> new ArrayList<>())
                    .add(new String(r.key(), StandardCharsets.UTF_8)));
        }
        for (String topic : List.of(topics.accepted(), topics.dlq(), topics.workflowStarts())) {
            for (ConsumerRecord<byte[], byte[]> record : readAll(topic)) {
                String origin = header(record, SchedulerHeaders.ORIGIN).orElse("no-origin");
                byOrigin.computeIfAbsent(origin, o -> new ArrayList<>()).add(record);
            }
        }
        List<String> lost = new ArrayList<>();
        Map<String, Integer> movedStarts = new TreeMap<>();
        List<String> duplicated = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        int invalid = 0;
        int accepted = 0;
        int starts = 0;
        int held = 0;
        for (ConsumerRecord<byte[], byte[]> input : inputs) {
            String origin = input.topic() + "-" + input.partition() + "@" + input.offset();
            List<ConsumerRecord<byte[], byte[]>> outputs = byOrigin.getOrDefault(origin, List.of());
            List<ConsumerRecord<byte[], byte[]>> admission = outputs.stream().filter(r -> r.topic().equals(topics.accepted())
                    || (r.topic().equals(topics.dlq()) && !isTriggerHold(r))).toList();
            int stillHeldBySource = heldBySource.getOrDefault(origin, 0);
            if (admission.isEmpty() && stillHeldBySource == 0) {
                lost.add(origin + " (never admitted, held or dead-lettered)");
                continue;
            }
            if (admission.size() + stillHeldBySource > 1) {
                duplicated.add(origin + " admitted " + admission.size() + " times, still held " + stillHeldBySource
                        + " times: " + admission.stream().map(ConsumerRecord::topic).toList());
            }
            if (admission.isEmpty() || isHeldDeadLetter(admission.getFirst())) {
                held++;
            } else if (admission.getFirst().topic().equals(topics.dlq())) {
                invalid++;
            } else {
                accepted++;
                String source = attribute(input.value(), "source");
                String type = attribute(input.value(), "type");
                // an event of a moved trigger's sources: that trigger is checked apart, below
                Optional<MovedTrigger> movedHere = moved.filter(trigger -> trigger.sources().contains(source)
                        && trigger.type().equals(type));
                Set<String> expected = new java.util.TreeSet<>(Workload.triggersOf(type, source));
                movedHere.ifPresent(trigger -> expected.remove(trigger.id()));
                Map<String, Integer> perTrigger = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> output : outputs) {
                    boolean start = output.topic().equals(topics.workflowStarts());
                    if (start || isTriggerHold(output)) {
                        perTrigger.merge(new String(output.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                        starts += start ? 1 : 0;
                    }
                }
                heldByTrigger.getOrDefault(origin, List.of()).forEach(t -> perTrigger.merge(t, 1, Integer::sum));
                if (movedHere.isPresent()) {
                    String id = movedHere.get().id();
                    int times = perTrigger.getOrDefault(id, 0);
                    if (times > 1) {
                        duplicated.add(origin + " started or held " + times + " times by " + id + ", which moved");
                    } else if (times == 1) {
                        movedStarts.merge(source, 1, Integer::sum);
                    }
                    perTrigger.remove(id);
                }
                for (String trigger : expected) {
                    int times = perTrigger.getOrDefault(trigger, 0);
                    if (times == 0) {
                        lost.add(origin + " never started or held by " + trigger);
                    } else if (times > 1) {
                        duplicated.add(origin + " started or held " + times + " times by " + trigger);
                    }
                }
                perTrigger.keySet().stream().filter(t -> !expected.contains(t))
                        .forEach(t -> unexpected.add(origin + " started by " + t + ", which does not match it"));
            }
        }
        moved.ifPresent(trigger -> trigger.sources().stream().filter(source -> !movedStarts.containsKey(source))
                .forEach(source -> lost.add(trigger.id() + " started nothing for source " + source + " (of "
                        + trigger.sources() + "): " + movedStarts)));
        // outputs that trace to no input at all (no origin header, or one that names no input record)
        Set<String> inputOrigins = new java.util.HashSet<>();
        inputs.forEach(input -> inputOrigins.add(input.topic() + "-" + input.partition() + "@" + input.offset()));
        byOrigin.forEach((origin, outputs) -> {
            if (!inputOrigins.contains(origin)) {
                unexpected.add(outputs.size() + " output record(s) with origin " + origin + ", which is no input: "
                        + outputs.stream().map(ConsumerRecord::topic).distinct().toList());
            }
        });
        List<PauseRecord> actualPauses = readAll(topics.paused()).stream()
                .map(r -> new PauseRecordSerde().deserializer().deserialize(r.topic(), r.value())).toList();
        List<String> pauseDifferences = comparePauses(actualPauses, oraclePauses(inputs));
        int distinctInputs = (int) inputs.stream().map(input -> java.nio.ByteBuffer.wrap(input.value() == null
                ? new byte[0] : input.value())).distinct().count();
        return new Report(inputs.size(), distinctInputs, invalid, accepted, starts, held, lost, duplicated, unexpected,
                pauseDifferences, openTransactions(), actualPauses.size(), windowsOverTheLimit(topics));
    }

    /**
     * Every interval of the rate window's length, for each trigger, holds at most its limit of starts (by
     * the starts' record times): across kill -9, restarts, rebalances and the grants of shared triggers.
     */
    private List<String> windowsOverTheLimit(Topics topics) throws Exception {
        Map<String, List<Long>> startTimes = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> start : readAll(topics.workflowStarts())) {
            startTimes.computeIfAbsent(new String(start.key(), StandardCharsets.UTF_8), t -> new ArrayList<>())
                    .add(start.timestamp());
        }
        long window = config.rateWindow().size().toMillis();
        List<String> over = new ArrayList<>();
        startTimes.forEach((trigger, times) -> {
            long limit = Workload.limitOf(trigger, config.triggers().defaults().rateLimit().maxEvents());
            times.sort(null);
            int first = 0;
            for (int last = 0; last < times.size(); last++) {
                while (times.get(first) <= times.get(last) - window) {
                    first++;
                }
                if (last - first + 1 > limit) {
                    over.add(trigger + ": " + (last - first + 1) + " starts in the " + window + " ms up to "
                            + java.time.Instant.ofEpochMilli(times.get(last)) + ", limit " + limit);
                    break;
                }
            }
        });
        return over;
    }

    /** The pause records of the same input replayed through the topology in a TopologyTestDriver. */
    private List<PauseRecord> oraclePauses(List<ConsumerRecord<byte[], byte[]>> inputs) throws IOException {
        SchedulerMetrics metrics = new SchedulerMetrics(new SimpleMeterRegistry(), config.metrics().topK());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "oracle");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // its own state directory: state left by a killed run in a shared one would change the oracle's decisions
        Path stateDir = Files.createTempDirectory("oracle-state-");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(SchedulerTopology.streamsProperties(config.topics(), metrics));
        List<ConsumerRecord<byte[], byte[]>> ordered = new ArrayList<>(inputs);
        ordered.sort(Comparator.comparingLong(ConsumerRecord<byte[], byte[]>::timestamp)
                .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
        try (TopologyTestDriver driver = new TopologyTestDriver(SchedulerTopology.build(config.topology(), metrics), props,
                Workload.T0)) {
            TestInputTopic<String, byte[]> triggers = driver.createInputTopic(config.topics().triggers(),
                    new StringSerializer(), new ByteArraySerializer());
            for (var definition : TriggerPublisher.read(new java.io.ByteArrayInputStream(
                    Workload.TRIGGERS_YAML.getBytes(StandardCharsets.UTF_8)), "triggers.yaml", config.triggers().defaults())) {
                triggers.pipeInput(definition.id(), TriggerDefinitions.write(definition), Workload.T0);
            }
            TestInputTopic<byte[], byte[]> ingress = driver.createInputTopic(config.topics().ingress(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            for (ConsumerRecord<byte[], byte[]> input : ordered) {
                ingress.pipeInput(new TestRecord<>(input.key(), input.value(), input.headers(),
                        java.time.Instant.ofEpochMilli(input.timestamp())));
            }
            TestOutputTopic<String, PauseRecord> paused = driver.createOutputTopic(config.topics().paused(),
                    new StringDeserializer(), SchedulerTopology.pauseRecordSerde().deserializer());
            return paused.readValuesToList();
        } finally {
            Utils.delete(stateDir.toFile());
        }
    }

    /** Per entity, the same sequence of changes; a resume may be decided up to a punctuation later or earlier. */
    static List<String> comparePauses(List<PauseRecord> actual, List<PauseRecord> oracle) {
        Map<String, List<PauseRecord>> actualByKey = byKey(actual);
        Map<String, List<PauseRecord>> oracleByKey = byKey(oracle);
        List<String> differences = new ArrayList<>();
        Set<String> keys = new java.util.TreeSet<>(actualByKey.keySet());
        keys.addAll(oracleByKey.keySet());
        for (String key : keys) {
            List<PauseRecord> a = actualByKey.getOrDefault(key, List.of());
            List<PauseRecord> o = oracleByKey.getOrDefault(key, List.of());
            if (a.size() != o.size()) {
                differences.add(key + ": " + a.size() + " changes, the oracle " + o.size() + ": " + summary(a) + " vs " + summary(o));
                continue;
            }
            for (int i = 0; i < a.size(); i++) {
                PauseRecord x = a.get(i);
                PauseRecord y = o.get(i);
                boolean same = x.state() == y.state() && x.reason() == y.reason() && x.causes().equals(y.causes())
                        && x.correlationId().equals(y.correlationId()) && x.pausedAt().equals(y.pausedAt())
                        && x.pauseCount() == y.pauseCount() && x.rate().equals(y.rate())
                        && (x.state() == PauseState.ACTIVE ? within(x, y) : x.resumeAt().equals(y.resumeAt()));
                if (!same) {
                    differences.add(key + " change " + i + ": " + x + " vs the oracle's " + y);
                }
            }
        }
        return differences;
    }

    private static boolean within(PauseRecord x, PauseRecord y) {
        if (x.resumedAt().isEmpty() || y.resumedAt().isEmpty()) {
            return x.resumedAt().equals(y.resumedAt());
        }
        return Math.abs(x.resumedAt().get().toEpochMilli() - y.resumedAt().get().toEpochMilli()) <= RESUME_TOLERANCE_MILLIS;
    }

    private static String summary(List<PauseRecord> records) {
        return records.stream().map(r -> r.state() + "/" + r.reason().code() + "@" + r.pausedAt().orElse(null)).toList().toString();
    }

    private static Map<String, List<PauseRecord>> byKey(List<PauseRecord> records) {
        Map<String, List<PauseRecord>> byKey = new LinkedHashMap<>();
        records.forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r));
        return byKey;
    }

    private List<String> openTransactions() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Collection<TransactionListing> open = admin.listTransactions(new ListTransactionsOptions()
                    .filterStates(List.of(TransactionState.ONGOING, TransactionState.PREPARE_COMMIT,
                            TransactionState.PREPARE_ABORT))).all().get();
            return open.stream().map(t -> t.transactionalId() + " " + t.state()).toList();
        }
    }

    /** Every committed record of {@code topic}, to its last stable offsets. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** A dead-lettered held start: it ends the trigger's part of its event, not the event's admission. */
    private static boolean isTriggerHold(ConsumerRecord<byte[], byte[]> record) {
        return header(record, SchedulerHeaders.ENTITY).filter(entity -> entity.startsWith("trigger:")).isPresent();
    }

    /** A held event of a source that did not come back (expired, pushed out, discarded): held, not invalid. */
    private static boolean isHeldDeadLetter(ConsumerRecord<byte[], byte[]> record) {
        return header(record, SchedulerHeaders.ENTITY).filter(entity -> entity.startsWith("source:")).isPresent();
    }

    /**
     * What the instances still hold: each entity's held records, as its state in {@code statesStore}'s
     * changelog says, read from the live pages of {@code heldStore}'s changelog (a page keeps records
     * already taken until its last is taken: the state says which are still held).
     */
    private List<HeldRecord> stillHeld(String statesStore, String heldStore) {
        // per task (changelog partition): a shared trigger's matches wait in every source task, under one key
        Map<Integer, Map<Bytes, byte[]>> pages = live(heldStore);
        GuardStateSerde serde = new GuardStateSerde(config.rateWindow());
        List<HeldRecord> held = new ArrayList<>();
        live(statesStore).forEach((partition, states) -> states.forEach((id, state) -> held.addAll(HeldWork.peek(
                new Pages(pages.getOrDefault(partition, Map.of())), new String(id.get(), StandardCharsets.UTF_8),
                serde.deserializer().deserialize(statesStore, state), Integer.MAX_VALUE))));
        return held;
    }

    /** The live entries of a store's changelog, read to its end, per partition (per task). */
    private Map<Integer, Map<Bytes, byte[]>> live(String store) {
        Map<Integer, Map<Bytes, byte[]>> live = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(config.kafka().applicationId() + "-" + store + "-changelog")) {
            Map<Bytes, byte[]> partition = live.computeIfAbsent(record.partition(), p -> new java.util.LinkedHashMap<>());
            if (record.value() == null) {
                partition.remove(Bytes.wrap(record.key()));
            } else {
                partition.put(Bytes.wrap(record.key()), record.value());
            }
        }
        return live;
    }

    /** The held pages read from a changelog, as the store {@link HeldWork#peek} reads (only its gets). */
    private record Pages(Map<Bytes, byte[]> pages) implements ReadOnlyKeyValueStore<Bytes, byte[]> {
        @Override
        public byte[] get(Bytes key) {
            return pages.get(key);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
            throw new UnsupportedOperationException("peek reads pages by key");
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> all() {
            throw new UnsupportedOperationException("peek reads pages by key");
        }

        @Override
        public long approximateNumEntries() {
            return pages.size();
        }
    }

    private static String origin(HeldRecord record) {
        Header header = record.headers().lastHeader(SchedulerHeaders.ORIGIN);
        return header == null ? "no-origin" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static java.util.Optional<String> header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? java.util.Optional.empty()
                : java.util.Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static String attribute(byte[] value, String name) {
        try {
            JsonNode event = JSON.readTree(value);
            return event.path(name).asText("");
        } catch (IOException e) {
            return "";
        }
    }
}
