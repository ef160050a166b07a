package org.eventscheduler.topology;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import org.eventscheduler.topology.source.SourceLimiting;
import org.eventscheduler.topology.trigger.TriggerDefaults;

/**
 * Everything {@link SchedulerTopology#build} needs, and nothing about where it runs.
 *
 * @param topics         topic names
 * @param maxEventBytes  larger ingress values are dead-lettered with reason {@code oversize}
 * @param sourceLimiting the rate window, per-source policies and the pause policy (which triggers share)
 * @param triggerDefaults what a trigger gets when its definition leaves its rate limit or breaker out
 */
public record TopologyConfig(Topics topics, int maxEventBytes, SourceLimiting sourceLimiting,
                             TriggerDefaults triggerDefaults) {
    public TopologyConfig {
        require(topics != null, "topics", "is required");
        require(maxEventBytes > 0, "max-event-bytes", "must be positive, was " + maxEventBytes);
        require(sourceLimiting != null, "sources", "is required");
        require(triggerDefaults != null, "triggers", "is required");
    }
}
