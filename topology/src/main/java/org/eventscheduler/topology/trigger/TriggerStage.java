package org.eventscheduler.topology.trigger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.ThrottleReason;
import org.eventscheduler.topology.Tracing;
import org.eventscheduler.topology.control.ControlCommand;
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
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;

/**
 * Guards the triggers of one kind of home ({@link TriggerHome}): the shared ones behind {@code by-trigger},
 * partitioned by trigger id, or the pinned ones in their source's task of the source stage. Either way
 * one task sees every match of a trigger, so its limit is exact. Applies its rate limit, its circuit
 * breaker (fed by start results and by the trigger's evaluation failures) and operator commands, through {@link EntityGuard}; turns matches into workflow starts or
 * holds them in the trigger's queue ({@link HeldWork}) until they may start; dead-letters failed
 * evaluations.
 */
final class TriggerStage implements Processor<String, TriggerInput, String, TriggerDecision>, HeldWork.Outlet {
    /** How many triggers of its store a look checks for a moved home. */
    static final int MOVED_LOOK_BUDGET = 250;
    /** The actor of the resume a moved trigger's old home makes, in its pause record. */
    static final String MOVED_ACTOR = "scheduler";
    private final GuardTiming timing;
    private final TriggerRegistry registry;
    private final SchedulerMetrics metrics;
    private final TriggerHome.Stores storeNames;
    private final StageHomes.Factory homesFactory;
    private StageHomes homes;
    private TaskClock clock;
    /** The changes of a trigger's state, one object each for every record of the task. */
    private final GuardStores.Change<Record<String, TriggerInput>, EntityGuard.Verdict> matchArrives =
            this::matchArrives;
    private final GuardStores.Change<Record<String, TriggerInput>, Boolean> evaluationFailed = this::evaluationFailed;
    private final GuardStores.Change<Record<String, TriggerInput>, Boolean> resultRecorded = this::resultRecorded;
    private final GuardStores.Change<Record<String, TriggerInput>, Boolean> commandApplied = this::commandApplied;
    private EntityGuard guard;
    private ProcessorContext<String, TriggerDecision> context;
    private GuardStores stores;

    TriggerStage(GuardTiming timing, TriggerRegistry registry, SchedulerMetrics metrics, TriggerHome.Stores storeNames,
                 StageHomes.Factory homesFactory) {
        this.timing = timing;
        this.registry = registry;
        this.metrics = metrics;
        this.storeNames = storeNames;
        this.homesFactory = homesFactory;
    }

    @Override
    public void init(ProcessorContext<String, TriggerDecision> context) {
        this.context = context;
        this.guard = new EntityGuard(EntityType.TRIGGER, timing, metrics);
        this.stores = new GuardStores(guard, context.getStateStore(storeNames.states()),
                context.getStateStore(storeNames.paused()),
                new HeldWork(EntityType.TRIGGER, context.getStateStore(storeNames.held()), timing.instanceId()),
                registry::policyOf, this);
        this.homes = homesFactory.open(context, registry);
        context.schedule(timing.window().bucket(), PunctuationType.STREAM_TIME, this::resumeDueTriggers);
        this.clock = new TaskClock(timing.window().bucketMillis());
        context.schedule(timing.window().bucket(), PunctuationType.WALL_CLOCK_TIME, this::lookWhileIdle);
    }

    @Override
    public void process(Record<String, TriggerInput> record) {
        clock.recordSeen(context.currentSystemTimeMs(), context.currentStreamTimeMs());
        Span span = Tracing.start("scheduler.trigger.decision");
        try (Scope scope = Tracing.enter(span)) {
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
        homes.seen(record.value());
        switch (record.value()) {
            case TriggerInput.Match match -> onMatch(record, match);
            case TriggerInput.StartResult result -> onResult(record, result);
            case TriggerInput.Control control -> onControl(record, control);
        }
    }

    private void onMatch(Record<String, TriggerInput> record, TriggerInput.Match match) {
        String id = match.triggerId();
        long timestamp = record.timestamp();
        if (match.error().isPresent()) {
            stores.update(id, timestamp, record, evaluationFailed);
            throw new TriggerEvaluationException(id, match.error().get());
        }
        EntityGuard.Verdict verdict = stores.update(id, timestamp, record, matchArrives);
        Span.current().setAttribute(Tracing.CORRELATION_ID, match.correlationId());
        Span.current().setAttribute(Tracing.REASON, verdict.code());
        switch (verdict) {
            case ADMIT -> {
                metrics.workflowStart();
                context.forward(startOf(record, match));
            }
            case HOLD_OVER_LIMIT -> metrics.throttled(EntityType.TRIGGER, ThrottleReason.TRIGGER_RATE_LIMITED);
            case HOLD_PAUSED -> metrics.throttled(EntityType.TRIGGER, ThrottleReason.TRIGGER_PAUSED);
        }
    }

    /** A match of the trigger: counted, limited, let through its breaker or held in its queue. */
    private EntityGuard.Verdict matchArrives(GuardState state, Record<String, TriggerInput> record) {
        TriggerInput.Match match = (TriggerInput.Match) record.value();
        String id = match.triggerId();
        long timestamp = record.timestamp();
        metrics.triggerMatch(id, state.windowCount());
        TriggerPolicy policy = registry.policyOf(id);
        EntityGuard.Verdict verdict = guard.arrive(id, state, timestamp, policy.rateLimit(), policy.breaker(),
                match.correlationId(), change -> forwardChange(change, timestamp));
        if (verdict != EntityGuard.Verdict.ADMIT) {
            ThrottleReason reason = verdict == EntityGuard.Verdict.HOLD_OVER_LIMIT
                    ? ThrottleReason.TRIGGER_RATE_LIMITED : ThrottleReason.TRIGGER_PAUSED;
            Headers headers = new RecordHeaders(record.headers().toArray());
            headers.remove(SchedulerHeaders.KIND);
            stores.hold(id, state, new HeldRecord(timestamp, reason.code(), record.key().getBytes(StandardCharsets.UTF_8),
                    MatchCodec.write(match), headers), match.correlationId());
        }
        return verdict;
    }

    /** A held start goes on at {@code now}, with the time of its release. */
    @Override
    public void release(String id, GuardState state, HeldRecord held, long now) {
        metrics.released(EntityType.TRIGGER, ThrottleReason.fromCode(held.reason()));
        metrics.workflowStart();
        context.forward(new Record<>(id, new TriggerDecision.Start(MatchCodec.read(held.value())), now,
                held.releaseHeaders(now)));
    }

    /** A held start ends in the dead-letter topic, written as the start it would have been. */
    @Override
    public void deadLetter(String id, HeldRecord held, InvalidReason reason, long now) {
        metrics.deadLettered(reason);
        byte[] start = TriggerStages.heldStartJson(held.value());
        context.forward(new Record<>(id, new TriggerDecision.DeadLettered(held.key(), start), now,
                held.deadLetterHeaders(EntityType.TRIGGER.changelogKey(id), reason.code(), now)));
    }

    @Override
    public void notice(HoldNotice notice) {
        context.forward(new Record<>(notice.key(), new TriggerDecision.HoldNoticed(notice),
                notice.at().toEpochMilli()));
    }

    @Override
    public void changed(PauseRecord change, long now) {
        forwardChange(change, now);
    }

    /** The trigger failed on an event for a reason of its own: a failure for its breaker. */
    private Boolean evaluationFailed(GuardState state, Record<String, TriggerInput> record) {
        TriggerInput.Match match = (TriggerInput.Match) record.value();
        String id = match.triggerId();
        long timestamp = record.timestamp();
        metrics.triggerMatch(id, state.windowCount());
        BreakerSettings breaker = registry.policyOf(id).breaker();
        Consumer<PauseRecord> changes = change -> forwardChange(change, timestamp);
        boolean permitted = guard.acquire(id, state, timestamp, breaker, match.correlationId(), changes);
        if (permitted) {
            guard.outcome(id, state, timestamp, breaker, true, match.correlationId(), changes);
        }
        return permitted;
    }

    private void onResult(Record<String, TriggerInput> record, TriggerInput.StartResult result) {
        String id = result.triggerId();
        if (registry.trigger(id).isEmpty()) {
            metrics.startResult("unknown");
            return;
        }
        metrics.startResult(result.failed() ? "failure" : "success");
        stores.update(id, record.timestamp(), record, resultRecorded);
    }

    /** A start result: a success or a failure for the trigger's breaker. */
    private Boolean resultRecorded(GuardState state, Record<String, TriggerInput> record) {
        TriggerInput.StartResult result = (TriggerInput.StartResult) record.value();
        String id = result.triggerId();
        long timestamp = record.timestamp();
        String correlationId = SchedulerHeaders.lastString(record.headers(), SchedulerHeaders.CORRELATION_ID)
                .orElse(result.eventId());
        guard.outcome(id, state, timestamp, registry.policyOf(id).breaker(), result.failed(), correlationId,
                change -> forwardChange(change, timestamp));
        return state.isPaused();
    }

    private void onControl(Record<String, TriggerInput> record, TriggerInput.Control control) {
        stores.update(control.triggerId(), record.timestamp(), record, commandApplied);
    }

    private Boolean commandApplied(GuardState state, Record<String, TriggerInput> record) {
        TriggerInput.Control control = (TriggerInput.Control) record.value();
        String id = control.triggerId();
        long timestamp = record.timestamp();
        String correlationId = SchedulerHeaders.lastString(record.headers(), SchedulerHeaders.CORRELATION_ID)
                .orElse(control.command().key() + "@" + control.command().requestedAt());
        if (!stores.applyToHeld(id, state, control.command(), timestamp)) {
            guard.control(id, state, control.command(), timestamp, registry.policyOf(id).breaker(), correlationId,
                    change -> forwardChange(change, timestamp));
        }
        return state.isPaused();
    }

    /** Sends the operator's pause of a trigger whose home moved to the new home, through {@code scheduler.control}. */
    private void carry(String id, GuardState.OperatorPause pause, String to, Instant at, long now) {
        String reason = pause.reason() + " (carried over when its home moved to " + to + ")";
        ControlCommand command = new ControlCommand(ControlCommand.Action.PAUSE, EntityType.TRIGGER, id, pause.actor(),
                reason.length() > ControlCommand.MAX_TEXT ? reason.substring(0, ControlCommand.MAX_TEXT) : reason,
                pause.until(), at);
        Headers headers = new RecordHeaders();
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, command.key() + "@" + at);
        context.forward(new Record<>(command.key(), new TriggerDecision.Commanded(command), now, headers));
    }

    private void forwardChange(PauseRecord change, long timestamp) {
        Headers headers = new RecordHeaders();
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, change.correlationId());
        context.forward(new Record<>(change.key(), new TriggerDecision.PauseChanged(change), timestamp, headers));
    }

    /**
     * The start of an admitted match, with the match's headers (the event's, with its correlation id)
     * without the internal kind, and the trace context of this decision. A new Record copies the headers it
     * is given: the start's own copy is changed.
     */
    private static Record<String, TriggerDecision> startOf(Record<String, TriggerInput> record, TriggerInput.Match match) {
        Record<String, TriggerDecision> start = new Record<>(match.triggerId(), new TriggerDecision.Start(match),
                record.timestamp(), record.headers());
        start.headers().remove(SchedulerHeaders.KIND);
        Tracing.inject(start.headers());
        return start;
    }

    private void resumeDueTriggers(long streamTime) {
        stores.tickDue(streamTime, change -> forwardChange(change, streamTime));
    }

    /**
     * While the task's input is quiet, time moves on by the wall clock, so held starts still come back;
     * and, quiet or not, the stage lets go of triggers whose home moved.
     */
    private void lookWhileIdle(long wallNow) {
        long now = clock.idleTime(context.currentStreamTimeMs(), wallNow);
        if (now != Long.MIN_VALUE) {
            stores.tickDue(now, change -> forwardChange(change, now));
        }
        letGoOfMovedTriggers(Math.max(context.currentStreamTimeMs(), now));
    }

    /**
     * Looks at the next {@link #MOVED_LOOK_BUDGET} triggers of the stage's state store: of those whose home
     * is now elsewhere ({@link StageHomes#movedAway}), it forgets the state of one that holds nothing and is
     * not paused; it lifts the pauses of a paused one, since no command reaches it here any more (an
     * operator's pause is carried on to the new home through {@code scheduler.control}; the breaker and the
     * window start afresh there, as for a new definition), so that what it holds comes back by its
     * {@code hold.on-resume} and its rate limit, and it is forgotten once it is empty.
     */
    private void letGoOfMovedTriggers(long now) {
        if (now < 0) {
            return;
        }
        List<String> paused = new ArrayList<>();
        stores.forgetSome((id, state) -> {
            if (!homes.movedAway(id)) {
                return false;
            }
            if (state.isPaused()) {
                paused.add(id);
            }
            return !state.isPaused() && state.heldCount() == 0;
        }, MOVED_LOOK_BUDGET, homes::forgotten);
        for (String id : paused) {
            stores.update(id, now, id, (state, trigger) -> {
                boolean defined = registry.trigger(trigger).isPresent();
                String to = TriggerHome.of(registry, trigger).pinnedSource().map(source -> "source " + source)
                        .orElse(defined ? "by-trigger" : "nowhere (no definition)");
                Instant at = Instant.ofEpochMilli(now);
                if (defined) {
                    // the operator's pause goes on at the new home, as the operator's command would reach it
                    state.operatorPause().ifPresent(pause -> carry(trigger, pause, to, at, now));
                }
                ControlCommand resume = new ControlCommand(ControlCommand.Action.RESUME, EntityType.TRIGGER, trigger,
                        MOVED_ACTOR, "its home moved to " + to, Optional.empty(), at);
                guard.control(trigger, state, resume, now, registry.policyOf(trigger).breaker(),
                        resume.key() + "@" + resume.requestedAt(), change -> forwardChange(change, now));
                return state.isPaused();
            });
        }
    }
}
