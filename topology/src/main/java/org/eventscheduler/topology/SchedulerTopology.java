package org.eventscheduler.topology;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.eventscheduler.topology.dlq.DeadLetterDeserializationHandler;
import org.eventscheduler.topology.dlq.DeadLetterProcessingHandler;
import org.eventscheduler.topology.dlq.DeadLetters;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.event.IngressEventSerde;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseRecordSerde;
import org.eventscheduler.topology.source.SourceDecision;
import org.eventscheduler.topology.source.SourceLimiterStage;

/**
 * Builds the scheduler's Kafka Streams topology from configuration: a pure function, no I/O, nothing
 * started. {@code main} and the tests call the same {@link #build}.
 *
 * <pre>
 * events.ingress ──(CloudEvent deserializer; invalid → scheduler.dlq)──┬─ key == source ─────────────┐
 *                                                                     └─ other key → events-by-source ┤
 *                                                                        (repartition by source)      │
 *                       source-limiter [source-states, paused-sources] ◀──────────────────────────────┘
 *                          ├─ admitted  → events.accepted
 *                          ├─ held      → scheduler.throttled (reason header)
 *                          └─ pause/resume → scheduler.paused (compacted, key source:&lt;id&gt;)
 * </pre>
 */
public final class SchedulerTopology {

    private SchedulerTopology() {
    }

    public static Topology build(TopologyConfig config, SchedulerMetrics metrics) {
        Topics topics = config.topics();
        Serde<IngressEvent> eventSerde = new IngressEventSerde(config.maxEventBytes());
        StreamsBuilder builder = new StreamsBuilder(new org.apache.kafka.streams.TopologyConfig(
                new StreamsConfig(Map.of(
                        StreamsConfig.APPLICATION_ID_CONFIG, "event-scheduler",
                        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "build-time-only:9092",
                        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                        StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true))));
        SourceLimiterStage.addStores(builder, config.sourceLimiting());

        KStream<byte[], IngressEvent> ingress = builder.stream(topics.ingress(),
                Consumed.with(Serdes.ByteArray(), eventSerde).withName("ingress-events"));
        Map<String, KStream<byte[], IngressEvent>> routes = ingress
                .split(Named.as("ingress-"))
                .branch((key, event) -> event.isKeyedBySource(key), Branched.as("keyed-by-source"))
                .defaultBranch(Branched.as("keyed-otherwise"));
        KStream<byte[], IngressEvent> rekeyed = routes.get("ingress-keyed-otherwise")
                .selectKey((key, event) -> event.sourceKey(), Named.as("key-by-source"))
                .repartition(Repartitioned.<byte[], IngressEvent>as(StoreNames.EVENTS_BY_SOURCE)
                        .withKeySerde(Serdes.ByteArray())
                        .withValueSerde(eventSerde));
        KStream<String, SourceDecision> decisions = routes.get("ingress-keyed-by-source")
                .merge(rekeyed, Named.as("events-by-source"))
                .process(SourceLimiterStage.processor(config.sourceLimiting(), metrics), Named.as("source-limiter"),
                        SourceLimiterStage.STORES);

        decisions.split(Named.as("source-"))
                .branch((source, decision) -> decision instanceof SourceDecision.Admitted,
                        Branched.withConsumer(admitted -> admitted
                                .mapValues(decision -> ((SourceDecision.Admitted) decision).event().value(),
                                        Named.as("admitted-value"))
                                .to(topics.accepted(), Produced.with(Serdes.String(), Serdes.ByteArray())
                                        .withName("accepted-sink")), "admitted"))
                .branch((source, decision) -> decision instanceof SourceDecision.Held,
                        Branched.withConsumer(held -> held
                                .mapValues(decision -> ((SourceDecision.Held) decision).event().value(),
                                        Named.as("held-value"))
                                .to(topics.throttled(), Produced.with(Serdes.String(), Serdes.ByteArray())
                                        .withName("throttled-sink")), "held"))
                .defaultBranch(Branched.withConsumer(changes -> changes
                        .mapValues(decision -> ((SourceDecision.PauseChanged) decision).record(),
                                Named.as("pause-change-value"))
                        .to(topics.paused(), Produced.with(Serdes.String(), new PauseRecordSerde())
                                .withName("paused-sink")), "pause-changes"));
        return builder.build();
    }

    /**
     * The Streams properties the topology depends on, whatever the deployment: the dead-letter handlers
     * and topic, and explicit naming of internal resources. The runner adds connection and guarantee
     * settings; the tests use these as they are.
     */
    public static Map<String, Object> streamsProperties(Topics topics, SchedulerMetrics metrics) {
        return Map.of(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class,
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.dlq(),
                StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                DeadLetters.METRICS_CONFIG, metrics);
    }

    /** The serde of {@code scheduler.paused} values, for consumers of the changelog. */
    public static Serde<PauseRecord> pauseRecordSerde() {
        return new PauseRecordSerde();
    }
}
