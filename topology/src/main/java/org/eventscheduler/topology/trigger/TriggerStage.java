package org.eventscheduler.topology.trigger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.ThrottleReason;
import org.eventscheduler.topology.Tracing;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.EntityGuard;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardStores;
import org.eventscheduler.topology.guard.GuardTiming;
import org.eventscheduler.topology.guard.HeldWork;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.guard.TaskClock;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.hold.HoldNotice;
import org.eventscheduler.topology.reject.InvalidReason;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;

/**
 * Guards the triggers of one kind of home ({@link TriggerHome}): the shared ones behind {@code by-trigger},
 * partitioned by trigger id, or the pinned ones in their source's task of the source stage. Either way
 * one task sees every match of a trigger, so its limit is exact. Applies its rate limit, its circuit
 * breaker (fed by start results and by the trigger's evaluation failures) and operator commands, through {@link EntityGuard}; turns matches into workflow starts or
 * holds them in the trigger's queue ({@link HeldWork}) until they may start; dead-letters failed
 * evaluations.
 */
final class TriggerStage implements Processor<String, TriggerInput, String, TriggerDecision>, HeldWork.Outlet {

    /**
     * What a trigger stage is: the home of the shared triggers (behind {@code by-trigger}), which starts the
     * matches that cross to it or, with {@code triggers.shared-path: granted-budget}, grants budget to the
     * source tasks; the home of the pinned ones (in their source's task); or the source task's stage that
     * starts shared triggers' matches from the budget granted to it.
     */
    enum Kind {
        SHARED_HOME(TriggerHome.Stores.SHARED, StageHomes.SHARED),
        GRANTING_HOME(TriggerHome.Stores.SHARED, StageHomes.SHARED),
        PINNED_HOME(TriggerHome.Stores.PINNED, StageHomes.PINNED),
        GRANTED(TriggerHome.Stores.GRANTED, StageHomes.GRANTED);

        final TriggerHome.Stores stores;
        final StageHomes.Factory homes;

        Kind(TriggerHome.Stores stores, StageHomes.Factory homes) {
            this.stores = stores;
            this.homes = homes;
        }
    }

    /** How many triggers of its store a look checks for a moved home. */
    static final int MOVED_LOOK_BUDGET = 250;
    /** The actor of the resume a moved trigger's old home makes, in its pause record. */
    static final String MOVED_ACTOR = "scheduler";
    private final GuardTiming timing;
    private final TriggerRegistry registry;
    private final SchedulerMetrics metrics;
    private final Kind kind;
    /** The budget of a {@link Kind#GRANTED} stage; empty for the homes. */
    private Optional<GrantBudgets> budgets = Optional.empty();
    private StageHomes homes;
    private TaskClock clock;
    /** The latest time a look while idle acted at: a source task's stage acts at it again for what comes from a home. */
    private long lookedAt = Long.MIN_VALUE;
    /**
     * The record time of what a shared trigger's home sends to every source task (a revocation, an invitation
     * to ask again, a relayed command): none of its own. Each task acts on it at its own time; a real time,
     * the home's, could move a task's stream time ahead of its own records.
     */
    static final long NOTICE_TIME = 0L;
    /** The changes of a trigger's state, one object each for every record of the task. */
    private final GuardStores.Change<Record<String, TriggerInput>, EntityGuard.Verdict> matchArrives =
            this::matchArrives;
    private final GuardStores.Change<Record<String, TriggerInput>, Boolean> evaluationFailed = this::evaluationFailed;
    private final GuardStores.Change<Record<String, TriggerInput>, Boolean> resultRecorded = this::resultRecorded;
    private final GuardStores.Change<Record<String, TriggerInput>, Boolean> commandApplied = this::commandApplied;
    private final GuardStores.Change<Asked, Integer> demandArrives = this::demandArrives;
    /** The grants the home of shared triggers made, per trigger; empty for the other stages. */
    private KeyValueStore<String, GrantLedger> grantLedgers;
    private EntityGuard guard;
    private ProcessorContext<String, TriggerDecision> context;
    private GuardStores stores;
    /** The triggers with an entry in the stage's paused index: paused, or holding work. */
    private final Set<String> holding = new HashSet<>();
    /** The policy a {@link Kind#GRANTED} stage applies for each trigger policy, made once each. */
    private final Map<TriggerPolicy, TriggerPolicy> spenderPolicies = new IdentityHashMap<>();
    /** No limit and no breaker of its own: at a source task, the grant is the limit and the home has the breaker. */
    private static final RateLimit NO_LIMIT_OF_ITS_OWN = new RateLimit(Long.MAX_VALUE, LimitAction.THROTTLE);
    private static final BreakerSettings NO_BREAKER_OF_ITS_OWN = new BreakerSettings(false, false, 50,
            BreakerSettings.WindowType.COUNT_BASED, 1, 1, Duration.ofSeconds(1), 1);

    TriggerStage(GuardTiming timing, TriggerRegistry registry, SchedulerMetrics metrics, Kind kind) {
        this.timing = timing;
        this.registry = registry;
        this.metrics = metrics;
        this.kind = kind;
    }

    @Override
    public void init(ProcessorContext<String, TriggerDecision> context) {
        this.context = context;
        TriggerHome.Stores storeNames = kind.stores;
        Function<String, TriggerPolicy> policies = registry::policyOf;
        if (kind == Kind.GRANTED) {
            GrantBudgets granted = new GrantBudgets(context.getStateStore(StoreNames.TRIGGER_BUDGETS), registry,
                    timing.window(), context.taskId().partition());
            this.budgets = Optional.of(granted);
            this.guard = new EntityGuard(EntityType.TRIGGER, timing, metrics, granted);
            policies = id -> spenderPolicies.computeIfAbsent(registry.policyOf(id), TriggerStage::spenderPolicy);
        } else {
            this.guard = new EntityGuard(EntityType.TRIGGER, timing, metrics);
        }
        this.stores = new GuardStores(guard, context.getStateStore(storeNames.states()),
                context.getStateStore(storeNames.paused()),
                new HeldWork(EntityType.TRIGGER, context.getStateStore(storeNames.held()), timing.instanceId()),
                policies, this, holding);
        this.homes = kind.homes.open(context, registry);
        if (kind == Kind.GRANTING_HOME) {
            this.grantLedgers = context.getStateStore(StoreNames.TRIGGER_GRANT_LEDGER);
        }
        context.schedule(timing.window().bucket(), PunctuationType.STREAM_TIME, this::resumeDueTriggers);
        this.clock = new TaskClock(timing.window().bucketMillis());
        context.schedule(timing.window().bucket(), PunctuationType.WALL_CLOCK_TIME, this::lookWhileIdle);
    }

    @Override
    public void process(Record<String, TriggerInput> record) {
        boolean fromTriggerHome = isFromTriggerHome(record.value());
        if (!fromTriggerHome) {
            clock.recordSeen(context.currentSystemTimeMs(), context.currentStreamTimeMs());
        }
        Span span = Tracing.start("scheduler.trigger.decision");
        try (Scope scope = Tracing.enter(span)) {
            span.setAttribute(Tracing.TRIGGER, record.value().triggerId());
            span.setAttribute(Tracing.DECISION, switch (record.value()) {
                case TriggerInput.Match match -> "match";
                case TriggerInput.StartResult result -> "result";
                case TriggerInput.Control control -> "control";
                case TriggerInput.Demand demand -> "demand";
                case TriggerInput.Grant grant -> "grant";
            });
            decide(record);
            askForBudget(fromTriggerHome ? taskNow() : record.timestamp());
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
            case TriggerInput.Demand demand -> onDemand(record, demand);
            case TriggerInput.Grant grant -> onGrant(record, grant);
        }
    }

    private void onMatch(Record<String, TriggerInput> record, TriggerInput.Match match) {
        String id = match.triggerId();
        long timestamp = record.timestamp();
        if (match.error().isPresent()) {
            stores.update(id, timestamp, record, evaluationFailed);
            throw new TriggerEvaluationException(id, match.error().get());
        }
        if (budgets.isPresent()) {
            GrantBudgets budget = budgets.get();
            // nothing held before it and its bucket's grant has a start left: it starts here, no state read
            int startedFromGrant = holding.contains(id) ? 0 : budget.spend(id, timestamp);
            if (startedFromGrant > 0) {
                Span.current().setAttribute(Tracing.CORRELATION_ID, match.correlationId());
                Span.current().setAttribute(Tracing.REASON, EntityGuard.Verdict.ADMIT.code());
                metrics.triggerMatch(id, startedFromGrant);
                metrics.workflowStart();
                context.forward(startOf(record, match));
                return;
            }
            budget.matched(id);
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
        ControlCommand.Action action = control.command().action();
        boolean aboutHeldWork = action == ControlCommand.Action.RELEASE || action == ControlCommand.Action.DISCARD;
        if (kind == Kind.GRANTED) {
            // a source task holds a shared trigger's matches, its home has the pause: only release and discard
            // come here, relayed by the home, and act at the task's own time
            if (aboutHeldWork) {
                long now = taskNow();
                stores.update(control.triggerId(), now, control.command(),
                        (state, command) -> stores.applyToHeld(control.triggerId(), state, command, now));
            }
            return;
        }
        stores.update(control.triggerId(), record.timestamp(), record, commandApplied);
        if (kind == Kind.GRANTING_HOME && aboutHeldWork) {
            // what the trigger holds waits in the source tasks, for budget: the command goes to each of them
            context.forward(new Record<>(control.triggerId(), new TriggerDecision.Relayed(control), NOTICE_TIME,
                    record.headers()));
        }
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

    /**
     * A source task asks for budget of a shared trigger: the home counts the matches the task reports and
     * answers with what the trigger may start in the bucket asked for ({@link EntityGuard#grant}), nothing
     * included, so that the task may ask again.
     */
    private void onDemand(Record<String, TriggerInput> record, TriggerInput.Demand demand) {
        String id = demand.triggerId();
        if (kind != Kind.GRANTING_HOME) {
            throw new IllegalStateException("a demand for budget of " + id + " reached the " + kind + " trigger stage");
        }
        GrantLedger ledger = Optional.ofNullable(grantLedgers.get(id))
                .orElseGet(() -> GrantLedger.empty(timing.window().buckets()));
        ledger.giveBack(demand.returnedEnd(), demand.returned(), demand.used(), demand.lastUsed());
        long bucket = ledger.grantableFrom(demand.bucket());
        long limit = registry.policyOf(id).rateLimit().maxEvents();
        long free = ledger.room(bucket, limit);
        // asking ahead never takes the room of the matches waiting now: it gets what leaves half the limit
        int starts = registry.trigger(id).isEmpty() ? 0 : stores.update(id, record.timestamp(),
                new Asked(record, free - (demand.ahead() ? limit / 2 : 0)), demandArrives);
        // while the trigger is far below its limit, a grant lasts a window (a task asks once a window, not once a
        // bucket); near it, a bucket, so that the limit is spent in small steps
        long end = starts > 0 && free - starts >= limit / 2 ? bucket + timing.window().buckets() - 1 : bucket;
        ledger.add(end, starts);
        grantLedgers.put(id, ledger);
        Span.current().setAttribute(Tracing.REASON, starts > 0 ? "granted" : "refused");
        TriggerInput.Grant grant = new TriggerInput.Grant(id, demand.partition(), bucket, end, starts, demand.ahead(),
                false);
        context.forward(new Record<>(id, new TriggerDecision.Granted(grant), record.timestamp(), record.headers()));
    }

    /** A demand for budget, and the room the trigger's grants leave for it. */
    private record Asked(Record<String, TriggerInput> record, long room) {
    }

    private Integer demandArrives(GuardState state, Asked asked) {
        Record<String, TriggerInput> record = asked.record();
        long room = asked.room();
        TriggerInput.Demand demand = (TriggerInput.Demand) record.value();
        String id = demand.triggerId();
        long timestamp = record.timestamp();
        TriggerPolicy policy = registry.policyOf(id);
        String correlationId = SchedulerHeaders.lastString(record.headers(), SchedulerHeaders.CORRELATION_ID)
                .orElse(budgetCorrelationId(demand));
        return guard.grant(id, state, timestamp, demand.wanted(), demand.matched(), room, policy.rateLimit(),
                policy.breaker(), correlationId, change -> forwardChange(change, timestamp));
    }

    /**
     * A grant (or a revocation) from a shared trigger's home reaches the source task it is for: the budget
     * takes it, and the matches held for it go on as far as it lasts, oldest first, at the grant's time.
     */
    private void onGrant(Record<String, TriggerInput> record, TriggerInput.Grant grant) {
        GrantBudgets budget = budgets.orElseThrow(() -> new IllegalStateException(
                "a grant for " + grant.triggerId() + " reached the " + kind + " trigger stage"));
        budget.receive(grant);
        Span.current().setAttribute(Tracing.REASON, grant.revoked() ? "revoked" : "granted");
        if (holding.contains(grant.triggerId())) {
            // an answer acts at the time of its demand (or of the look that wanted it, if later), so that its
            // bucket's budget is used; a notice to every task acts at the task's own time
            long now = grant.partition() == TriggerInput.Grant.EVERY_PARTITION ? taskNow()
                    : Math.max(record.timestamp(), lookedAt);
            stores.update(grant.triggerId(), now, record, (state, input) -> state.isPaused());
        }
    }

    /**
     * Whether an input of a source task's stage came from a shared trigger's home (a grant, a notice, a
     * relayed command) rather than from the task's own records: it does not end the task's quiet time.
     */
    private boolean isFromTriggerHome(TriggerInput input) {
        return kind == Kind.GRANTED && (input instanceof TriggerInput.Grant || input instanceof TriggerInput.Control);
    }

    /** The source task's time: its stream time, or the time its last look while idle acted at, if later. */
    private long taskNow() {
        return Math.max(context.currentStreamTimeMs(), lookedAt);
    }

    /** A source task's stage sends the demands for budget its matches and looks wanted, at {@code now}. */
    private void askForBudget(long now) {
        if (budgets.isEmpty()) {
            return;
        }
        for (TriggerInput.Demand demand : budgets.get().demands()) {
            Headers headers = new RecordHeaders();
            SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, budgetCorrelationId(demand));
            context.forward(new Record<>(demand.triggerId(), new TriggerDecision.Demanded(demand), now, headers));
        }
    }

    private static String budgetCorrelationId(TriggerInput.Demand demand) {
        return "budget:" + demand.triggerId() + "@" + demand.partition() + "/" + demand.bucket();
    }

    /** The policy a source task applies to a shared trigger's matches: its hold settings, the grant for a limit. */
    private static TriggerPolicy spenderPolicy(TriggerPolicy policy) {
        return new TriggerPolicy(NO_LIMIT_OF_ITS_OWN, NO_BREAKER_OF_ITS_OWN, policy.hold());
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
        if (kind == Kind.GRANTING_HOME && !change.shadow()) {
            // paused: what the source tasks hold of its grants may not start any more; resumed: they may ask again
            long bucket = timing.window().bucketOf(timestamp);
            TriggerInput.Grant notice = change.state() == PauseState.PAUSED
                    ? TriggerInput.Grant.revocation(change.entityId(), bucket)
                    : TriggerInput.Grant.invitation(change.entityId(), bucket);
            context.forward(new Record<>(change.entityId(), new TriggerDecision.Granted(notice), NOTICE_TIME,
                    new RecordHeaders(headers.toArray())));
        }
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
        askForBudget(streamTime);
    }

    /**
     * While the task's input is quiet, time moves on by the wall clock, so held starts still come back;
     * and, quiet or not, the stage lets go of triggers whose home moved.
     */
    private void lookWhileIdle(long wallNow) {
        long now = clock.idleTime(context.currentStreamTimeMs(), wallNow);
        if (now != Long.MIN_VALUE) {
            lookedAt = Math.max(lookedAt, now);
            stores.tickDue(now, change -> forwardChange(change, now));
        }
        letGoOfMovedTriggers(Math.max(context.currentStreamTimeMs(), now));
        // a demand carries the task's stream time: its answer comes back to this task and must not move its
        // stream time on (the source stage would take that for records it never saw)
        askForBudget(context.currentStreamTimeMs());
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
        }, MOVED_LOOK_BUDGET, id -> {
            homes.forgotten(id);
            budgets.ifPresent(budget -> budget.forget(id));
        });
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
