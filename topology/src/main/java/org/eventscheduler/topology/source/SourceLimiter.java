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
import org.eventscheduler.topology.dlq.DeadLetters;
import org.eventscheduler.topology.event.CloudEventDeserializer;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.event.RejectedEvent;
import org.eventscheduler.topology.event.SourceControl;
import org.eventscheduler.topology.event.SourceInput;
import org.eventscheduler.topology.event.InvalidEventException;
import org.eventscheduler.topology.event.UnparsedEvent;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.EntityGuard;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardStores;
import org.eventscheduler.topology.guard.GuardTiming;
import org.eventscheduler.topology.guard.HeldWork;
import org.eventscheduler.topology.guard.TaskClock;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.hold.HoldNotice;
import org.eventscheduler.topology.reject.InvalidReason;
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
final class SourceLimiter implements Processor<byte[], SourceInput, String, SourceDecision>, HeldWork.Outlet {
    /**
     * Sources whose state no longer matters are looked for by a cursor over the state store, this many every
     * bucket of the wall clock: a whole store is walked a slice at a time (a million sources in about an
     * hour with one-second buckets), no punctuation does more than this much of it (S3: under 50 ms with a
     * million sources), and up to 900,000 sources an hour that go idle are forgotten.
     */
    static final int IDLE_SCAN_PER_BUCKET = 250;
    /** How often (wall clock) the latest processed event time of the task is published for the health endpoint. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final GuardTiming timing;
    private final SourcePolicies policies;
    private final AdmittedEventCheck check;
    private final SchedulerMetrics metrics;
    private final CloudEventDeserializer events;
    private TaskClock clock;
    /** The changes of a source's state, one object each for every record of the task. */
    private final GuardStores.Change<Record<byte[], SourceInput>, SourceDecision> eventArrives = this::eventArrives;
    private final GuardStores.Change<Record<byte[], SourceInput>, Boolean> eventRejected = this::eventRejected;
    private final GuardStores.Change<Record<byte[], SourceInput>, Boolean> commandApplied = this::commandApplied;
    private final GuardStores.Change<Record<byte[], SourceInput>, ThrottleReason> unparsedArrives = this::unparsedArrives;
    private final IndexedSources indexedSources;
    private EntityGuard guard;
    private ProcessorContext<String, SourceDecision> context;
    private GuardStores stores;
    private long latestEventTime = Long.MIN_VALUE;

    SourceLimiter(GuardTiming timing, SourcePolicies policies, AdmittedEventCheck check, SchedulerMetrics metrics,
                  int maxEventBytes, IndexedSources indexedSources) {
        this.indexedSources = indexedSources;
        this.timing = timing;
        this.policies = policies;
        this.check = check;
        this.metrics = metrics;
        this.events = new CloudEventDeserializer(maxEventBytes);
    }

    @Override
    public void init(ProcessorContext<String, SourceDecision> context) {
        this.context = context;
        this.guard = new EntityGuard(EntityType.SOURCE, timing, metrics);
        this.stores = new GuardStores(guard, context.getStateStore(StoreNames.SOURCE_STATES),
                context.getStateStore(StoreNames.PAUSED_SOURCES),
                new HeldWork(EntityType.SOURCE, context.getStateStore(StoreNames.HELD_SOURCES), timing.instanceId()),
                policies::policyFor, this, indexedSources.of(context.taskId()));
        context.schedule(timing.window().bucket(), PunctuationType.STREAM_TIME, this::resumeDueSources);
        this.clock = new TaskClock(timing.window().bucketMillis());
        context.schedule(timing.window().bucket(), PunctuationType.WALL_CLOCK_TIME, this::lookWhileIdle);
        // on the wall clock: a task catching up on a backlog moves its stream time on many times faster
        // than the wall clock, and a look every bucket of stream time would take its share of it many times
        context.schedule(timing.window().bucket(), PunctuationType.WALL_CLOCK_TIME,
                wallNow -> forgetIdleSources(context.currentStreamTimeMs()));
        context.schedule(PROGRESS_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> publishProgress());
    }

    @Override
    public void close() {
        metrics.progress().forget(context.taskId().partition());
        indexedSources.close(context.taskId());
    }

    private void publishProgress() {
        if (latestEventTime != Long.MIN_VALUE) {
            metrics.progress().record(context.taskId().partition(), latestEventTime);
        }
    }

    @Override
    public void process(Record<byte[], SourceInput> record) {
        clock.recordSeen(context.currentSystemTimeMs(), context.currentStreamTimeMs());
        switch (record.value()) {
            case IngressEvent event -> onEvent(record, event);
            case RejectedEvent rejected -> onRejected(record, rejected);
            case SourceControl control -> onControl(record, control);
            case UnparsedEvent unparsed -> onUnparsed(record, unparsed);
        }
    }

    private void onEvent(Record<byte[], SourceInput> record, IngressEvent event) {
        Span span = Tracing.start("scheduler.source.decision");
        try (Scope scope = Tracing.enter(span)) {
            decide(record, event, span);
        } finally {
            span.end();
        }
    }

    private void decide(Record<byte[], SourceInput> record, IngressEvent event, Span span) {
        String source = event.source();
        latestEventTime = Math.max(latestEventTime, record.timestamp());
        SourceDecision decision = stores.update(source, record.timestamp(), record, eventArrives);
        span.setAttribute(Tracing.SOURCE, source);
        span.setAttribute(Tracing.CORRELATION_ID, event.correlationId());
        switch (decision) {
            case SourceDecision.Admitted admitted -> {
                span.setAttribute(Tracing.DECISION, EntityGuard.Verdict.ADMIT.code());
                admit(record, admitted);
            }
            case SourceDecision.Held held -> {
                span.setAttribute(Tracing.DECISION, (held.reason() == ThrottleReason.RATE_LIMITED
                        ? EntityGuard.Verdict.HOLD_OVER_LIMIT : EntityGuard.Verdict.HOLD_PAUSED).code());
                hold(held);
            }
            default -> throw new IllegalStateException("an event is admitted or held, was " + decision);
        }
    }

    /**
     * An event of the source: counted, limited, let through its breaker or not; an admitted event is
     * checked by the stages after this one and its outcome recorded by the breaker.
     */
    private SourceDecision eventArrives(GuardState state, Record<byte[], SourceInput> record) {
        IngressEvent event = (IngressEvent) record.value();
        String source = event.source();
        long timestamp = record.timestamp();
        SourcePolicy policy = policies.policyFor(source);
        Consumer<PauseRecord> changes = change -> forwardChange(change, timestamp);
        EntityGuard.Verdict verdict = guard.arrive(source, state, timestamp, policy.rateLimit(), policy.breaker(),
                event.correlationId(), changes);
        SourceDecision decision = switch (verdict) {
            case ADMIT -> {
                AdmittedEventCheck.Result checked = check.check(event, record.headers());
                guard.outcome(source, state, timestamp, policy.breaker(), checked.eventAtFault(),
                        event.correlationId(), changes);
                yield new SourceDecision.Admitted(event, checked);
            }
            case HOLD_OVER_LIMIT -> held(source, state, record, event, ThrottleReason.RATE_LIMITED);
            case HOLD_PAUSED -> held(source, state, record, event, ThrottleReason.SOURCE_PAUSED);
        };
        metrics.sourceEvent(source, state.windowCount());
        metrics.ingressLag(System.currentTimeMillis() - timestamp);
        return decision;
    }

    /** Puts the event in its source's queue, with the headers it will go on with. */
    private SourceDecision held(String source, GuardState state, Record<byte[], SourceInput> record,
                                IngressEvent event, ThrottleReason reason) {
        stores.hold(source, state, new HeldRecord(record.timestamp(), reason.code(), event.sourceKey(), event.value(),
                eventHeaders(record, event)), event.correlationId());
        return new SourceDecision.Held(event, reason);
    }

    /**
     * An event of a source that is paused for every record it gets (the ingress router saw so, from its
     * key): held as it arrived, counted like any event of the source, not parsed.
     */
    private void onUnparsed(Record<byte[], SourceInput> record, UnparsedEvent unparsed) {
        Span span = Tracing.start("scheduler.source.decision");
        try (Scope scope = Tracing.enter(span)) {
            latestEventTime = Math.max(latestEventTime, record.timestamp());
            ThrottleReason reason = stores.update(unparsed.source(), record.timestamp(), record, unparsedArrives);
            span.setAttribute(Tracing.SOURCE, unparsed.source());
            span.setAttribute(Tracing.DECISION, (reason == ThrottleReason.RATE_LIMITED
                    ? EntityGuard.Verdict.HOLD_OVER_LIMIT : EntityGuard.Verdict.HOLD_PAUSED).code());
            metrics.ingress(reason == ThrottleReason.SOURCE_PAUSED ? IngressOutcome.PAUSED_SOURCE : IngressOutcome.THROTTLED);
            metrics.throttled(EntityType.SOURCE, reason);
        } finally {
            span.end();
        }
    }

    private ThrottleReason unparsedArrives(GuardState state, Record<byte[], SourceInput> record) {
        UnparsedEvent unparsed = (UnparsedEvent) record.value();
        String source = unparsed.source();
        long timestamp = record.timestamp();
        SourcePolicy policy = policies.policyFor(source);
        Headers headers = new RecordHeaders(record.headers().toArray());
        Origins.stampIfAbsent(headers, context);
        String correlationId = SchedulerHeaders.lastString(headers, SchedulerHeaders.ORIGIN).orElse(source);
        EntityGuard.Verdict verdict = guard.arrive(source, state, timestamp, policy.rateLimit(), policy.breaker(),
                correlationId, change -> forwardChange(change, timestamp));
        ThrottleReason reason = switch (verdict) {
            case HOLD_OVER_LIMIT -> ThrottleReason.RATE_LIMITED;
            case HOLD_PAUSED -> ThrottleReason.SOURCE_PAUSED;
            // the router sent it only because the source is paused beyond its time
            case ADMIT -> throw new IllegalStateException("source:" + source + " admitted an event while paused "
                    + "for every record, at " + timestamp);
        };
        stores.hold(source, state, new HeldRecord(timestamp, reason.code(), unparsed.sourceKey(), unparsed.value(),
                headers), correlationId);
        metrics.sourceEvent(source, state.windowCount());
        metrics.ingressLag(System.currentTimeMillis() - timestamp);
        return reason;
    }

    /** An invalid event of a known source: a failure for the source's breaker, then the DLQ. */
    private void onRejected(Record<byte[], SourceInput> record, RejectedEvent rejected) {
        stores.update(rejected.source(), record.timestamp(), record, eventRejected);
        // an expected outcome: routed to the dead-letter sink, not thrown to the exception handler
        InvalidEventException error = rejected.error();
        metrics.ingress(IngressOutcome.INVALID);
        metrics.deadLettered(error.reason());
        context.forward(new Record<>(rejected.source(), new SourceDecision.DeadLettered(record.key(), rejected.value()),
                record.timestamp(), DeadLetters.rejected(record.headers(), error, context)));
    }

    private Boolean eventRejected(GuardState state, Record<byte[], SourceInput> record) {
        RejectedEvent rejected = (RejectedEvent) record.value();
        String source = rejected.source();
        long timestamp = record.timestamp();
        BreakerSettings breaker = policies.policyFor(source).breaker();
        String correlationId = rejected.error().correlationId().orElse(source);
        Consumer<PauseRecord> changes = change -> forwardChange(change, timestamp);
        boolean permitted = guard.acquire(source, state, timestamp, breaker, correlationId, changes);
        if (permitted) {
            guard.outcome(source, state, timestamp, breaker, true, correlationId, changes);
        }
        return permitted;
    }

    private void onControl(Record<byte[], SourceInput> record, SourceControl control) {
        stores.update(control.source(), record.timestamp(), record, commandApplied);
    }

    private Boolean commandApplied(GuardState state, Record<byte[], SourceInput> record) {
        SourceControl control = (SourceControl) record.value();
        String source = control.source();
        long timestamp = record.timestamp();
        String correlationId = SchedulerHeaders.lastString(record.headers(), SchedulerHeaders.CORRELATION_ID)
                .orElse(control.command().key() + "@" + control.command().requestedAt());
        if (!stores.applyToHeld(source, state, control.command(), timestamp)) {
            guard.control(source, state, control.command(), timestamp, policies.policyFor(source).breaker(),
                    correlationId, change -> forwardChange(change, timestamp));
        }
        return state.isPaused();
    }

    private void forwardChange(PauseRecord change, long timestamp) {
        Headers headers = new RecordHeaders();
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, change.correlationId());
        context.forward(new Record<>(change.key(), new SourceDecision.PauseChanged(change), timestamp, headers));
    }

    private void admit(Record<byte[], SourceInput> record, SourceDecision.Admitted admitted) {
        metrics.ingress(IngressOutcome.ACCEPTED);
        IngressEvent event = admitted.event();
        context.forward(new Record<>(event.source(), admitted, record.timestamp(), outputHeaders(record, event)));
    }

    private void hold(SourceDecision.Held held) {
        ThrottleReason reason = held.reason();
        metrics.ingress(reason == ThrottleReason.SOURCE_PAUSED ? IngressOutcome.PAUSED_SOURCE : IngressOutcome.THROTTLED);
        metrics.throttled(EntityType.SOURCE, reason);
    }

    /**
     * A held event goes on at {@code now}: checked by the triggers like any admitted event, its outcome
     * recorded by its source's breaker, then forwarded with the time of its release.
     */
    @Override
    public void release(String source, GuardState state, HeldRecord held, long now) {
        SourceInput input;
        try {
            input = events.deserialize(timing.instanceId(), held.headers(), held.value());
        } catch (InvalidEventException e) {
            // held unparsed, and its source cannot be read: a failure of the source that held it
            releaseInvalid(source, state, held, e.reason(), now);
            return;
        }
        IngressEvent event;
        switch (input) {
            case IngressEvent valid when valid.source().equals(source) -> event = valid;
            case IngressEvent other -> {
                deadLetter(source, held, InvalidReason.SOURCE_KEY_MISMATCH, now);
                return;
            }
            case RejectedEvent rejected when rejected.source().equals(source) -> {
                releaseInvalid(source, state, held, rejected.error().reason(), now);
                return;
            }
            default -> {
                deadLetter(source, held, InvalidReason.SOURCE_KEY_MISMATCH, now);
                return;
            }
        }
        Headers headers = held.releaseHeaders(now);
        // an event held unparsed goes on with the headers a parsed one is held with
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, event.correlationId());
        SchedulerHeaders.put(headers, SchedulerHeaders.SOURCE, source);
        AdmittedEventCheck.Result checked = check.check(event, headers);
        guard.outcome(source, state, now, policies.policyFor(source).breaker(), checked.eventAtFault(),
                event.correlationId(), change -> forwardChange(change, now));
        metrics.released(EntityType.SOURCE, ThrottleReason.fromCode(held.reason()));
        context.forward(new Record<>(source, new SourceDecision.Admitted(event, checked), now, headers));
    }

    /** A held event that turned out invalid when it came back: a failure for its source's breaker, then the DLQ. */
    private void releaseInvalid(String source, GuardState state, HeldRecord held, InvalidReason reason, long now) {
        guard.outcome(source, state, now, policies.policyFor(source).breaker(), true,
                SchedulerHeaders.lastString(held.headers(), SchedulerHeaders.ORIGIN).orElse(source),
                change -> forwardChange(change, now));
        deadLetter(source, held, reason, now);
    }

    @Override
    public void deadLetter(String source, HeldRecord held, InvalidReason reason, long now) {
        metrics.deadLettered(reason);
        context.forward(new Record<>(source, new SourceDecision.DeadLettered(held.key(), held.value()), now,
                held.deadLetterHeaders(EntityType.SOURCE.changelogKey(source), reason.code(), now)));
    }

    @Override
    public void notice(HoldNotice notice) {
        context.forward(new Record<>(notice.key(), new SourceDecision.HoldNoticed(notice), notice.at().toEpochMilli()));
    }

    @Override
    public void changed(PauseRecord change, long now) {
        forwardChange(change, now);
    }

    /**
     * The original headers plus the correlation id, the source, where the event was read and the trace
     * context of the decision, on a copy: the input record is not changed.
     */
    private Headers outputHeaders(Record<byte[], SourceInput> record, IngressEvent event) {
        Headers headers = eventHeaders(record, event);
        Tracing.inject(headers);
        return headers;
    }

    /** The original headers plus the correlation id, the source and where the event was read, on a copy. */
    private Headers eventHeaders(Record<byte[], SourceInput> record, IngressEvent event) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, event.correlationId());
        SchedulerHeaders.put(headers, SchedulerHeaders.SOURCE, event.source());
        Origins.stampIfAbsent(headers, context);
        return headers;
    }

    private void resumeDueSources(long streamTime) {
        stores.tickDue(streamTime, change -> forwardChange(change, streamTime));
    }

    /** While the task's input is quiet, time moves on by the wall clock, so held work still comes back. */
    private void lookWhileIdle(long wallNow) {
        long now = clock.idleTime(context.currentStreamTimeMs(), wallNow);
        if (now != Long.MIN_VALUE) {
            stores.tickDue(now, change -> forwardChange(change, now));
        }
    }

    private void forgetIdleSources(long streamTime) {
        if (streamTime < 0) {
            return;
        }
        long windowStart = timing.window().bucketOf(streamTime) - timing.window().buckets() + 1;
        long resetMillis = timing.policy().pauseCountResetAfter().toMillis();
        stores.forgetSome((source, state) -> state.isForgettable(streamTime, windowStart, resetMillis,
                policies.policyFor(source).breaker()), IDLE_SCAN_PER_BUCKET);
    }
}
