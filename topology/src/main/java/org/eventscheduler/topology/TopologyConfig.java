package org.eventscheduler.topology;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import org.eventscheduler.topology.source.SourceLimiting;

/**
 * Everything {@link SchedulerTopology#build} needs, and nothing about where it runs.
 *
 * @param topics         topic names
 * @param maxEventBytes  larger ingress values are dead-lettered with reason {@code oversize}
 * @param sourceLimiting per-source rate limits and the pause policy
 */
public record TopologyConfig(Topics topics, int maxEventBytes, SourceLimiting sourceLimiting) {
    public TopologyConfig {
        require(topics != null, "topics", "is required");
        require(maxEventBytes > 0, "max-event-bytes", "must be positive, was " + maxEventBytes);
        require(sourceLimiting != null, "source-limits", "is required");
    }
}
