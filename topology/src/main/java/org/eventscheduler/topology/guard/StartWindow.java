package org.eventscheduler.topology.guard;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The records an entity let through (admitted, started, released), per bucket of its rate window, with
 * the time of each bucket's last one: what the rate limit holds over. The limit holds over <em>any</em>
 * interval of the window's length, not only over whole buckets: a record may go at {@code t} only while
 * fewer than the limit went in {@code (t - size, t]}. That interval reaches into the bucket before the
 * window's oldest, so the ring keeps one bucket more than the window; that bucket still counts while
 * its last record lies within {@code size} of {@code t} (all of it: the count of a bucket is not split,
 * so the figure is never under the truth). A limit of 1,000 per 10 s with 1,000 let through at 0.5 s
 * therefore has room again at 10.5 s, not at 10 s (the start of the bucket in which the first one's
 * bucket leaves the window), and never more than 1,000 in any 10 s.
 *
 * <p>Stored in the entity's {@link GuardState}: the head bucket, then, per bucket, its count and how long
 * before the newest record its last one went (an int: a window is at most 600 buckets of at most 24
 * days, {@link RateWindow}).
 */
final class StartWindow {
    private static final long NONE = Long.MIN_VALUE;

    private long headBucket;
    private final int[] counts;
    private final long[] lastAt;

    private StartWindow(long headBucket, int slots) {
        this.headBucket = headBucket;
        this.counts = new int[slots];
        this.lastAt = new long[slots];
    }

    /** An empty window of {@code buckets} buckets (and the one before them), its newest {@code headBucket}. */
    static StartWindow empty(long headBucket, int buckets) {
        StartWindow window = new StartWindow(headBucket, buckets + 1);
        Arrays.fill(window.lastAt, NONE);
        return window;
    }

    long headBucket() {
        return headBucket;
    }

    /** Counts a record let through at {@code time}; a record older than the ring is not counted. */
    void add(long time, RateWindow window) {
        long bucket = window.bucketOf(time);
        advanceTo(bucket);
        if (bucket > headBucket - counts.length) {
            int slot = slot(bucket);
            if (counts[slot] < Integer.MAX_VALUE) {
                counts[slot]++;
            }
            lastAt[slot] = Math.max(lastAt[slot], time);
        }
    }

    /**
     * Records let through in the window's length up to {@code time}: in {@code (time - size, time]}, the
     * bucket before the window's oldest counted whole while its last record is in it. A {@code time} in
     * a bucket older than the newest one seen counts from the newest bucket's start.
     */
    long countAt(long time, RateWindow window) {
        advanceTo(window.bucketOf(time));
        long at = Math.max(time, headBucket * window.bucketMillis());
        long total = 0;
        for (long bucket = headBucket - counts.length + 1; bucket <= headBucket; bucket++) {
            int slot = slot(bucket);
            if (counts[slot] > 0 && (bucket > headBucket - counts.length + 1 || lastAt[slot] > at - sizeOf(window))) {
                total += counts[slot];
            }
        }
        return total;
    }

    /**
     * The first time from {@code time} on at which fewer than {@code limit} records were let through in the
     * window's length: {@code time} itself while there is room, else the time at which enough of the oldest
     * buckets' last records are {@code size} old.
     */
    long roomAt(long time, long limit, RateWindow window) {
        long remaining = countAt(time, window);
        if (remaining < limit) {
            return time;
        }
        long at = Math.max(time, headBucket * window.bucketMillis());
        for (long bucket = headBucket - counts.length + 1; bucket <= headBucket; bucket++) {
            int slot = slot(bucket);
            boolean counted = bucket > headBucket - counts.length + 1 || lastAt[slot] > at - sizeOf(window);
            if (counts[slot] == 0 || !counted) {
                continue;
            }
            remaining -= counts[slot];
            if (remaining < limit) {
                return Math.max(time, lastAt[slot] + sizeOf(window));
            }
        }
        // unreachable: the newest bucket's last record leaves the window too
        return Math.max(time, lastAt[slot(headBucket)] + sizeOf(window));
    }

    /** Whether it let nothing through from {@code bucket} on. */
    boolean isEmptySince(long bucket) {
        return headBucket < bucket;
    }

    /** Writes the window: the head bucket, the newest last time, then per bucket its count and its last's age. */
    void write(ByteBuffer buffer) {
        long newest = NONE;
        for (long at : lastAt) {
            newest = Math.max(newest, at);
        }
        buffer.putLong(headBucket).putLong(newest);
        for (int slot = 0; slot < counts.length; slot++) {
            buffer.putInt(counts[slot]).putInt(lastAt[slot] == NONE ? -1 : (int) (newest - lastAt[slot]));
        }
    }

    /** The size of {@link #write}'s form for a window of {@code buckets} buckets. */
    static int byteSize(int buckets) {
        return 8 + 8 + 8 * (buckets + 1);
    }

    /** Reads {@link #write}'s form of a window of {@code buckets} buckets. */
    static StartWindow read(ByteBuffer buffer, int buckets) {
        StartWindow window = new StartWindow(buffer.getLong(), buckets + 1);
        long newest = buffer.getLong();
        for (int slot = 0; slot <= buckets; slot++) {
            window.counts[slot] = buffer.getInt();
            int age = buffer.getInt();
            window.lastAt[slot] = age < 0 ? NONE : newest - age;
        }
        return window;
    }

    /**
     * A window of counts alone (a value written before the last times were kept): each bucket's last
     * record is taken to be at its end, which is never later than the truth allows less.
     */
    static StartWindow ofCounts(SlidingCount counts, RateWindow window) {
        StartWindow starts = empty(counts.headBucket(), counts.buckets());
        for (long bucket = counts.headBucket() - counts.buckets() + 1; bucket <= counts.headBucket(); bucket++) {
            int count = counts.countIn((int) Math.floorMod(bucket, (long) counts.buckets()));
            if (count > 0) {
                starts.counts[starts.slot(bucket)] = count;
                starts.lastAt[starts.slot(bucket)] = (bucket + 1) * window.bucketMillis() - 1;
            }
        }
        return starts;
    }

    private void advanceTo(long bucket) {
        if (bucket <= headBucket) {
            return;
        }
        if (bucket - headBucket >= counts.length) {
            Arrays.fill(counts, 0);
            Arrays.fill(lastAt, NONE);
        } else {
            for (long b = headBucket + 1; b <= bucket; b++) {
                counts[slot(b)] = 0;
                lastAt[slot(b)] = NONE;
            }
        }
        headBucket = bucket;
    }

    private static long sizeOf(RateWindow window) {
        return window.size().toMillis();
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) counts.length);
    }
}
