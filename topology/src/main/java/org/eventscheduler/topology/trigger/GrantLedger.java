package org.eventscheduler.topology.trigger;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The starts a shared trigger's home granted, per bucket of the trigger's rate window: what its limit holds
 * over once its matches start in the source tasks (granted budget, docs/architecture.md). A grant is
 * counted in the bucket it is for, when it is made, and its starts all lie in that bucket. An interval of
 * the window's length touches at most the window's buckets and one more, so a grant for bucket {@code b}
 * is made only while the grants from {@code b - buckets} to the newest leave room for it: then no
 * interval holds more starts than the limit, in whatever order the demands arrive. The ring keeps two
 * buckets more than the window, so it can still answer for the bucket before its newest (a task that
 * asked ahead for the next bucket still gets budget for the one it is in).
 *
 * <p>Kept per trigger in the changelogged {@code trigger-grant-ledger} store of the home. Not thread-safe.
 */
final class GrantLedger {
    private long headBucket;
    private final int[] counts;

    private GrantLedger(long headBucket, int[] counts) {
        this.headBucket = headBucket;
        this.counts = counts;
    }

    /** No grant yet, for a window of {@code buckets} buckets. */
    static GrantLedger empty(int buckets) {
        return new GrantLedger(Long.MIN_VALUE / 2, new int[buckets + 2]);
    }

    /** The bucket a grant asked for {@code bucket} is made for: never older than the bucket before the newest. */
    long grantableFor(long bucket) {
        return Math.max(bucket, headBucket - 1);
    }

    /** What the limit leaves for a grant for {@code bucket} (from {@link #grantableFor}). */
    long room(long bucket, long limit) {
        int window = counts.length - 2;
        long granted = 0;
        for (long b = Math.max(bucket - window, headBucket - counts.length + 1); b <= headBucket; b++) {
            granted += counts[slot(b)];
        }
        return limit - granted;
    }

    /** Counts {@code starts} granted for {@code bucket}. */
    void add(long bucket, int starts) {
        if (bucket > headBucket) {
            if (bucket - headBucket >= counts.length) {
                Arrays.fill(counts, 0);
            } else {
                for (long b = headBucket + 1; b <= bucket; b++) {
                    counts[slot(b)] = 0;
                }
            }
            headBucket = bucket;
        }
        if (bucket > headBucket - counts.length) {
            counts[slot(bucket)] = (int) Math.min(Integer.MAX_VALUE, (long) counts[slot(bucket)] + starts);
        }
    }

    /** Takes back {@code starts} granted for {@code bucket} that a task gave back unused, if the ring still holds it. */
    void giveBack(long bucket, int starts) {
        if (starts > 0 && bucket <= headBucket && bucket > headBucket - counts.length) {
            counts[slot(bucket)] = Math.max(0, counts[slot(bucket)] - starts);
        }
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) counts.length);
    }

    static Serde<GrantLedger> serde() {
        return Serdes.serdeFrom((topic, ledger) -> {
            ByteBuffer buffer = ByteBuffer.allocate(8 + 4 + 4 * ledger.counts.length).putLong(ledger.headBucket)
                    .putInt(ledger.counts.length);
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
            int[] counts = new int[buffer.getInt()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = buffer.getInt();
            }
            return new GrantLedger(head, counts);
        });
    }
}
