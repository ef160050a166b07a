package org.eventscheduler.topology.trigger;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The starts a shared trigger's home granted: what its limit holds over once its matches start in the source
 * tasks (granted budget, docs/architecture.md). A grant lets a task start its matches with record times in a
 * span of consecutive buckets of the rate window, {@code from} to {@code end}; the ledger counts it, when it
 * is made, in its end bucket. A grant is made only while the grants that end from {@code from - buckets} on
 * leave room for it. An interval of the window's length touches at most {@code buckets + 1} consecutive
 * buckets, and every grant whose starts can share such an interval with a grant's ends no earlier than
 * that grant's {@code from - buckets}: so of the grants whose starts an interval can hold, the one made last
 * was checked against all the others, and no interval holds more starts than the limit, in whatever order
 * the demands arrive. The ring keeps the end buckets of three windows and two buckets, so it can answer for
 * any {@code from} no older than two windows and a bucket before its newest end: a task's demand for the
 * bucket it is in is answered for that bucket even after another task's window-long grant, asked ahead for
 * the window after, moved the newest end up to two windows on (an older ring answered it for a later bucket,
 * and its matches waited for that bucket).
 *
 * <p>Kept per trigger in the changelogged {@code trigger-grant-ledger} store of the home. Not thread-safe.
 */
final class GrantLedger {
    private long headBucket;
    private final int[] counts;
    private final int window;

    private GrantLedger(long headBucket, int[] counts, int window) {
        this.headBucket = headBucket;
        this.counts = counts;
        this.window = window;
    }

    /** No grant yet, for a window of {@code buckets} buckets. */
    static GrantLedger empty(int buckets) {
        return new GrantLedger(Long.MIN_VALUE / 2, new int[3 * buckets + 2], buckets);
    }

    /**
     * The first bucket of a grant asked for from {@code bucket}: never so old that the ring no longer holds
     * the window before it (two windows and a bucket before the newest end; a window and a bucket for a ledger
     * written with the older ring of two windows and two buckets, which keeps its length).
     */
    long grantableFrom(long bucket) {
        return Math.max(bucket, headBucket - (counts.length - window - 1));
    }

    /** What the limit leaves for a grant from {@code from} (a bucket {@link #grantableFrom} gave). */
    long room(long from, long limit) {
        long granted = 0;
        for (long b = Math.max(from - window, headBucket - counts.length + 1); b <= headBucket; b++) {
            granted += counts[slot(b)];
        }
        return limit - granted;
    }

    /** Counts {@code starts} granted for the span ending in bucket {@code end}. */
    void add(long end, int starts) {
        if (end > headBucket) {
            if (end - headBucket >= counts.length) {
                Arrays.fill(counts, 0);
            } else {
                for (long b = headBucket + 1; b <= end; b++) {
                    counts[slot(b)] = 0;
                }
            }
            headBucket = end;
        }
        if (end > headBucket - counts.length) {
            counts[slot(end)] = (int) Math.min(Integer.MAX_VALUE, (long) counts[slot(end)] + starts);
        }
    }

    /**
     * A task is done with a grant ending in {@code end}: takes back the {@code unused} starts, and counts the
     * {@code used} ones in {@code lastUsed}, the bucket of the last of them, rather than at the end (a start is
     * never counted before its bucket, so the rule holds). Does nothing for a grant the ring no longer holds.
     */
    void giveBack(long end, int unused, int used, long lastUsed) {
        if (end > headBucket || end <= headBucket - counts.length || (unused <= 0 && used <= 0)) {
            return;
        }
        boolean redate = used > 0 && lastUsed < end && lastUsed > headBucket - counts.length;
        int taken = unused + (redate ? used : 0);
        counts[slot(end)] = Math.max(0, counts[slot(end)] - taken);
        if (redate) {
            counts[slot(lastUsed)] = (int) Math.min(Integer.MAX_VALUE, (long) counts[slot(lastUsed)] + used);
        }
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) counts.length);
    }

    static Serde<GrantLedger> serde() {
        return Serdes.serdeFrom((topic, ledger) -> {
            ByteBuffer buffer = ByteBuffer.allocate(8 + 4 + 4 + 4 * ledger.counts.length).putLong(ledger.headBucket)
                    .putInt(ledger.window).putInt(ledger.counts.length);
            for (int count : ledger.counts) {
                buffer.putInt(count);
            }
            return buffer.array();
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(data);
            long head = buffer.getLong();
            int window = buffer.getInt();
            int[] counts = new int[buffer.getInt()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = buffer.getInt();
            }
            return new GrantLedger(head, counts, window);
        });
    }
}
