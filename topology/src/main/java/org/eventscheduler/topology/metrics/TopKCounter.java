package org.eventscheduler.topology.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A counter labelled by key (source, trigger) with bounded cardinality: the {@code k} keys with the
 * highest recent rate keep their own series, every other key is counted under {@code _other}, so a
 * million sources make at most {@code k + 1} series. Every event is counted exactly once, so summing
 * over the label gives the total.
 *
 * <p>The caller passes each key's current windowed count (which the limiters already have); keys above
 * the current k-th count become candidates, and every {@code interval} the candidates with the highest
 * counts become the labelled set. A key that leaves it loses its series (its past counts leave the
 * sum with it): the labels say where traffic is now, the admin API has the full per-key view.
 */
public final class TopKCounter {
    public static final String OTHER = "_other";

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final String tag;
    private final int k;
    private final long intervalMillis;
    private final LongSupplier clock;
    private final Counter other;
    private final Map<String, Counter> labelled = new ConcurrentHashMap<>();
    private final Map<String, Long> candidates = new HashMap<>();
    private volatile long threshold;
    private volatile long nextRecompute;

    public TopKCounter(MeterRegistry registry, String name, String description, String tag, int k, Duration interval,
                       LongSupplier clock) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.tag = tag;
        this.k = k;
        this.intervalMillis = interval.toMillis();
        this.clock = clock;
        this.other = counter(OTHER);
        this.nextRecompute = clock.getAsLong() + intervalMillis;
    }

    private Counter counter(String key) {
        return Counter.builder(name).description(description).tag(tag, key).register(registry);
    }

    /** Counts one event of {@code key}, whose windowed count is now {@code recentCount}. */
    public void increment(String key, long recentCount) {
        Counter counter = labelled.get(key);
        (counter == null ? other : counter).increment();
        if (recentCount > threshold || counter != null) {
            offer(key, recentCount);
        }
        if (clock.getAsLong() >= nextRecompute) {
            recompute();
        }
    }

    private synchronized void offer(String key, long recentCount) {
        candidates.merge(key, recentCount, Math::max);
        if (candidates.size() > 4 * k) {
            // keep the strongest half: bounded memory, and the threshold rises with the traffic
            List<Map.Entry<String, Long>> sorted = new ArrayList<>(candidates.entrySet());
            sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
            candidates.clear();
            for (Map.Entry<String, Long> entry : sorted.subList(0, 2 * k)) {
                candidates.put(entry.getKey(), entry.getValue());
            }
            threshold = sorted.get(2 * k - 1).getValue();
        }
    }

    private synchronized void recompute() {
        long now = clock.getAsLong();
        if (now < nextRecompute) {
            return;
        }
        nextRecompute = now + intervalMillis;
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(candidates.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        Set<String> top = new HashSet<>();
        for (Map.Entry<String, Long> entry : sorted.subList(0, Math.min(k, sorted.size()))) {
            top.add(entry.getKey());
        }
        for (String key : List.copyOf(labelled.keySet())) {
            if (!top.contains(key)) {
                registry.remove(labelled.remove(key));
            }
        }
        for (String key : top) {
            labelled.computeIfAbsent(key, this::counter);
        }
        candidates.clear();
        threshold = 0;
    }

    /** The keys that have their own series now. */
    public Set<String> labelledKeys() {
        return Set.copyOf(labelled.keySet());
    }
}
