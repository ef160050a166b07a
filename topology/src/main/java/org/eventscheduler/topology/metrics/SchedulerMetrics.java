package org.eventscheduler.topology.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eventscheduler.topology.ThrottleReason;
import org.eventscheduler.topology.reject.InvalidReason;
import org.eventscheduler.topology.pause.EntityType;

/**
 * The meters of the safeguard decisions, registered on the {@link MeterRegistry} handed to the
 * topology. Counters are created once and cached, so counting costs no lookup on the hot path. Every
 * counter counts this instance's decisions; {@code sum()} across instances gives the cluster's.
 */
public final class SchedulerMetrics {
    /** {@code scheduler_ingress_events_total{outcome}}: every ingress record, by what became of it. */
    public static final String INGRESS_EVENTS = "scheduler.ingress.events";
    /** {@code scheduler_dlq_events_total{reason}}: records written to the dead-letter topic. */
    public static final String DLQ_EVENTS = "scheduler.dlq.events";
    /** {@code scheduler_throttled_events_total{entity_type, reason}}: events written to the throttle topic. */
    public static final String THROTTLED_EVENTS = "scheduler.throttled.events";
    /** {@code scheduler_throttle_actions_total{entity_type, action, reason}}: pauses and resumes. */
    public static final String THROTTLE_ACTIONS = "scheduler.throttle.actions";
    /** Held records released onwards. */
    public static final String RELEASED = "scheduler.released";

    /** {@code scheduler_trigger_matches_total{trigger}}: (event, trigger) matches; the top K triggers by recent rate, the rest {@code _other}. */
    public static final String TRIGGER_MATCHES = "scheduler.trigger.matches";
    /** {@code scheduler_source_events_total{source}}: valid events per source; the top K sources by recent rate, the rest {@code _other}. */
    public static final String SOURCE_EVENTS = "scheduler.source.events";
    /** {@code scheduler_ingress_lag_seconds}: processing time minus event time, per admitted or held event. */
    public static final String INGRESS_LAG = "scheduler.ingress.lag";
    /** The default of how many keys keep their own series in {@link TopKCounter}s. */
    public static final int DEFAULT_TOP_K = 50;
    /** {@code scheduler_workflow_starts_total}: workflow starts written. */
    public static final String WORKFLOW_STARTS = "scheduler.workflow.starts";
    /** {@code scheduler_start_results_total{outcome}}: results reported by the workflow engine (success, failure, unknown). */
    public static final String START_RESULTS = "scheduler.start.results";
    /** {@code scheduler_trigger_definitions_rejected_total}: trigger definitions that could not be used. */
    public static final String TRIGGER_DEFINITIONS_REJECTED = "scheduler.trigger.definitions.rejected";

    /** {@code scheduler_breaker_transitions_total{entity_type, to_state}}: circuit breaker transitions. */
    public static final String BREAKER_TRANSITIONS = "scheduler.breaker.transitions";

    /** What became of an ingress event. */
    public enum IngressOutcome {
        ACCEPTED, THROTTLED, PAUSED_SOURCE, INVALID;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A safeguard action on an entity. */
    public enum Action {
        /** An entity went over its limit: the start of a throttling episode. */
        THROTTLE, PAUSE, RESUME, SHADOW_PAUSE, SHADOW_RESUME;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<IngressOutcome, Counter> ingress = new EnumMap<>(IngressOutcome.class);
    private final Map<InvalidReason, Counter> deadLetters = new EnumMap<>(InvalidReason.class);
    private final Map<EntityType, Map<ThrottleReason, Counter>> throttled = new EnumMap<>(EntityType.class);
    private final Map<EntityType, Map<ThrottleReason, Counter>> released = new EnumMap<>(EntityType.class);
    private final Map<String, Counter> actions = new ConcurrentHashMap<>();

    public SchedulerMetrics(MeterRegistry registry) {
        this(registry, DEFAULT_TOP_K);
    }

    /** @param topK how many sources and triggers keep their own series */
    public SchedulerMetrics(MeterRegistry registry, int topK) {
        this(registry, topK, System::currentTimeMillis);
    }

    /**
     * @param topK  how many sources and triggers keep their own series
     * @param clock the wall clock that says when the top K is chosen again (every 10 s)
     */
    public SchedulerMetrics(MeterRegistry registry, int topK, java.util.function.LongSupplier clock) {
        this.registry = registry;
        this.triggerMatches = new TopKCounter(registry, TRIGGER_MATCHES, "(event, trigger) matches, top K triggers by recent rate",
                "trigger", topK, java.time.Duration.ofSeconds(10), clock);
        this.sourceEvents = new TopKCounter(registry, SOURCE_EVENTS, "Valid events per source, top K sources by recent rate",
                "source", topK, java.time.Duration.ofSeconds(10), clock);
        this.ingressLag = io.micrometer.core.instrument.Timer.builder(INGRESS_LAG)
                .description("Processing time minus event time of ingress events")
                .serviceLevelObjectives(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(50),
                        java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(250), java.time.Duration.ofMillis(500),
                        java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(1),
                        java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(15))
                .register(registry);
        for (IngressOutcome outcome : IngressOutcome.values()) {
            ingress.put(outcome, Counter.builder(INGRESS_EVENTS)
                    .description("Ingress events by outcome")
                    .tag("outcome", outcome.label())
                    .register(registry));
        }
        for (InvalidReason reason : InvalidReason.values()) {
            deadLetters.put(reason, Counter.builder(DLQ_EVENTS)
                    .description("Records written to the dead-letter topic, by reason")
                    .tag("reason", reason.code())
                    .register(registry));
        }
        for (EntityType entityType : EntityType.values()) {
            Map<ThrottleReason, Counter> byReason = new EnumMap<>(ThrottleReason.class);
            for (ThrottleReason reason : ThrottleReason.values()) {
                byReason.put(reason, Counter.builder(THROTTLED_EVENTS)
                        .description("Events written to the throttle topic, by entity type and reason")
                        .tag("entity_type", entityType.code())
                        .tag("reason", reason.code())
                        .register(registry));
            }
            throttled.put(entityType, byReason);
            Map<ThrottleReason, Counter> releasedByCause = new EnumMap<>(ThrottleReason.class);
            for (ThrottleReason reason : ThrottleReason.values()) {
                releasedByCause.put(reason, Counter.builder(RELEASED)
                        .description("Held records released onwards, by entity type and the reason they were held")
                        .tag("entity_type", entityType.code())
                        .tag("cause", reason.code())
                        .register(registry));
            }
            released.put(entityType, releasedByCause);
        }
        workflowStarts = Counter.builder(WORKFLOW_STARTS).description("Workflow starts written").register(registry);
        rejectedDefinitions = Counter.builder(TRIGGER_DEFINITIONS_REJECTED)
                .description("Trigger definitions that could not be used").register(registry);
    }

    private final RecentCounts recentDeadLetters = new RecentCounts(System::currentTimeMillis);
    private final RecentCounts recentThrottled = new RecentCounts(System::currentTimeMillis);
    private final IngressProgress progress = new IngressProgress();
    private final TopKCounter triggerMatches;
    private final TopKCounter sourceEvents;
    private final io.micrometer.core.instrument.Timer ingressLag;
    private Counter workflowStarts;
    private Counter rejectedDefinitions;

    /** One match of {@code trigger}, whose windowed count is {@code recentCount}. */
    public void triggerMatch(String trigger, long recentCount) {
        triggerMatches.increment(trigger, recentCount);
    }

    /** One valid event of {@code source}, whose windowed count is {@code recentCount}. */
    public void sourceEvent(String source, long recentCount) {
        sourceEvents.increment(source, recentCount);
    }

    /** How far behind its event time an event was processed. */
    public void ingressLag(long millis) {
        ingressLag.record(Math.max(0, millis), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public void workflowStart() {
        workflowStarts.increment();
    }

    public void triggerDefinitionRejected() {
        rejectedDefinitions.increment();
    }

    public void startResult(String outcome) {
        actions.computeIfAbsent("r|" + outcome, k -> Counter.builder(START_RESULTS)
                .description("Start results reported by the workflow engine, by outcome")
                .tag("outcome", outcome)
                .register(registry)).increment();
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void ingress(IngressOutcome outcome) {
        ingress.get(outcome).increment();
    }

    public void deadLettered(InvalidReason reason) {
        deadLetters.get(reason).increment();
        recentDeadLetters.add(reason.code());
    }

    /** This instance's dead-lettered records by reason, over the last hour. */
    public RecentCounts recentDeadLetters() {
        return recentDeadLetters;
    }

    /** This instance's throttled records by reason, over the last hour. */
    public RecentCounts recentThrottled() {
        return recentThrottled;
    }

    /** The latest event time processed per ingress partition by this instance. */
    public IngressProgress progress() {
        return progress;
    }

    public void throttled(EntityType entityType, ThrottleReason reason) {
        throttled.get(entityType).get(reason).increment();
        recentThrottled.add(reason.code());
    }

    /**
     * {@code scheduler_released_total{entity_type, cause}}: one held record let go on, {@code cause} the
     * reason it had been held for.
     */
    public void released(EntityType entityType, ThrottleReason cause) {
        released.get(entityType).get(cause).increment();
    }

    /** {@code scheduler_breaker_transitions_total{entity_type, to_state}}. */
    public void breakerTransition(EntityType entityType, String toState) {
        actions.computeIfAbsent("b|" + entityType + "|" + toState, k -> Counter.builder(BREAKER_TRANSITIONS)
                .description("Circuit breaker transitions by entity type and the state entered")
                .tag("entity_type", entityType.code())
                .tag("to_state", toState.toLowerCase(Locale.ROOT))
                .register(registry)).increment();
    }

    public void action(EntityType entityType, Action action, String reason) {
        actions.computeIfAbsent("a|" + entityType + "|" + action + "|" + reason, k -> Counter.builder(THROTTLE_ACTIONS)
                .description("Safeguard actions (pause, resume) by entity type, action and reason")
                .tag("entity_type", entityType.code())
                .tag("action", action.label())
                .tag("reason", reason)
                .register(registry)).increment();
    }
}
