package org.eventscheduler.topology.guard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.hold.HeldPage;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.hold.HoldNotice;
import org.eventscheduler.topology.hold.HoldSettings;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.reject.InvalidReason;

/**
 * The records the safeguards of one kind of entity hold back, and the rules by which each comes back.
 * Each entity's records wait in its held store (RocksDB, changelogged: they survive restarts and
 * rebalances and are not kept in the heap), a few consecutive ones a value ({@link HeldPage}), under
 * keys of (entity, queue, sequence number of the page's first record); its {@link GuardState} says
 * which sequence numbers are held and where their pages begin. Every held record ends exactly once: released
 * onwards, or dead-lettered with a reason ({@code hold-expired}, {@code hold-overflow},
 * {@code discarded-on-resume}, {@code discarded-by-operator}).
 *
 * <ul>
 *   <li>A record is held at the tail of the entity's live queue; a full queue ({@code hold.max-records})
 *       pushes its oldest record out first.</li>
 *   <li>After every change of the entity (a record of it, a tick of time), {@link #settle} dead-letters
 *       what waited longer than {@code hold.max-age}, applies {@code hold.on-resume} if the entity just
 *       resumed, and releases the live queue, oldest first, while the entity is not paused by its rate
 *       or an operator, its window has room ({@link EntityGuard#admitHeld}) and its breaker lets calls
 *       through: a half-open breaker's probes are held records. New work waits behind held work, so
 *       each entity's records come out in the order they arrived.</li>
 *   <li>Each look does bounded work ({@link #MAX_PER_LOOK}); what is left is looked at again at the
 *       next bucket, through the entity's entry in the paused index.</li>
 * </ul>
 */
public final class HeldWork {
    /** Records released or dead-lettered by one look at one entity, at most. */
    static final int MAX_PER_LOOK = 1_000;

    /** Where held records go when they end, and the audit notices. The stage that owns the entity provides it. */
    public interface Outlet {
        /**
         * Lets a held record go on at {@code now}, as if it had just been admitted. The window has counted
         * it and its breaker has let it through; a source records its outcome with the breaker.
         */
        void release(String id, GuardState state, HeldRecord record, long now);

        /** Dead-letters a held record at {@code now}, for {@code reason}. */
        void deadLetter(String id, HeldRecord record, InvalidReason reason, long now);

        /** Writes an audit notice to {@code scheduler.throttled}. */
        void notice(HoldNotice notice);

        /** A change of the entity's pause state made while releasing (a breaker's transition), at {@code now}. */
        void changed(PauseRecord change, long now);
    }

    private final EntityType entityType;
    private final KeyValueStore<Bytes, byte[]> store;
    private final String instanceId;

    public HeldWork(EntityType entityType, KeyValueStore<Bytes, byte[]> store, String instanceId) {
        this.entityType = entityType;
        this.store = store;
        this.instanceId = instanceId;
    }

    /** Holds {@code record} at the tail of the entity's live queue; a full queue dead-letters its oldest first. */
    void hold(String id, GuardState s, HeldRecord record, HoldSettings settings, String correlationId, Outlet outlet) {
        if (!s.episode.isOpen()) {
            s.episode.begin(record.heldAt(), record.reason(), correlationId);
            outlet.notice(notice(id, s, HoldNotice.Event.HOLDING, record.heldAt()));
        }
        while (s.heldCount() >= settings.maxRecords()) {
            int oldest = s.heldKept() > 0 ? 1 - s.liveQueue : s.liveQueue;
            outlet.deadLetter(id, pop(id, s, oldest), InvalidReason.HOLD_OVERFLOW, record.heldAt());
            s.episode.overflowed++;
        }
        append(id, s, s.liveQueue, record);
        s.episode.held++;
    }

    /**
     * Looks at the entity's held work after a change at {@code now}: expiries, the resume's
     * {@code on-resume} when it was paused before the change and is not now, then releases.
     */
    void settle(String id, GuardState s, long now, boolean wasPaused,
                Function<String, ? extends GuardPolicy> policies, EntityGuard guard, Outlet outlet) {
        if (s.heldCount() == 0 && !s.episode.isOpen()) {
            return;
        }
        GuardPolicy policy = policies.apply(id);
        HoldSettings settings = policy.hold();
        int budget = MAX_PER_LOOK;
        budget -= expire(id, s, now, settings, outlet, budget);
        if (wasPaused && !s.isPaused() && s.heldLive() > 0) {
            switch (settings.onResume()) {
                case RELEASE -> {
                }
                case DISCARD -> discard(id, s, s.liveQueue, now, outlet, InvalidReason.DISCARDED_ON_RESUME);
                case KEEP -> keepLive(id, s);
            }
        }
        budget -= releaseForOperator(id, s, now, guard, outlet, budget);
        while (budget > 0 && s.heldLive() > 0
                && guard.admitHeld(id, s, now, policy.rateLimit(), policy.breaker(), s.episode.correlationId,
                        change -> outlet.changed(change, now))) {
            HeldRecord record = pop(id, s, s.liveQueue);
            s.episode.released++;
            budget--;
            outlet.release(id, s, record, now);
        }
        s.heldCheckAt = nextCheck(id, s, now, policy, guard);
        if (s.heldCount() == 0 && s.episode.isOpen()) {
            outlet.notice(notice(id, s, HoldNotice.Event.DRAINED, now));
            s.episode.end();
        }
    }

    /**
     * An operator's command about held work, from inside a change of the entity: {@code release} lets
     * everything it holds now go on (kept records first, then the live queue, whatever its pause and
     * window, at most {@link #MAX_PER_LOOK} a look), {@code discard} dead-letters it all
     * ({@code discarded-by-operator}). Returns whether the command was one of these.
     */
    boolean applyOperator(String id, GuardState s, ControlCommand command, long now, Outlet outlet) {
        switch (command.action()) {
            case RELEASE -> {
                s.operatorRelease = s.heldCount();
                s.operatorRate = command.rate().orElse(0);
                s.operatorNextAtMicros = now * 1000;
            }
            case DISCARD -> {
                discard(id, s, 1 - s.liveQueue, now, outlet, InvalidReason.DISCARDED_BY_OPERATOR);
                discard(id, s, s.liveQueue, now, outlet, InvalidReason.DISCARDED_BY_OPERATOR);
                endOperatorRelease(s);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * An operator's release at {@code now}: kept records first, then the live queue, whatever the pause
     * and window (counted in the window all the same), at most {@code budget}; a paced release lets a
     * record go every {@code 1/rate} seconds, and a pace that fell behind (the stage looks once a bucket)
     * catches up by at most one bucket's worth (or a second's, for buckets shorter than that). Returns how
     * many it let go.
     */
    private int releaseForOperator(String id, GuardState s, long now, EntityGuard guard, Outlet outlet, int budget) {
        int done = 0;
        if (s.operatorRate > 0) {
            long catchUp = Math.max(1000, guard.bucketMillis());
            s.operatorNextAtMicros = Math.max(s.operatorNextAtMicros, (now - catchUp) * 1000);
        }
        while (done < budget && s.operatorRelease > 0 && s.heldCount() > 0
                && (s.operatorRate == 0 || s.operatorNextAtMicros <= now * 1000)) {
            HeldRecord record = pop(id, s, s.heldKept() > 0 ? 1 - s.liveQueue : s.liveQueue);
            guard.countStart(s, now);
            s.operatorRelease--;
            if (s.operatorRate > 0) {
                s.operatorNextAtMicros += 1_000_000L / s.operatorRate;
            }
            s.episode.released++;
            done++;
            outlet.release(id, s, record, now);
        }
        if (s.heldCount() == 0 || s.operatorRelease == 0) {
            endOperatorRelease(s);
        }
        return done;
    }

    private static void endOperatorRelease(GuardState s) {
        s.operatorRelease = 0;
        s.operatorRate = 0;
        s.operatorNextAtMicros = 0;
    }

    /** Up to {@code limit} of the entity's held records, oldest first, without taking them (for the admin API). */
    public static List<HeldRecord> peek(ReadOnlyKeyValueStore<Bytes, byte[]> store,
                                        String id, GuardState s, int limit) {
        List<HeldRecord> records = new ArrayList<>();
        for (int queue : new int[] {1 - s.liveQueue, s.liveQueue}) {
            long first = s.heldHeadPage[queue];
            long seq = s.heldHead[queue];
            while (seq < s.heldTail[queue] && records.size() < limit) {
                byte[] page = store.get(key(id, queue, first));
                if (page == null) {
                    break;
                }
                List<HeldRecord> onPage = HeldPage.records(page);
                for (int index = (int) (seq - first); index < onPage.size() && records.size() < limit; index++) {
                    records.add(onPage.get(index));
                }
                first += onPage.size();
                seq = first;
            }
        }
        return records;
    }

    private int expire(String id, GuardState s, long now, HoldSettings settings, Outlet outlet, int budget) {
        long maxAge = settings.maxAge().toMillis();
        int done = 0;
        for (int queue = 0; queue < 2; queue++) {
            while (done < budget && s.heldIn(queue) > 0 && now - s.heldOldestAt[queue] >= maxAge) {
                outlet.deadLetter(id, pop(id, s, queue), InvalidReason.HOLD_EXPIRED, now);
                s.episode.expired++;
                done++;
            }
        }
        return done;
    }

    private void discard(String id, GuardState s, int queue, long now, Outlet outlet, InvalidReason reason) {
        while (s.heldIn(queue) > 0) {
            outlet.deadLetter(id, pop(id, s, queue), reason, now);
            s.episode.discarded++;
        }
    }

    /** The live queue's records are kept: the queues swap roles, or (when records are kept already) they move. */
    private void keepLive(String id, GuardState s) {
        int kept = 1 - s.liveQueue;
        if (s.heldIn(kept) == 0) {
            s.heldHead[kept] = s.heldTail[kept];
            s.heldHeadPage[kept] = s.heldTail[kept];
            s.heldTailPage[kept] = s.heldTail[kept];
            s.liveQueue = kept;
            return;
        }
        while (s.heldLive() > 0) {
            append(id, s, kept, pop(id, s, s.liveQueue));
        }
    }

    private long nextCheck(String id, GuardState s, long now, GuardPolicy policy, EntityGuard guard) {
        HoldSettings settings = policy.hold();
        if (s.heldCount() == 0) {
            return GuardState.NEVER;
        }
        long next = Long.MAX_VALUE;
        for (int queue = 0; queue < 2; queue++) {
            if (s.heldIn(queue) > 0) {
                next = Math.min(next, s.heldOldestAt[queue] + settings.maxAge().toMillis());
            }
        }
        if (s.operatorRelease > 0 && s.operatorRate > 0) {
            next = Math.min(next, Math.max(now + 1, (s.operatorNextAtMicros + 999) / 1000));
        } else if (s.operatorRelease > 0) {
            next = Math.min(next, guard.nextBucketStart(now));
        } else if (s.heldLive() > 0 && !guard.isHeldBack(s)) {
            next = Math.min(next, guard.nextRoom(id, s, now, policy.rateLimit()));
        }
        return next;
    }

    /**
     * Appends {@code record} to queue {@code queue}: to the page new records go to, or to a new one when that
     * is full; the record cache keeps the page until the commit writes it (one changelog record a page).
     */
    private void append(String id, GuardState s, int queue, HeldRecord record) {
        byte[] bytes = record.toBytes();
        long first = s.heldTailPage[queue];
        byte[] page = s.heldTail[queue] == first ? null : store.get(key(id, queue, first));
        if (page == null || HeldPage.isFullFor(page, bytes.length)) {
            first = s.heldTail[queue];
            page = HeldPage.empty();
        }
        store.put(key(id, queue, first), HeldPage.append(page, bytes));
        s.heldTailPage[queue] = first;
        if (s.heldIn(queue) == 0) {
            s.heldOldestAt[queue] = record.heldAt();
            s.heldHeadPage[queue] = first;
        }
        s.heldTail[queue]++;
    }

    /** Takes the oldest record of queue {@code queue}; a page is deleted once its last record is taken. */
    private HeldRecord pop(String id, GuardState s, int queue) {
        long first = s.heldHeadPage[queue];
        Bytes key = key(id, queue, first);
        byte[] page = store.get(key);
        if (page == null) {
            throw new IllegalStateException(entityType.changelogKey(id) + " has no held page " + first
                    + " in queue " + queue + " although its state says so");
        }
        int index = (int) (s.heldHead[queue] - first);
        byte[] bytes = HeldPage.recordAt(page, index);
        s.heldHead[queue]++;
        if (s.heldIn(queue) == 0) {
            store.delete(key);
            s.heldHeadPage[queue] = s.heldTail[queue];
            s.heldTailPage[queue] = s.heldTail[queue];
            s.heldOldestAt[queue] = GuardState.NEVER;
        } else if (index + 1 == HeldPage.count(page)) {
            store.delete(key);
            s.heldHeadPage[queue] = s.heldHead[queue];
            byte[] next = store.get(key(id, queue, s.heldHead[queue]));
            s.heldOldestAt[queue] = next == null ? s.heldOldestAt[queue] : HeldRecord.heldAtOf(HeldPage.recordAt(next, 0));
        } else {
            s.heldOldestAt[queue] = HeldRecord.heldAtOf(HeldPage.recordAt(page, index + 1));
        }
        return HeldRecord.fromBytes(bytes);
    }

    private HoldNotice notice(String id, GuardState s, HoldNotice.Event event, long at) {
        HoldEpisode episode = s.episode;
        return new HoldNotice(entityType, id, event, episode.reason, Instant.ofEpochMilli(episode.since),
                Instant.ofEpochMilli(at), episode.held, episode.released, episode.expired, episode.overflowed,
                episode.discarded, episode.correlationId, instanceId);
    }

    /** The store key of the page of queue {@code queue} of entity {@code id} whose first record is {@code seq}. */
    static Bytes key(String id, int queue, long seq) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + idBytes.length + 1 + 8)
                .putInt(idBytes.length).put(idBytes).put((byte) queue).putLong(seq).array());
    }
}
