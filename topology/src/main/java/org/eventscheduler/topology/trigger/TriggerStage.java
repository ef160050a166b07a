package org.eventscheduler.topology.trigger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.ThrottleReason;
import org.eventscheduler.topology.Tracing;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.EntityGuard;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardStores;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.source.SourceLimiting;

/**
 * Guards every trigger, partitioned by trigger id so that its limit is exact across input partitions:
 * applies its rate limit, its circuit breaker (fed by start results and by the trigger's evaluation
 * failures) and operator commands, through {@link EntityGuard}; turns matches into workflow starts or
 * holds them in {@code scheduler.throttled}; dead-letters failed evaluations.
 */
final class TriggerStage implements Processor<String, TriggerInput, String, TriggerDecision> {
    private final SourceLimiting timing;
    private final TriggerRegistry registry;
    private final SchedulerMetrics metrics;
    private EntityGuard guard;
    private ProcessorContext<String, TriggerDecision> context;
    private GuardStores stores;

    TriggerStage(SourceLimiting timing, TriggerRegistry registry, SchedulerMetrics metrics) {
        this.timing = timing;
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, TriggerDecision> context) {
        this.context = context;
        this.guard = new EntityGuard(EntityType.TRIGGER, timing.window(), timing.policy(), timing.instanceId(), metrics);
        this.stores = new GuardStores(guard, context.getStateStore(StoreNames.TRIGGER_STATES),
                context.getStateStore(StoreNames.PAUSED_TRIGGERS));
        context.schedule(timing.window().bucket(), PunctuationType.STREAM_TIME, this::resumeDueTriggers);
    }

    @Override
    public void process(Record<String, TriggerInput> record) {
        Span span = Tracing.start("scheduler.trigger.decision");
        try (Scope scope = span.makeCurrent()) {
            span.setAttribute(Tracing.TRIGGER, record.value().triggerId());
            span.setAttribute(Tracing.DECISION, switch (record.value()) {
                case TriggerInput.Match match -> "match";
                case TriggerInput.StartResult result -> "result";
                case TriggerInput.Control control -> "control";
            });
            decide(record);
        } finally {
            span.end();
        }
    }

    private void decide(Record<String, TriggerInput> record) {
        switch (record.value()) {
            case TriggerInput.Match match -> onMatch(record, match);
            case TriggerInput.StartResult result -> onResult(record, result);
            case TriggerInput.Control control -> onControl(record, control);
        }
    }

    private void onMatch(Record<String, TriggerInput> record, TriggerInput.Match match) {
        String id = match.triggerId();
        long timestamp = record.timestamp();
        GuardState state = stores.load(id, timestamp);
        long nextCheck = guard.nextCheck(state);
        Consumer<PauseRecord> changes = change -> forwardChange(change, timestamp);
        metrics.triggerMatch(id, state.windowCount());
        if (match.error().isPresent()) {
            if (guard.acquire(id, state, timestamp, breaker(id), match.correlationId(), changes)) {
                guard.outcome(id, state, timestamp, breaker(id), true, match.correlationId(), changes);
            }
            stores.save(id, state, nextCheck);
            throw new TriggerEvaluationException(id, match.error().get());
        }
        EntityGuard.Verdict verdict = guard.arrive(id, state, timestamp, rateLimit(id), breaker(id),
                match.correlationId(), changes);
        stores.save(id, state, nextCheck);
        Headers headers = outputHeaders(record);
        Span.current().setAttribute(Tracing.CORRELATION_ID, match.correlationId());
        Span.current().setAttribute(Tracing.REASON, verdict.code());
        switch (verdict) {
            case ADMIT -> {
                metrics.workflowStart();
                context.forward(new Record<>(id, new TriggerDecision.Start(match), timestamp, headers));
            }
            case HOLD_OVER_LIMIT -> hold(id, match, ThrottleReason.TRIGGER_RATE_LIMITED, timestamp, headers);
            case HOLD_PAUSED -> hold(id, match, ThrottleReason.TRIGGER_PAUSED, timestamp, headers);
        }
    }

    private void hold(String id, TriggerInput.Match match, ThrottleReason reason, long timestamp, Headers headers) {
        metrics.throttled(EntityType.TRIGGER, reason);
        SchedulerHeaders.put(headers, SchedulerHeaders.REASON, reason.code());
        context.forward(new Record<>(id, new TriggerDecision.Held(match, reason), timestamp, headers));
    }

    private void onResult(Record<String, TriggerInput> record, TriggerInput.StartResult result) {
        String id = result.triggerId();
        if (registry.trigger(id).isEmpty()) {
            metrics.startResult("unknown");
            return;
        }
        metrics.startResult(result.failed() ? "failure" : "success");
        long timestamp = record.timestamp();
        GuardState state = stores.load(id, timestamp);
        long nextCheck = guard.nextCheck(state);
        String correlationId = SchedulerHeaders.lastString(record.headers(), SchedulerHeaders.CORRELATION_ID)
                .orElse(result.eventId());
        guard.outcome(id, state, timestamp, breaker(id), result.failed(), correlationId,
                change -> forwardChange(change, timestamp));
        stores.save(id, state, nextCheck);
    }

    private void onControl(Record<String, TriggerInput> record, TriggerInput.Control control) {
        String id = control.triggerId();
        long timestamp = record.timestamp();
        GuardState state = stores.load(id, timestamp);
        long nextCheck = guard.nextCheck(state);
        String correlationId = SchedulerHeaders.lastString(record.headers(), SchedulerHeaders.CORRELATION_ID)
                .orElse(control.command().key() + "@" + control.command().requestedAt());
        guard.control(id, state, control.command(), timestamp, breaker(id), correlationId,
                change -> forwardChange(change, timestamp));
        stores.save(id, state, nextCheck);
    }

    private RateLimit rateLimit(String id) {
        return registry.trigger(id).map(Trigger::rateLimit).orElse(registry.defaults().rateLimit());
    }

    private BreakerSettings breaker(String id) {
        return registry.trigger(id).map(Trigger::breaker).orElse(registry.defaults().breaker());
    }

    private void forwardChange(PauseRecord change, long timestamp) {
        Headers headers = new RecordHeaders();
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, change.correlationId());
        context.forward(new Record<>(change.key(), new TriggerDecision.PauseChanged(change), timestamp, headers));
    }

    /**
     * The match's headers (the event's, with its correlation id) without the internal kind, with the
     * trace context of this decision.
     */
    private static Headers outputHeaders(Record<String, TriggerInput> record) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(SchedulerHeaders.KIND);
        Tracing.inject(headers);
        return headers;
    }

    private void resumeDueTriggers(long streamTime) {
        stores.tickDue(streamTime, this::rateLimit, change -> forwardChange(change, streamTime));
    }
}
