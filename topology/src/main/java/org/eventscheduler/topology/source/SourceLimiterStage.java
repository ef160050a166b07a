package org.eventscheduler.topology.source;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.event.SourceInput;
import org.eventscheduler.topology.guard.GuardStateSerde;
import org.eventscheduler.topology.guard.GuardTiming;
import org.eventscheduler.topology.metrics.SchedulerMetrics;

/** The source limiter's part of the topology: its state stores and its processor. */
public final class SourceLimiterStage {
    /** The stores the source limiter is connected to. */
    public static final String[] STORES = {StoreNames.SOURCE_STATES, StoreNames.PAUSED_SOURCES, StoreNames.HELD_SOURCES};

    private SourceLimiterStage() {
    }

    /**
     * Adds the limiter's stores, persistent and changelogged, so state survives restarts and rebalances:
     * the sources' states, the paused index, and the held events.
     */
    public static void addStores(StreamsBuilder builder, GuardTiming timing) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.SOURCE_STATES),
                        Serdes.String(), new GuardStateSerde(timing.window()))
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.PAUSED_SOURCES),
                        Serdes.String(), Serdes.Long())
                .withCachingEnabled());
        // a page of held records is appended to record by record: the record cache keeps it until the commit
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.HELD_SOURCES), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled());
    }

    /**
     * The ingress router and the limiter of one topology, which share each task's view of the paused index
     * (a new pair for every topology built).
     *
     * @param router  the first step of every ingress record: parses it, or passes on unparsed the event of a
     *                source that is paused for every record (see {@link IngressRouter})
     * @param limiter the limiter; {@code check} looks at every admitted event before its source's breaker
     *                records the outcome (see {@link AdmittedEventCheck})
     */
    public record Processors(ProcessorSupplier<byte[], byte[], byte[], SourceInput> router,
                             ProcessorSupplier<byte[], SourceInput, String, SourceDecision> limiter) {
    }

    /** The stores the ingress router reads. */
    public static final String[] ROUTER_STORES = {StoreNames.SOURCE_STATES};

    /** See {@link Processors}. */
    public static Processors processors(GuardTiming timing, SourcePolicies policies, AdmittedEventCheck check,
                                        SchedulerMetrics metrics, int maxEventBytes) {
        IndexedSources indexed = new IndexedSources();
        return new Processors(() -> new IngressRouter(indexed, timing, policies, metrics, maxEventBytes),
                () -> new SourceLimiter(timing, policies, check, metrics, maxEventBytes, indexed));
    }
}
