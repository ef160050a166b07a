package org.eventscheduler.topology.guard;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.time.Duration;

/**
 * The sliding window rates are counted over: {@code size} long, in buckets of {@code bucket}. A rate
 * is the number of events whose record timestamps fall in the last {@code size / bucket} buckets,
 * counting the bucket of the newest event seen.
 */
public record RateWindow(Duration size, Duration bucket) {
    /** More buckets make every state-store value larger; this bounds it. */
    public static final int MAX_BUCKETS = 600;
    /** The window and one bucket more, at most: {@link StartWindow} stores times within it as ints of milliseconds. */
    public static final Duration MAX_SPAN = Duration.ofMillis(Integer.MAX_VALUE);

    public RateWindow {
        require(size != null && size.toMillis() > 0, "size", "must be a positive duration");
        require(bucket != null && bucket.toMillis() > 0, "bucket", "must be a positive duration");
        require(size.toMillis() % bucket.toMillis() == 0, "size",
                "must be a whole number of buckets (" + bucket + "), was " + size);
        require(size.toMillis() / bucket.toMillis() <= MAX_BUCKETS, "bucket",
                "makes more than " + MAX_BUCKETS + " buckets per window; use larger buckets");
        require(size.toMillis() + bucket.toMillis() <= MAX_SPAN.toMillis(), "size",
                "with one bucket more must be at most " + MAX_SPAN + " (what the start window stores), was " + size);
    }

    public int buckets() {
        return (int) (size.toMillis() / bucket.toMillis());
    }

    public long bucketMillis() {
        return bucket.toMillis();
    }

    /** The bucket a record timestamp falls in. */
    public long bucketOf(long timestampMillis) {
        return Math.floorDiv(timestampMillis, bucket.toMillis());
    }
}
