package org.eventscheduler.topology;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import org.eventscheduler.topology.guard.GuardTiming;
import org.eventscheduler.topology.source.SourcePolicies;
import org.eventscheduler.topology.trigger.SharedTriggerPath;
import org.eventscheduler.topology.trigger.TriggerDefaults;

/**
 * Everything {@link SchedulerTopology#build} needs, and nothing about where it runs.
 *
 * @param topics         topic names
 * @param maxEventBytes  larger ingress values are dead-lettered with reason {@code oversize}
 * @param guardTiming    the rate window, the pause policy and the instance id, which sources and triggers share
 * @param sourcePolicies each source's rate limit and breaker
 * @param triggerDefaults what a trigger gets when its definition leaves its rate limit or breaker out
 * @param publishAccepted write every admitted event to {@link Topics#accepted()}; without it the topic is
 *                        not written (one write per event fewer) and triggers are matched all the same
 * @param sharedTriggers  how shared triggers' matches reach their starts: across {@code by-trigger}, or from budget
 *                        their homes grant the source tasks
 */
public record TopologyConfig(Topics topics, int maxEventBytes, GuardTiming guardTiming, SourcePolicies sourcePolicies,
                             TriggerDefaults triggerDefaults, boolean publishAccepted, SharedTriggerPath sharedTriggers) {
    public TopologyConfig {
        require(topics != null, "topics", "is required");
        require(maxEventBytes > 0, "max-event-bytes", "must be positive, was " + maxEventBytes);
        require(guardTiming != null, "rate-window", "is required");
        require(sourcePolicies != null, "sources", "is required");
        require(triggerDefaults != null, "triggers", "is required");
        require(sharedTriggers != null, "triggers.shared-path", "is required");
    }

    public TopologyConfig(Topics topics, int maxEventBytes, GuardTiming guardTiming, SourcePolicies sourcePolicies,
                          TriggerDefaults triggerDefaults, boolean publishAccepted) {
        this(topics, maxEventBytes, guardTiming, sourcePolicies, triggerDefaults, publishAccepted, SharedTriggerPath.HOP);
    }

    /** The default: admitted events are published to {@link Topics#accepted()}. */
    public TopologyConfig(Topics topics, int maxEventBytes, GuardTiming guardTiming, SourcePolicies sourcePolicies,
                          TriggerDefaults triggerDefaults) {
        this(topics, maxEventBytes, guardTiming, sourcePolicies, triggerDefaults, true);
    }

    /** The same configuration with {@code events.accepted} written or not. */
    public TopologyConfig withPublishAccepted(boolean publish) {
        return new TopologyConfig(topics, maxEventBytes, guardTiming, sourcePolicies, triggerDefaults, publish,
                sharedTriggers);
    }

    /** The same configuration with shared triggers' matches taking {@code path}. */
    public TopologyConfig withSharedTriggers(SharedTriggerPath path) {
        return new TopologyConfig(topics, maxEventBytes, guardTiming, sourcePolicies, triggerDefaults, publishAccepted,
                path);
    }
}
