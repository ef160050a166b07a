package org.eventscheduler.topology.trigger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eventscheduler.topology.guard.EntityGuard;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.guard.RateWindow;

/**
 * The budget one source task holds for the shared triggers whose matches it starts (granted budget,
 * docs/architecture.md): per trigger, the starts its home granted for a span of buckets of the trigger's
 * rate window (a window, or one bucket near the limit), a grant asked ahead for the span after, and the
 * demand the task sent for more. It is the room of the task's {@link EntityGuard}: a match starts while
 * the grant for its bucket lasts, else it is held and the task asks for budget. A grant is spent only in
 * its span; what is left when the span ends goes back to the home with the next demand.
 *
 * <p>Kept in the changelogged {@code trigger-budgets} store, written with the starts it allows, so a
 * restart neither spends a grant twice nor loses one. Not thread-safe: one per task.
 */
final class GrantBudgets implements EntityGuard.Room {
    private final KeyValueStore<String, Budget> store;
    private final TriggerRegistry registry;
    private final RateWindow window;
    private final int partition;
    /** What the store holds for the triggers this task met since it started: most matches need no store read. */
    private final Map<String, Budget> budgets = new HashMap<>();
    /** The triggers that wanted budget for the bucket their matches are in, since the last {@link #demands()}. */
    private final Map<String, Want> wanting = new LinkedHashMap<>();
    /** The triggers that want budget for the next bucket, asked ahead, since the last {@link #demands()}. */
    private final Map<String, Want> wantingAhead = new LinkedHashMap<>();

    GrantBudgets(KeyValueStore<String, Budget> store, TriggerRegistry registry, RateWindow window, int partition) {
        this.store = store;
        this.registry = registry;
        this.window = window;
        this.partition = partition;
    }

    /**
     * Whether a match of trigger {@code id} may start at {@code time}: the grant for its bucket has starts
     * left. A trigger whose home is no longer by-trigger (its definition was changed or deleted) lets what
     * this task holds for it go: no grant comes for it any more.
     */
    @Override
    public boolean has(String id, GuardState s, long time, RateLimit limit) {
        if (!isShared(id)) {
            return true;
        }
        Budget budget = budget(id);
        long bucket = window.bucketOf(time);
        if (hasStartFor(id, budget, bucket)) {
            return true;
        }
        // what it holds, and twice what it was granted last: a burst's grants grow 1, 2, 4, …
        want(wanting, id, bucket, (int) Math.min(Integer.MAX_VALUE, s.heldLive() + 1 + 2L * budget.lastGranted));
        return false;
    }

    @Override
    public void take(String id, GuardState s, long time) {
        use(id, time, false);
    }

    /** The next look at the held matches: the next bucket, which needs a grant of its own. */
    @Override
    public long next(String id, GuardState s, long now, RateLimit limit) {
        return (window.bucketOf(now) + 1) * window.bucketMillis();
    }

    /**
     * Starts a match of trigger {@code id} at {@code time} from its grant, if the grant for that bucket has a
     * start left (the stage's fast path: no held work, so nothing waits before it). A quarter of the way
     * through the grant's span it asks ahead for the span after, twice what this span is on course to start,
     * so that a steady trigger finds its grant there when the span begins.
     *
     * @return the starts made from the grant so far, this one included (the match's recent count, which the
     *         fast path reads from no window: the home has it); 0 when the match may not start from it
     */
    int spend(String id, long time) {
        return use(id, time, true);
    }

    private int use(String id, long time, boolean newMatch) {
        Budget budget = budget(id);
        long bucket = window.bucketOf(time);
        if (!hasStartFor(id, budget, bucket)) {
            return 0;
        }
        budget.left--;
        budget.spent++;
        budget.lastUsed = bucket;
        if (newMatch) {
            budget.matched++;
        }
        // a quarter of the way through the grant's buckets, ask for the next ones: twice what this span is on
        // course to start, so that a steady trigger neither runs out before the span ends nor waits for the
        // answer when its task's stream time runs ahead of the wall clock (a backlog)
        long spanMillis = (budget.end - budget.bucket + 1) * window.bucketMillis();
        long elapsedMillis = time - budget.bucket * window.bucketMillis() + 1;
        if (4 * elapsedMillis >= spanMillis && budget.aheadDemandedFor <= budget.end) {
            want(wantingAhead, id, budget.end + 1, (int) Math.min(Integer.MAX_VALUE,
                    2L * budget.spent * spanMillis / elapsedMillis));
        }
        store.put(id, budget);
        return budget.spent;
    }

    /**
     * Moves trigger {@code id}'s budget on to {@code bucket} (a grant asked ahead for it becomes the one spent)
     * and says whether that grant has a start left for it.
     */
    private boolean hasStartFor(String id, Budget budget, long bucket) {
        if (budget.reach(bucket)) {
            store.put(id, budget);
        }
        return budget.covers(bucket) && budget.left > 0;
    }

    /** A match of trigger {@code id} that did not start from the grant: counted for the home's window. */
    void matched(String id) {
        Budget budget = budget(id);
        budget.matched++;
        store.put(id, budget);
    }

    /** A grant or a revocation from the trigger's home arrived. */
    void receive(TriggerInput.Grant grant) {
        Budget budget = budget(grant.triggerId());
        if (grant.revoked()) {
            budget.left = 0;
            budget.aheadLeft = 0;
            budget.outstanding = false;
            budget.refusedFor = Math.max(budget.refusedFor, budget.demandedFor);
        } else if (grant.isInvitation()) {
            budget.outstanding = false;
            budget.refusedFor = Long.MIN_VALUE;
        } else {
            budget.add(grant.bucket(), grant.end(), grant.starts());
            if (!grant.ahead() && grant.bucket() >= budget.demandedFor) {
                budget.outstanding = false;
                if (grant.starts() == 0 || grant.bucket() > budget.demandedFor) {
                    // nothing for the bucket it asked for (a grant for a later one waits for it): it asks again
                    // in a later bucket, not at once
                    budget.refusedFor = budget.demandedFor;
                }
            }
        }
        store.put(grant.triggerId(), budget);
    }

    /**
     * The demands to send for what was wanted since the last call: for the bucket its matches are in, at
     * most one unanswered per trigger and bucket, none again for a bucket the home refused; ahead, one
     * per trigger and bucket.
     */
    List<TriggerInput.Demand> demands() {
        if (wanting.isEmpty() && wantingAhead.isEmpty()) {
            return List.of();
        }
        List<TriggerInput.Demand> demands = new ArrayList<>();
        for (Map.Entry<String, Want> entry : wanting.entrySet()) {
            Budget budget = budget(entry.getKey());
            Want want = entry.getValue();
            if (want.bucket > budget.demandedFor || (want.bucket == budget.demandedFor && !budget.outstanding
                    && budget.refusedFor != want.bucket)) {
                budget.demandedFor = want.bucket;
                budget.outstanding = true;
                if (want.bucket > budget.end) {
                    // the task's time is past the grant's buckets: what is left of it can never start
                    budget.giveBack();
                }
                demands.add(demand(entry.getKey(), budget, want, false));
            }
        }
        for (Map.Entry<String, Want> entry : wantingAhead.entrySet()) {
            Budget budget = budget(entry.getKey());
            Want want = entry.getValue();
            if (want.bucket > budget.aheadDemandedFor) {
                budget.aheadDemandedFor = want.bucket;
                demands.add(demand(entry.getKey(), budget, want, true));
            }
        }
        wanting.clear();
        wantingAhead.clear();
        return demands;
    }

    private TriggerInput.Demand demand(String id, Budget budget, Want want, boolean ahead) {
        TriggerInput.Demand demand = new TriggerInput.Demand(id, partition, want.bucket, Math.max(1, want.wanted),
                budget.matched, ahead, budget.returnBucket, budget.returning, budget.returnUsed, budget.returnLast);
        budget.matched = 0;
        budget.returning = 0;
        budget.returnUsed = 0;
        store.put(id, budget);
        return demand;
    }

    /** Forgets trigger {@code id}'s budget (its home moved away from by-trigger, or it was deleted). */
    void forget(String id) {
        budgets.remove(id);
        wanting.remove(id);
        wantingAhead.remove(id);
        store.delete(id);
    }

    private static void want(Map<String, Want> wants, String id, long bucket, int wanted) {
        Want previous = wants.get(id);
        if (previous == null || bucket > previous.bucket) {
            wants.put(id, new Want(bucket, wanted));
        } else if (bucket == previous.bucket && wanted > previous.wanted) {
            wants.put(id, new Want(bucket, wanted));
        }
    }

    private boolean isShared(String id) {
        return registry.trigger(id).map(trigger -> trigger.home() instanceof TriggerHome.Shared).orElse(false);
    }

    private Budget budget(String id) {
        Budget budget = budgets.get(id);
        if (budget == null) {
            Budget stored = store.get(id);
            budget = stored == null ? new Budget() : stored;
            budgets.put(id, budget);
        }
        return budget;
    }

    private record Want(long bucket, int wanted) {
    }

    /**
     * One trigger's budget at one task: the starts {@code left} of the grant for the buckets {@code bucket} to
     * {@code end} and how many it {@code spent}; a grant for later buckets asked ahead; the newest bucket it asked for (and whether
     * that demand is unanswered), the newest asked ahead, the newest the home answered with nothing; the
     * matches seen since the last demand; the unused starts of an earlier grant, given back with the next
     * demand.
     */
    static final class Budget {
        static final int BYTES = 8 + 8 + 4 + 4 + 8 + 8 + 8 + 4 + 8 + 1 + 8 + 8 + 4 + 4 + 8 + 4 + 4 + 8;
        long bucket = Long.MIN_VALUE;
        long end = Long.MIN_VALUE;
        int left;
        int spent;
        long lastUsed = Long.MIN_VALUE;
        long aheadBucket = Long.MIN_VALUE;
        long aheadEnd = Long.MIN_VALUE;
        int aheadLeft;
        long demandedFor = Long.MIN_VALUE;
        boolean outstanding;
        long aheadDemandedFor = Long.MIN_VALUE;
        long refusedFor = Long.MIN_VALUE;
        int matched;
        int lastGranted;
        long returnBucket = Long.MIN_VALUE;
        int returning;
        int returnUsed;
        long returnLast = Long.MIN_VALUE;

        /** Whether the grant it spends lets a match of {@code bucket} start. */
        boolean covers(long at) {
            return at >= bucket && at <= end;
        }

        /** Starts {@code starts} granted for the buckets {@code from} to {@code to}. */
        void add(long from, long to, int starts) {
            if (starts > 0) {
                lastGranted = starts;
            }
            if (from == bucket && to == end) {
                left += starts;
            } else if (from > end) {
                if (from != aheadBucket || to != aheadEnd) {
                    aheadBucket = from;
                    aheadEnd = to;
                    aheadLeft = 0;
                }
                aheadLeft += starts;
            } else {
                // another grant for buckets it is in: what is left of the one before goes back
                giveBack();
                bucket = from;
                end = to;
                left = starts;
                spent = 0;
                lastUsed = Long.MIN_VALUE;
            }
        }

        /**
         * The task's time reached {@code now}: a grant asked ahead for buckets it reached becomes the one it
         * spends, and what is left of the one before is given back. Returns whether anything changed.
         */
        boolean reach(long now) {
            if (aheadBucket == Long.MIN_VALUE || now < aheadBucket) {
                return false;
            }
            giveBack();
            bucket = aheadBucket;
            end = aheadEnd;
            left = aheadLeft;
            spent = 0;
            lastUsed = Long.MIN_VALUE;
            aheadBucket = Long.MIN_VALUE;
            aheadEnd = Long.MIN_VALUE;
            aheadLeft = 0;
            return true;
        }

        /**
         * The task is done with its grant: what is left of it will never start, and what it used started by
         * {@code lastUsed}; both go to the home with the next demand (one grant's at a time: an earlier one
         * not sent yet stays counted as it was, which is never under the truth).
         */
        void giveBack() {
            if (left <= 0 && (spent <= 0 || lastUsed >= end)) {
                return;
            }
            returnBucket = end;
            returning = Math.max(0, left);
            returnUsed = Math.max(0, spent);
            returnLast = lastUsed;
            left = 0;
            spent = 0;
        }

        static Serde<Budget> serde() {
            return Serdes.serdeFrom((topic, budget) -> ByteBuffer.allocate(BYTES)
                            .putLong(budget.bucket).putLong(budget.end).putInt(budget.left).putInt(budget.spent)
                            .putLong(budget.lastUsed)
                            .putLong(budget.aheadBucket).putLong(budget.aheadEnd).putInt(budget.aheadLeft)
                            .putLong(budget.demandedFor).put((byte) (budget.outstanding ? 1 : 0))
                            .putLong(budget.aheadDemandedFor).putLong(budget.refusedFor).putInt(budget.matched)
                            .putInt(budget.lastGranted)
                            .putLong(budget.returnBucket).putInt(budget.returning).putInt(budget.returnUsed)
                            .putLong(budget.returnLast).array(),
                    (topic, data) -> {
                        if (data == null) {
                            return null;
                        }
                        ByteBuffer buffer = ByteBuffer.wrap(data);
                        Budget budget = new Budget();
                        budget.bucket = buffer.getLong();
                        budget.end = buffer.getLong();
                        budget.left = buffer.getInt();
                        budget.spent = buffer.getInt();
                        budget.lastUsed = buffer.getLong();
                        budget.aheadBucket = buffer.getLong();
                        budget.aheadEnd = buffer.getLong();
                        budget.aheadLeft = buffer.getInt();
                        budget.demandedFor = buffer.getLong();
                        budget.outstanding = buffer.get() == 1;
                        budget.aheadDemandedFor = buffer.getLong();
                        budget.refusedFor = buffer.getLong();
                        budget.matched = buffer.getInt();
                        budget.lastGranted = buffer.getInt();
                        budget.returnBucket = buffer.getLong();
                        budget.returning = buffer.getInt();
                        budget.returnUsed = buffer.getInt();
                        budget.returnLast = buffer.getLong();
                        return budget;
                    });
        }
    }
}
