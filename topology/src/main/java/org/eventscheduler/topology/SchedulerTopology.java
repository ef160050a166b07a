package org.eventscheduler.topology;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.control.ControlCommandSerde;
import org.eventscheduler.topology.dlq.DeadLetterHandler;
import org.eventscheduler.topology.dlq.DeadLetters;
import org.eventscheduler.topology.event.SourceControl;
import org.eventscheduler.topology.event.SourceInput;
import org.eventscheduler.topology.event.SourceInputSerde;
import org.eventscheduler.topology.hold.HoldNotice;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseRecordSerde;
import org.eventscheduler.topology.source.SourceDecision;
import org.eventscheduler.topology.source.SourceLimiterStage;
import org.eventscheduler.topology.trigger.SharedTriggerPath;
import org.eventscheduler.topology.trigger.TriggerDecision;
import org.eventscheduler.topology.trigger.TriggerInput;
import org.eventscheduler.topology.trigger.TriggerJson;
import org.eventscheduler.topology.trigger.TriggerRegistry;
import org.eventscheduler.topology.trigger.TriggerStages;
import org.eventscheduler.topology.trigger.WorkflowStart;

/**
 * Builds the scheduler's Kafka Streams topology from configuration: a pure function, no I/O, nothing
 * started. {@code main} and the tests call the same {@link #build}.
 *
 * <pre>
 * events.ingress ─(CloudEvent deserializer; unreadable → DLQ)─┬─ key == source ──────────────────────┐
 *                                                              └─ other key ─┐                        │
 * scheduler.control ── source commands ─────────────────────────────────────┴→ by-source (repartition)┤
 *                                                                                                      ▼
 *            source-limiter [source-states, paused-sources] ── admitted ─→ events.accepted (unless switched off)
 *              │ (evaluates the triggers: global trigger-definitions)                             │
 *              │ held → held-sources (audit → scheduler.throttled; ends → DLQ)  pause/resume → scheduler.paused  │
 *              │                                          unusable by a trigger → DLQ ←───────────┤
 *              │                                                                                  ▼
 *              │                                 trigger-matcher ─┬─ matches of pinned triggers ──────────────┐
 *              │                                                  ├─ matches of shared triggers ─┐             │
 *              │                                                  └─ shared triggers' failures ──┼─────┐       │
 *              │  scheduler.trigger-grants ─────────────────────────────────────────────────────┤     │       │
 *              │   (grants, revocations, invitations, relayed release/discard)                   ▼     │       │
 *              │        granted-trigger-stage [granted-trigger-states, paused-granted-triggers,         │       │
 *              │          held-granted-triggers, trigger-budgets] ── starts within the grant → workflow.starts │
 *              │            └─ demands ─────────────────────────────────────────────────────────┐     │       │
 * workflow.start-results ── results ─┬─ of pinned triggers ─┐                                    │     │       │
 * scheduler.control ── trigger cmds ─┤                      └→ by-trigger-source ──────────────────────────────┤
 *                                    └─ of shared triggers ─────────────────────────────────────┴─────┴→ by-trigger
 *                                                                                                      ▼       ▼
 *   (same task as the source-limiter) pinned-trigger-stage [pinned-trigger-states,        trigger-stage, the shared
 *     paused-pinned-triggers, held-pinned-triggers, pinned-trigger-homes]                  triggers' home [trigger-states,
 *     ── starts → workflow.starts                                                          paused-triggers, held-triggers,
 *                                                                                          trigger-grant-ledger]
 *   every stage: held → held-(pinned-|granted-)triggers (audit → scheduler.throttled;       ── grants → scheduler.trigger-grants
 *                ends → DLQ); pause/resume → scheduler.paused; starts → workflow.starts
 * </pre>
 */
public final class SchedulerTopology {

    private SchedulerTopology() {
    }

    public static Topology build(TopologyConfig config, SchedulerMetrics metrics) {
        Topics topics = config.topics();
        Serde<SourceInput> sourceSerde = new SourceInputSerde(config.maxEventBytes());
        Serde<TriggerInput> triggerSerde = TriggerStages.inputSerde();
        TriggerRegistry registry = new TriggerRegistry(config.triggerDefaults());
        StreamsBuilder builder = new StreamsBuilder(new org.apache.kafka.streams.TopologyConfig(
                new StreamsConfig(Map.of(
                        StreamsConfig.APPLICATION_ID_CONFIG, "event-scheduler",
                        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "build-time-only:9092",
                        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                        StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true))));
        SourceLimiterStage.addStores(builder, config.guardTiming());
        TriggerStages.addStores(builder, config.guardTiming(), config.sharedTriggers());
        TriggerStages.addDefinitions(builder, topics.triggers(), registry, metrics);

        // operator commands, split by the kind of entity they are about
        Map<String, KStream<String, ControlCommand>> commands = builder
                .stream(topics.control(), Consumed.with(Serdes.String(), new ControlCommandSerde())
                        .withName("control-commands"))
                .split(Named.as("control-"))
                .branch((key, command) -> command.entityType() == EntityType.SOURCE, Branched.as("sources"))
                .defaultBranch(Branched.as("triggers"));
        KStream<byte[], SourceInput> sourceCommands = commands.get("control-sources")
                .map((key, command) -> KeyValue.pair(command.entityId().getBytes(StandardCharsets.UTF_8),
                        (SourceInput) new SourceControl(command)), Named.as("source-command-by-source"));

        // ingress: read as it arrived; the router parses it (unless its key names a source that holds every
        // record); events keyed by their source go straight to the limiter, the rest through by-source
        SourceLimiterStage.Processors sourceStage = SourceLimiterStage.processors(config.guardTiming(),
                config.sourcePolicies(), TriggerStages.evaluator(registry), metrics, config.maxEventBytes());
        Map<String, KStream<byte[], SourceInput>> routes = builder
                .stream(topics.ingress(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("ingress-events"))
                .process(sourceStage.router(), Named.as("ingress-router"), SourceLimiterStage.ROUTER_STORES)
                .split(Named.as("ingress-"))
                .branch((key, input) -> input.isKeyedBySource(key), Branched.as("keyed-by-source"))
                .defaultBranch(Branched.as("keyed-otherwise"));
        KStream<byte[], SourceInput> bySource = routes.get("ingress-keyed-otherwise")
                .processValues(Origins::stamp, Named.as("stamp-origin"))
                .selectKey((key, input) -> input.sourceKey(), Named.as("key-by-source"))
                .merge(sourceCommands, Named.as("with-source-commands"))
                .repartition(Repartitioned.<byte[], SourceInput>as(StoreNames.BY_SOURCE)
                        .withKeySerde(Serdes.ByteArray())
                        .withValueSerde(sourceSerde));
        Map<String, KStream<String, SourceDecision>> sourceDecisions = routes.get("ingress-keyed-by-source")
                .merge(bySource, Named.as("source-inputs"))
                .process(sourceStage.limiter(), Named.as("source-limiter"), SourceLimiterStage.STORES)
                .split(Named.as("source-"))
                .branch((source, decision) -> decision instanceof SourceDecision.Admitted, Branched.as("admitted"))
                .branch((source, decision) -> decision instanceof SourceDecision.DeadLettered,
                        Branched.as("dead-letters"))
                .branch((source, decision) -> decision instanceof SourceDecision.HoldNoticed,
                        Branched.as("hold-notices"))
                .defaultBranch(Branched.as("pause-changes"));

        KStream<String, SourceDecision> admitted = sourceDecisions.get("source-admitted");
        if (config.publishAccepted()) {
            admitted.mapValues(decision -> ((SourceDecision.Admitted) decision).event().value(), Named.as("admitted-value"))
                    .to(topics.accepted(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("accepted-sink"));
        }
        sourceDecisions.get("source-dead-letters")
                .map((source, decision) -> KeyValue.pair(((SourceDecision.DeadLettered) decision).key(),
                        ((SourceDecision.DeadLettered) decision).value()), Named.as("held-dead-letter"))
                .to(topics.dlq(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("held-dlq-sink"));
        sourceDecisions.get("source-hold-notices")
                .mapValues(decision -> ((SourceDecision.HoldNoticed) decision).notice(), Named.as("hold-notice-value"))
                .to(topics.throttled(), Produced.with(Serdes.String(), HoldNotice.serde()).withName("throttled-sink"));
        sourceDecisions.get("source-pause-changes")
                .mapValues(decision -> ((SourceDecision.PauseChanged) decision).record(), Named.as("pause-change-value"))
                .to(topics.paused(), Produced.with(Serdes.String(), new PauseRecordSerde()).withName("paused-sink"));

        // triggers: a pinned trigger (one exact source) is guarded in its source's task, from the matches the
        // matcher makes there, and its start results and commands reach it through by-trigger-source; every
        // other trigger is guarded behind by-trigger, partitioned by trigger id
        Map<String, KStream<String, TriggerInput>> matches = byHome(admitted
                .process(TriggerStages.matcher(), Named.as("trigger-matcher"))
                .split(Named.as("matches-")), registry);
        TriggerStages.deadLetterUnusable(admitted);
        Map<String, KStream<String, TriggerInput>> results = byHome(builder
                .stream(topics.startResults(), Consumed.with(Serdes.ByteArray(), TriggerStages.startResultSerde())
                        .withName("start-results"))
                .map((key, result) -> KeyValue.pair(result.triggerId(), (TriggerInput) result),
                        Named.as("result-by-trigger"))
                .split(Named.as("results-")), registry);
        Map<String, KStream<String, TriggerInput>> triggerCommands = byHome(commands.get("control-triggers")
                .map((key, command) -> KeyValue.pair(command.entityId(),
                        (TriggerInput) new TriggerInput.Control(command)), Named.as("trigger-command-by-trigger"))
                .split(Named.as("trigger-commands-")), registry);

        if (config.sharedTriggers() == SharedTriggerPath.GRANTED_BUDGET) {
            startSharedTriggersFromGrantedBudget(builder, config, registry, metrics, matches.get("matches-shared"),
                    results.get("results-shared"), triggerCommands.get("trigger-commands-shared"));
        } else {
            // every match of a shared trigger crosses by-trigger to the trigger's home, which starts it
            KStream<String, TriggerDecision> shared = matches.get("matches-shared")
                    .merge(results.get("results-shared"), Named.as("with-start-results"))
                    .merge(triggerCommands.get("trigger-commands-shared"), Named.as("with-trigger-commands"))
                    .repartition(Repartitioned.<String, TriggerInput>as(StoreNames.BY_TRIGGER)
                            .withKeySerde(Serdes.String())
                            .withValueSerde(triggerSerde))
                    .process(TriggerStages.stage(config.guardTiming(), registry, metrics, SharedTriggerPath.HOP),
                            Named.as("trigger-stage"), TriggerStages.STORES);
            writeTriggerDecisions(shared, "trigger-", topics);
        }

        KStream<String, TriggerInput> pinnedInputs = results.get("results-pinned")
                .merge(triggerCommands.get("trigger-commands-pinned"), Named.as("pinned-results-and-commands"))
                .selectKey((id, input) -> TriggerStages.pinnedSourceOf(registry, id), Named.as("key-by-trigger-source"))
                .repartition(Repartitioned.<String, TriggerInput>as(StoreNames.BY_TRIGGER_SOURCE)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(triggerSerde))
                .selectKey((source, input) -> input.triggerId(), Named.as("pinned-key-by-trigger"));
        KStream<String, TriggerDecision> pinned = matches.get("matches-pinned")
                .merge(pinnedInputs, Named.as("pinned-trigger-inputs"))
                .process(TriggerStages.pinnedStage(config.guardTiming(), registry, metrics),
                        Named.as("pinned-trigger-stage"), TriggerStages.PINNED_STORES);
        writeTriggerDecisions(pinned, "pinned-trigger-", topics);
        return builder.build();
    }

    /**
     * Shared triggers start in the source task too, from the budget their home (behind by-trigger) grants: the
     * task sends the home small demands, never the matches, and the grants come back on
     * {@code scheduler.trigger-grants}, each to the partition of the task that asked (docs/architecture.md).
     */
    private static void startSharedTriggersFromGrantedBudget(StreamsBuilder builder, TopologyConfig config,
                                                             TriggerRegistry registry, SchedulerMetrics metrics,
                                                             KStream<String, TriggerInput> sharedMatchesIn,
                                                             KStream<String, TriggerInput> sharedResults,
                                                             KStream<String, TriggerInput> sharedCommands) {
        Topics topics = config.topics();
        Serde<TriggerInput> triggerSerde = TriggerStages.inputSerde();
        KStream<String, TriggerInput> grants = builder.stream(topics.triggerGrants(),
                Consumed.with(Serdes.String(), triggerSerde).withName("trigger-grants"));
        // a trigger's failure on an event goes to its home, where its breaker is
        Map<String, KStream<String, TriggerInput>> sharedMatches = sharedMatchesIn
                .split(Named.as("shared-matches-"))
                .branch((id, match) -> ((TriggerInput.Match) match).error().isPresent(), Branched.as("failed"))
                .defaultBranch(Branched.as("made"));
        Map<String, KStream<String, TriggerDecision>> granted = sharedMatches.get("shared-matches-made")
                .merge(grants, Named.as("with-trigger-grants"))
                .process(TriggerStages.grantedStage(config.guardTiming(), registry, metrics),
                        Named.as("granted-trigger-stage"), TriggerStages.GRANTED_STORES)
                .split(Named.as("granted-trigger-budget-"))
                .branch((id, decision) -> decision instanceof TriggerDecision.Demanded, Branched.as("demands"))
                .defaultBranch(Branched.as("decisions"));
        writeTriggerDecisions(granted.get("granted-trigger-budget-decisions"), "granted-trigger-", topics);

        Map<String, KStream<String, TriggerDecision>> home = granted.get("granted-trigger-budget-demands")
                .mapValues(decision -> (TriggerInput) ((TriggerDecision.Demanded) decision).demand(),
                        Named.as("demand-value"))
                .merge(sharedMatches.get("shared-matches-failed"), Named.as("with-failed-matches"))
                .merge(sharedResults, Named.as("with-start-results"))
                .merge(sharedCommands, Named.as("with-trigger-commands"))
                .repartition(Repartitioned.<String, TriggerInput>as(StoreNames.BY_TRIGGER)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(triggerSerde))
                .process(TriggerStages.stage(config.guardTiming(), registry, metrics,
                        SharedTriggerPath.GRANTED_BUDGET), Named.as("trigger-stage"), TriggerStages.GRANTING_STORES)
                .split(Named.as("trigger-home-"))
                .branch((id, decision) -> decision instanceof TriggerDecision.Granted
                        || decision instanceof TriggerDecision.Relayed, Branched.as("grants"))
                .defaultBranch(Branched.as("decisions"));
        home.get("trigger-home-grants")
                .mapValues(decision -> decision instanceof TriggerDecision.Granted grant
                        ? (TriggerInput) grant.grant()
                        : ((TriggerDecision.Relayed) decision).control(), Named.as("grant-value"))
                .to(topics.triggerGrants(), Produced.with(Serdes.String(), triggerSerde)
                        .withStreamPartitioner(TriggerStages.grantPartitioner())
                        .withName("trigger-grants-sink"));
        writeTriggerDecisions(home.get("trigger-home-decisions"), "trigger-", topics);
    }

    /**
     * Splits inputs keyed by trigger id by the trigger's home, as this instance knows its definition now:
     * branch {@code <prefix>pinned} for triggers pinned to one source, {@code <prefix>shared} for the rest.
     */
    private static Map<String, KStream<String, TriggerInput>> byHome(
            BranchedKStream<String, TriggerInput> inputs, TriggerRegistry registry) {
        return inputs
                .branch((id, input) -> TriggerStages.isPinned(registry, id), Branched.as("pinned"))
                .defaultBranch(Branched.as("shared"));
    }

    /**
     * Writes what a trigger stage decided: starts to {@code workflow.starts}, held starts that end to the
     * DLQ, hold notices to {@code scheduler.throttled}, pause changes to {@code scheduler.paused}, an
     * operator's pause carried to a moved trigger's new home to {@code scheduler.control}. Each
     * stage has its own sinks (named with {@code prefix}): one stream of both would join their
     * sub-topologies into one.
     */
    private static void writeTriggerDecisions(KStream<String, TriggerDecision> decisions, String prefix, Topics topics) {
        Map<String, KStream<String, TriggerDecision>> split = decisions
                .split(Named.as(prefix))
                .branch((id, decision) -> decision instanceof TriggerDecision.Start, Branched.as("starts"))
                .branch((id, decision) -> decision instanceof TriggerDecision.DeadLettered, Branched.as("dead-letters"))
                .branch((id, decision) -> decision instanceof TriggerDecision.HoldNoticed, Branched.as("hold-notices"))
                .branch((id, decision) -> decision instanceof TriggerDecision.Commanded, Branched.as("commands"))
                .defaultBranch(Branched.as("pause-changes"));
        split.get(prefix + "commands")
                .mapValues(decision -> ((TriggerDecision.Commanded) decision).command(), Named.as(prefix + "command-value"))
                .to(topics.control(), Produced.with(Serdes.String(), new ControlCommandSerde())
                        .withName(prefix + "control-sink"));
        split.get(prefix + "starts")
                .mapValues(decision -> ((TriggerDecision.Start) decision).match(), Named.as(prefix + "start-value"))
                .to(topics.workflowStarts(), Produced.with(Serdes.String(), TriggerStages.startWriter())
                        .withName(prefix + "workflow-starts-sink"));
        split.get(prefix + "dead-letters")
                .map((id, decision) -> KeyValue.pair(((TriggerDecision.DeadLettered) decision).key(),
                        ((TriggerDecision.DeadLettered) decision).value()), Named.as(prefix + "held-start-dead-letter"))
                .to(topics.dlq(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName(prefix + "held-dlq-sink"));
        split.get(prefix + "hold-notices")
                .mapValues(decision -> ((TriggerDecision.HoldNoticed) decision).notice(),
                        Named.as(prefix + "hold-notice-value"))
                .to(topics.throttled(), Produced.with(Serdes.String(), HoldNotice.serde())
                        .withName(prefix + "throttled-sink"));
        split.get(prefix + "pause-changes")
                .mapValues(decision -> ((TriggerDecision.PauseChanged) decision).record(),
                        Named.as(prefix + "pause-change-value"))
                .to(topics.paused(), Produced.with(Serdes.String(), new PauseRecordSerde())
                        .withName(prefix + "paused-sink"));
    }

    /**
     * The Streams properties the topology depends on, whatever the deployment: the dead-letter handlers
     * and topic, and explicit naming of internal resources. The runner adds connection and guarantee
     * settings; the tests use these as they are.
     */
    public static Map<String, Object> streamsProperties(Topics topics, SchedulerMetrics metrics) {
        return Map.of(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class,
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.dlq(),
                StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                // the partition assignor reads its configuration from the main consumer's, which Kafka Streams
                // builds without this key, and warns that it is off each time a consumer starts
                StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true,
                DeadLetters.METRICS_CONFIG, metrics);
    }

    /** The serde of {@code scheduler.paused} values, for consumers of the changelog. */
    public static Serde<PauseRecord> pauseRecordSerde() {
        return new PauseRecordSerde();
    }

    /** The serde of {@code workflow.starts} values. */
    public static Serde<WorkflowStart> workflowStartSerde() {
        return Serdes.serdeFrom(TriggerJson.workflowStartSerializer(), TriggerJson.workflowStartDeserializer());
    }
}
