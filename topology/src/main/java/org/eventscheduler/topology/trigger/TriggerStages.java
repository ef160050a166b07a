package org.eventscheduler.topology.trigger;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.guard.GuardStateSerde;
import org.eventscheduler.topology.guard.GuardTiming;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.source.AdmittedEventCheck;
import org.eventscheduler.topology.source.SourceDecision;

/** The trigger side of the topology: the definitions' global store, the matcher, the stage and its stores. */
public final class TriggerStages {
    /** The stores the stage of shared triggers is connected to. */
    public static final String[] STORES = TriggerHome.Stores.SHARED.names();
    /** The stores of the stage of shared triggers when it grants budget: with its ledger of grants. */
    public static final String[] GRANTING_STORES = {StoreNames.TRIGGER_STATES, StoreNames.PAUSED_TRIGGERS,
            StoreNames.HELD_TRIGGERS, StoreNames.TRIGGER_GRANT_LEDGER};
    /** The stores the stage of pinned triggers (in the source stage's task) is connected to. */
    public static final String[] PINNED_STORES = {StoreNames.PINNED_TRIGGER_STATES, StoreNames.PAUSED_PINNED_TRIGGERS,
            StoreNames.HELD_PINNED_TRIGGERS, StoreNames.PINNED_TRIGGER_HOMES};
    /** The stores the stage that starts shared triggers' matches from granted budget (in the source task) uses. */
    public static final String[] GRANTED_STORES = {StoreNames.GRANTED_TRIGGER_STATES, StoreNames.PAUSED_GRANTED_TRIGGERS,
            StoreNames.HELD_GRANTED_TRIGGERS, StoreNames.TRIGGER_BUDGETS};

    private TriggerStages() {
    }

    /** Reads {@code scheduler.triggers} into the global {@code trigger-definitions} store and the registry. */
    public static void addDefinitions(StreamsBuilder builder, String topic, TriggerRegistry registry,
                                      SchedulerMetrics metrics) {
        builder.addGlobalStore(Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.TRIGGER_DEFINITIONS),
                                Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topic,
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("trigger-definitions-source"),
                () -> new TriggerDefinitionLoader(registry, metrics));
    }

    /**
     * Adds the stage's stores, changelogged: breaker and pause state survive restarts and rebalances.
     * They are kept in memory, not in RocksDB: they hold one entry per trigger, so their size is bounded
     * by the trigger definitions, a restart restores them from their compacted changelogs in moments,
     * and a lookup that the thread's record cache no longer holds (a million sources push the triggers'
     * entries out of it) costs a map lookup instead of a RocksDB read (docs/benchmarks.md, S3). The
     * source stores, one entry per source, stay in RocksDB, whose memory is bounded. The stores of granted
     * budget are added only when shared triggers take that path.
     */
    public static void addStores(StreamsBuilder builder, GuardTiming timing, SharedTriggerPath path) {
        addStores(builder, timing, TriggerHome.Stores.SHARED);
        addStores(builder, timing, TriggerHome.Stores.PINNED);
        if (path == SharedTriggerPath.GRANTED_BUDGET) {
            addStores(builder, timing, TriggerHome.Stores.GRANTED);
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.TRIGGER_GRANT_LEDGER),
                            Serdes.String(), GrantLedger.serde())
                    .withCachingEnabled());
            builder.addStateStore(Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore(StoreNames.TRIGGER_BUDGETS), Serdes.String(),
                            GrantBudgets.Budget.serde())
                    .withCachingEnabled());
        }
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.PINNED_TRIGGER_HOMES), Serdes.String(), Serdes.String())
                .withCachingEnabled());
    }

    private static void addStores(StreamsBuilder builder, GuardTiming timing, TriggerHome.Stores names) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(names.states()),
                        Serdes.String(), new GuardStateSerde(timing.window()))
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(names.paused()),
                        Serdes.String(), Serdes.Long())
                .withCachingEnabled());
        // held starts may number hold.max-records per trigger: on disk, not in the heap
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(names.held()), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled());
    }

    /** What the source stage asks of every event it admits: the triggers' evaluation of it. */
    public static AdmittedEventCheck evaluator(TriggerRegistry registry) {
        return new TriggerEvaluator((source, type) -> registry.index().candidates(source, type));
    }

    /** Turns the evaluation the source stage made into the trigger stage's inputs. */
    public static ProcessorSupplier<String, SourceDecision, String, TriggerInput> matcher() {
        return TriggerMatcher::new;
    }

    /**
     * Adds the dead-lettering of admitted events that a trigger they match cannot use: one DLQ record
     * per (event, trigger), reason {@code trigger-input-unavailable}.
     */
    public static void deadLetterUnusable(KStream<String, SourceDecision> admitted) {
        admitted.process(UnusableEvents.Split::new, Named.as("unusable-event-split"))
                .processValues(UnusableEvents.DeadLetter::new, Named.as("unusable-event-dead-letter"));
    }

    /** The stage of shared triggers, behind {@code by-trigger}: it starts their matches, or grants budget. */
    public static ProcessorSupplier<String, TriggerInput, String, TriggerDecision> stage(
            GuardTiming timing, TriggerRegistry registry, SchedulerMetrics metrics, SharedTriggerPath path) {
        TriggerStage.Kind kind = path == SharedTriggerPath.GRANTED_BUDGET ? TriggerStage.Kind.GRANTING_HOME
                : TriggerStage.Kind.SHARED_HOME;
        return () -> new TriggerStage(timing, registry, metrics, kind);
    }

    /** The stage of pinned triggers, in the task of their source. */
    public static ProcessorSupplier<String, TriggerInput, String, TriggerDecision> pinnedStage(
            GuardTiming timing, TriggerRegistry registry, SchedulerMetrics metrics) {
        return () -> new TriggerStage(timing, registry, metrics, TriggerStage.Kind.PINNED_HOME);
    }

    /** The stage in the source task that starts shared triggers' matches from the budget their homes grant. */
    public static ProcessorSupplier<String, TriggerInput, String, TriggerDecision> grantedStage(
            GuardTiming timing, TriggerRegistry registry, SchedulerMetrics metrics) {
        return () -> new TriggerStage(timing, registry, metrics, TriggerStage.Kind.GRANTED);
    }

    /** A value of the {@code trigger-budgets} store, read from its changelog (the tests restore the store with it). */
    public static Object readBudget(byte[] value) {
        return GrantBudgets.Budget.serde().deserializer().deserialize(null, value);
    }

    /** A value of the {@code trigger-grant-ledger} store, read from its changelog (the tests restore the store with it). */
    public static Object readGrantLedger(byte[] value) {
        return GrantLedger.serde().deserializer().deserialize(null, value);
    }

    /** Writes each grant to the partition of the source task it is for, a revocation to every partition. */
    public static StreamPartitioner<String, TriggerInput> grantPartitioner() {
        return new GrantPartitioner();
    }

    /** Whether trigger {@code id} is pinned to a source, as this instance knows its definition now. */
    public static boolean isPinned(TriggerRegistry registry, String id) {
        return TriggerHome.of(registry, id) instanceof TriggerHome.Pinned;
    }

    /** The key that routes an input of pinned trigger {@code id} to its source's partition. */
    public static String pinnedSourceOf(TriggerRegistry registry, String id) {
        return TriggerHome.of(registry, id).partitionKey(id);
    }

    /** The serde of the {@code by-trigger} repartition topic. */
    public static Serde<TriggerInput> inputSerde() {
        return TriggerJson.inputSerde();
    }

    /** Writes a match the trigger stage admitted as a {@link WorkflowStart}, its input passed on as it is. */
    public static Serde<TriggerInput.Match> startWriter() {
        return Serdes.serdeFrom(TriggerJson.startSerializer(), (topic, data) -> {
            throw new UnsupportedOperationException("workflow starts are read with SchedulerTopology.workflowStartSerde()");
        });
    }

    /** A held start's stored value (the trigger stage's binary match) as the {@link WorkflowStart} JSON it will be written as. */
    public static byte[] heldStartJson(byte[] heldValue) {
        return TriggerJson.startSerializer().serialize(null, MatchCodec.read(heldValue));
    }

    /** The serde reading {@code workflow.start-results}. */
    public static Serde<TriggerInput.StartResult> startResultSerde() {
        return Serdes.serdeFrom((topic, result) -> {
            throw new UnsupportedOperationException("start results are written by the workflow engine");
        }, TriggerJson.startResultDeserializer());
    }
}
