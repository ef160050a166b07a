package org.eventscheduler.admin.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns measured values into a status, with hysteresis: a value raises its level as soon as it reaches
 * a threshold, and lowers it only once it falls below {@code recoveryRatio} times the threshold that
 * raised it. Remembers the last level of each value, so one instance flips consistently; instances
 * evaluate independently, so two instances may disagree for a moment right at a threshold.
 */
public final class HealthEvaluator {
    private final HealthThresholds thresholds;
    private final Map<String, HealthStatus> last = new HashMap<>();

    public HealthEvaluator(HealthThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** The status and its reasons. */
    public record Evaluation(HealthStatus status, List<String> reasons) {
    }

    /**
     * What is measured.
     *
     * @param lagSeconds     the ingress lag
     * @param dlqPerMinute   records dead-lettered per minute over the last 5 minutes
     * @param pausedEntities paused sources and triggers
     * @param heldRecords    records held back
     * @param heldAgeSeconds how long the oldest held record has waited (0 when nothing is held)
     */
    public record Measured(double lagSeconds, double dlqPerMinute, long pausedEntities, long heldRecords,
                           double heldAgeSeconds) {
    }

    /**
     * Evaluates the measured values, plus facts that make the snapshot DEGRADED (missing answers, a
     * rebalance) or CRITICAL (no instance running).
     */
    public synchronized Evaluation evaluate(Measured measured, List<String> degradedFacts, List<String> criticalFacts) {
        List<String> reasons = new ArrayList<>();
        HealthStatus status = HealthStatus.OK;
        status = status.worst(level("ingress lag", "s", measured.lagSeconds(), thresholds.lagSeconds(), reasons));
        status = status.worst(level("dead-lettered", "/min", measured.dlqPerMinute(), thresholds.dlqPerMinute(), reasons));
        status = status.worst(level("paused entities", "", measured.pausedEntities(), thresholds.pausedEntities(), reasons));
        status = status.worst(level("held records", "", measured.heldRecords(), thresholds.heldRecords(), reasons));
        status = status.worst(level("oldest held record", "s", measured.heldAgeSeconds(), thresholds.heldAgeSeconds(),
                reasons));
        if (!degradedFacts.isEmpty()) {
            status = status.worst(HealthStatus.DEGRADED);
            reasons.addAll(degradedFacts);
        }
        if (!criticalFacts.isEmpty()) {
            status = HealthStatus.CRITICAL;
            reasons.addAll(criticalFacts);
        }
        return new Evaluation(status, reasons);
    }

    private HealthStatus level(String name, String unit, double value, HealthThresholds.Level level, List<String> reasons) {
        HealthStatus raw = value >= level.critical() ? HealthStatus.CRITICAL
                : value >= level.degraded() ? HealthStatus.DEGRADED : HealthStatus.OK;
        HealthStatus previous = last.getOrDefault(name, HealthStatus.OK);
        HealthStatus current = raw;
        if (previous.ordinal() > raw.ordinal()) {
            double raisedAt = previous == HealthStatus.CRITICAL ? level.critical() : level.degraded();
            if (value >= thresholds.recoveryRatio() * raisedAt) {
                current = previous;
                reasons.add(String.format(Locale.ROOT, "%s %.1f%s still above %.1f%s (recovers below %.0f%% of %.1f%s)",
                        name, value, unit, thresholds.recoveryRatio() * raisedAt, unit, thresholds.recoveryRatio() * 100,
                        raisedAt, unit));
            }
        }
        if (current == raw && raw != HealthStatus.OK) {
            double threshold = raw == HealthStatus.CRITICAL ? level.critical() : level.degraded();
            reasons.add(String.format(Locale.ROOT, "%s %.1f%s >= %s threshold %.1f%s", name, value, unit,
                    raw.name().toLowerCase(Locale.ROOT), threshold, unit));
        }
        last.put(name, current);
        return current;
    }
}
