package org.eventscheduler.topology.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest event timestamp this instance has processed, per ingress partition: how far behind real
 * time processing is. Published by the source limiter about once a second per task, not per event.
 */
public final class IngressProgress {
    private final Map<Integer, Long> latest = new ConcurrentHashMap<>();

    public void record(int partition, long eventTimeMillis) {
        latest.merge(partition, eventTimeMillis, Math::max);
    }

    /** Forgets a partition this instance no longer processes. */
    public void forget(int partition) {
        latest.remove(partition);
    }

    public Map<Integer, Long> latest() {
        return new TreeMap<>(latest);
    }
}
