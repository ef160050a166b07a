package org.eventscheduler.topology.source;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.Origins;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.ThrottleReason;
import org.eventscheduler.topology.Tracing;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.event.RejectedEvent;
import org.eventscheduler.topology.event.SourceControl;
import org.eventscheduler.topology.event.SourceInput;
import org.eventscheduler.topology.guard.EntityGuard;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardStores;
import org.eventscheduler.topology.metrics.SchedulerMetrics.IngressOutcome;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;

/**
 * Guards every source: applies its rate limit and circuit breaker and operator commands (through
 * {@link EntityGuard}), and says where every event goes. The source's breaker counts its invalid
 * events and the admitted events that the triggers they match cannot use ({@link AdmittedEventCheck})
 * as failures, every other admitted event as a success.
 *
 * <p>Runs after events are partitioned by source, so one task sees every event of a source and the
 * counts are exact. Every decision depends only on record timestamps and the order of records, never
 * on the wall clock: replaying the input replays the decisions. Resumes are also checked by a
 * stream-time punctuator, so a paused source that goes quiet still resumes.
 */
final class SourceLimiter implements Processor<byte[], SourceInput, String, SourceDecision> {
    /** How often (in stream time) entries that no longer matter are removed from the store. */
    static final Duration IDLE_SCAN_INTERVAL = Duration.ofMinutes(5);
    /** How often (wall clock) the latest processed event time of the task is published for the health endpoint. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final SourceLimiting settings;
    private final AdmittedEventCheck check;
    private final SchedulerMetrics metrics;
    private EntityGuard guard;
    private ProcessorContext<String, SourceDecision> context;
    private GuardStores stores;
    private long latestEventTime = Long.MIN_VALUE;

    SourceLimiter(SourceLimiting settings, AdmittedEventCheck check, SchedulerMetrics metrics) {
        this.settings = settings;
        this.check = check;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SourceDecision> context) {
        this.context = context;
        this.guard = new EntityGuard(EntityType.SOURCE, settings.window(), settings.policy(), settings.instanceId(),
                metrics);
        this.stores = new GuardStores(guard, context.getStateStore(StoreNames.SOURCE_STATES),
                context.getStateStore(StoreNames.PAUSED_SOURCES));
        context.schedule(settings.window().bucket(), PunctuationType.STREAM_TIME, this::resumeDueSources);
        context.schedule(IDLE_SCAN_INTERVAL, PunctuationType.STREAM_TIME, this::forgetIdleSources);
        context.schedule(PROGRESS_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> publishProgress());
    }

    @Override
    public void close() {
        metrics.progress().forget(context.taskId().partition());
    }

    private void publishProgress() {
        if (latestEventTime != Long.MIN_VALUE) {
            metrics.progress().record(context.taskId().partition(), latestEventTime);
        }
    }

    @Override
    public void process(Record<byte[], SourceInput> record) {
        switch (record.value()) {
            case IngressEvent event -> onEvent(record, event);
            case RejectedEvent rejected -> onRejected(record, rejected);
            case SourceControl control -> onControl(record, control);
        }
    }

    private void onEvent(Record<byte[], SourceInput> record, IngressEvent event) {
        Span span = Tracing.start("scheduler.source.decision");
        try (Scope scope = span.makeCurrent()) {
            decide(record, event, span);
        } finally {
            span.end();
        }
    }

    private void decide(Record<byte[], SourceInput> record, IngressEvent event, Span span) {
        String source = event.source();
        long timestamp = record.timestamp();
        latestEventTime = Math.max(latestEventTime, timestamp);
        GuardState state = stores.load(source, timestamp);
        long nextCheck = guard.nextCheck(state);
        SourcePolicy policy = settings.policies().policyFor(source);
        Consumer<PauseRecord> changes = change -> forwardChange(change, timestamp);
        EntityGuard.Verdict verdict = guard.arrive(source, state, timestamp, policy.rateLimit(), policy.breaker(),
                event.correlationId(), changes);
        AdmittedEventCheck.Result checked = AdmittedEventCheck.Result.USABLE;
        if (verdict == EntityGuard.Verdict.ADMIT) {
            checked = check.check(event, record.headers());
            guard.outcome(source, state, timestamp, policy.breaker(), checked.eventAtFault(), event.correlationId(),
                    changes);
        }
        metrics.sourceEvent(source, state.windowCount());
        metrics.ingressLag(System.currentTimeMillis() - timestamp);
        stores.save(source, state, nextCheck);
        span.setAttribute(Tracing.SOURCE, source);
        span.setAttribute(Tracing.CORRELATION_ID, event.correlationId());
        span.setAttribute(Tracing.DECISION, verdict.code());
        switch (verdict) {
            case ADMIT -> admit(record, event, checked);
            case HOLD_OVER_LIMIT -> hold(record, event, ThrottleReason.RATE_LIMITED);
            case HOLD_PAUSED -> hold(record, event, ThrottleReason.SOURCE_PAUSED);
        }
    }

    /** An invalid event of a known source: a failure for the source's breaker, then the DLQ. */
    private void onRejected(Record<byte[], SourceInput> record, RejectedEvent rejected) {
        String source = rejected.source();
        long timestamp = record.timestamp();
        GuardState state = stores.load(source, timestamp);
        long nextCheck = guard.nextCheck(state);
        SourcePolicy policy = settings.policies().policyFor(source);
        String correlationId = rejected.error().correlationId().orElse(source);
        Consumer<PauseRecord> changes = change -> forwardChange(change, timestamp);
        if (guard.acquire(source, state, timestamp, policy.breaker(), correlationId, changes)) {
            guard.outcome(source, state, timestamp, policy.breaker(), true, correlationId, changes);
        }
        stores.save(source, state, nextCheck);
        throw rejected.error();
    }

    private void onControl(Record<byte[], SourceInput> record, SourceControl control) {
        String source = control.source();
        long timestamp = record.timestamp();
        GuardState state = stores.load(source, timestamp);
        long nextCheck = guard.nextCheck(state);
        String correlationId = SchedulerHeaders.lastString(record.headers(), SchedulerHeaders.CORRELATION_ID)
                .orElse(control.command().key() + "@" + control.command().requestedAt());
        guard.control(source, state, control.command(), timestamp, settings.policies().policyFor(source).breaker(),
                correlationId, change -> forwardChange(change, timestamp));
        stores.save(source, state, nextCheck);
    }

    private void forwardChange(PauseRecord change, long timestamp) {
        Headers headers = new RecordHeaders();
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, change.correlationId());
        context.forward(new Record<>(change.key(), new SourceDecision.PauseChanged(change), timestamp, headers));
    }

    private void admit(Record<byte[], SourceInput> record, IngressEvent event, AdmittedEventCheck.Result checked) {
        metrics.ingress(IngressOutcome.ACCEPTED);
        context.forward(new Record<>(event.source(), new SourceDecision.Admitted(event, checked), record.timestamp(),
                outputHeaders(record, event)));
    }

    private void hold(Record<byte[], SourceInput> record, IngressEvent event, ThrottleReason reason) {
        metrics.ingress(reason == ThrottleReason.SOURCE_PAUSED ? IngressOutcome.PAUSED_SOURCE : IngressOutcome.THROTTLED);
        metrics.throttled(EntityType.SOURCE, reason);
        Headers headers = outputHeaders(record, event);
        SchedulerHeaders.put(headers, SchedulerHeaders.REASON, reason.code());
        context.forward(new Record<>(event.source(), new SourceDecision.Held(event, reason), record.timestamp(),
                headers));
    }

    /**
     * The original headers plus the correlation id, the source, where the event was read and the trace
     * context of the decision, on a copy: the input record is not changed.
     */
    private Headers outputHeaders(Record<byte[], SourceInput> record, IngressEvent event) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, event.correlationId());
        SchedulerHeaders.put(headers, SchedulerHeaders.SOURCE, event.source());
        Origins.stampIfAbsent(headers, context);
        Tracing.inject(headers);
        return headers;
    }

    private void resumeDueSources(long streamTime) {
        stores.tickDue(streamTime, source -> settings.policies().policyFor(source).rateLimit(),
                change -> forwardChange(change, streamTime));
    }

    private void forgetIdleSources(long streamTime) {
        long windowStart = settings.window().bucketOf(streamTime) - settings.window().buckets() + 1;
        long resetMillis = settings.policy().pauseCountResetAfter().toMillis();
        stores.forget(state -> state.isForgettable(streamTime, windowStart, resetMillis));
    }
}
