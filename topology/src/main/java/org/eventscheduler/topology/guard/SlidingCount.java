package org.eventscheduler.topology.guard;

import java.util.Arrays;

/**
 * Event counts in the last {@code n} buckets of record time, as a ring: the newest bucket seen is the
 * head; buckets older than {@code head - n + 1} have left the window. Advancing the head zeroes the
 * buckets it passes over. One instance per source, stored in the source's state-store value, so a rate
 * costs one read and one write per event instead of a range scan.
 */
final class SlidingCount {
    private long headBucket;
    private final int[] counts;

    SlidingCount(long headBucket, int[] counts) {
        this.headBucket = headBucket;
        this.counts = counts;
    }

    static SlidingCount empty(long headBucket, int buckets) {
        return new SlidingCount(headBucket, new int[buckets]);
    }

    long headBucket() {
        return headBucket;
    }

    int buckets() {
        return counts.length;
    }

    int countIn(int slot) {
        return counts[slot];
    }

    /** Moves the window forward so that {@code bucket} is its newest bucket; never moves it back. */
    void advanceTo(long bucket) {
        if (bucket <= headBucket) {
            return;
        }
        long gap = bucket - headBucket;
        if (gap >= counts.length) {
            Arrays.fill(counts, 0);
        } else {
            for (long b = headBucket + 1; b <= bucket; b++) {
                counts[slot(b)] = 0;
            }
        }
        headBucket = bucket;
    }

    /** Counts one event in {@code bucket}; an event older than the window is not counted. */
    void add(long bucket) {
        add(bucket, 1);
    }

    /** Counts {@code n} events in {@code bucket}; events older than the window are not counted. */
    void add(long bucket, int n) {
        advanceTo(bucket);
        if (bucket > headBucket - counts.length) {
            counts[slot(bucket)] = (int) Math.min(Integer.MAX_VALUE, (long) counts[slot(bucket)] + n);
        }
    }

    /** Events the window would hold with one more counted in {@code bucket}, without counting it. */
    long totalWith(long bucket) {
        if (bucket <= headBucket) {
            return total() + (bucket > headBucket - counts.length ? 1 : 0);
        }
        // the buckets of the window that ends at {@code bucket} that hold counts already
        long total = 1;
        for (long b = Math.max(bucket - counts.length + 1, headBucket - counts.length + 1); b <= headBucket; b++) {
            total += counts[slot(b)];
        }
        return total;
    }

    /** Events in the window. */
    long total() {
        long total = 0;
        for (int count : counts) {
            total += count;
        }
        return total;
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) counts.length);
    }
}
