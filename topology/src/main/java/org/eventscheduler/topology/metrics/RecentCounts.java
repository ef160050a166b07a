package org.eventscheduler.topology.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts of this instance's recent outcomes by reason (dead-lettered, throttled), in one-minute
 * buckets over the last hour of wall-clock time, for the health endpoint. In memory: an instance that
 * restarts starts from zero (the health endpoint says which instances answered).
 */
public final class RecentCounts {
    static final int MINUTES = 60;

    private final Map<String, Ring> rings = new ConcurrentHashMap<>();
    private final java.util.function.LongSupplier clock;

    public RecentCounts(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    public void add(String reason) {
        rings.computeIfAbsent(reason, r -> new Ring()).add(minute(clock.getAsLong()));
    }

    /** Counts by reason over the last {@code window} (whole minutes, at most an hour). */
    public Map<String, Long> last(Duration window) {
        long now = minute(clock.getAsLong());
        int minutes = (int) Math.min(MINUTES, Math.max(1, window.toMinutes()));
        Map<String, Long> counts = new TreeMap<>();
        rings.forEach((reason, ring) -> {
            long count = ring.sum(now, minutes);
            if (count > 0) {
                counts.put(reason, count);
            }
        });
        return counts;
    }

    private static long minute(long millis) {
        return Math.floorDiv(millis, 60_000);
    }

    private static final class Ring {
        private final long[] minutes = new long[MINUTES];
        private final long[] counts = new long[MINUTES];

        synchronized void add(long minute) {
            int slot = (int) Math.floorMod(minute, (long) MINUTES);
            if (minutes[slot] != minute) {
                minutes[slot] = minute;
                counts[slot] = 0;
            }
            counts[slot]++;
        }

        synchronized long sum(long now, int window) {
            long total = 0;
            for (int i = 0; i < MINUTES; i++) {
                if (minutes[i] > now - window && minutes[i] <= now) {
                    total += counts[i];
                }
            }
            return total;
        }
    }
}
