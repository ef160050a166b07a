package org.eventscheduler.app.config;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.util.Map;
import java.util.Set;

/**
 * How the application creates its topics when they are missing.
 *
 * @param createMissing     create missing topics at start-up (otherwise a missing topic stops start-up)
 * @param partitions        partitions of each created topic
 * @param replicationFactor replicas of each created topic
 * @param configs           topic configs per topic key (ingress, accepted, throttled, dlq, paused, triggers,
 *                          control, workflow-starts, start-results, trigger-grants)
 */
public record TopicProvisioning(boolean createMissing, int partitions, short replicationFactor,
                                Map<String, Map<String, String>> configs) {
    private static final Set<String> TOPIC_KEYS = Set.of("ingress", "accepted", "throttled", "dlq", "paused",
            "triggers", "control", "workflow-starts", "start-results", "trigger-grants");

    public TopicProvisioning {
        require(partitions >= 1, "partitions", "must be at least 1, was " + partitions);
        require(replicationFactor >= 1, "replication-factor", "must be at least 1, was " + replicationFactor);
        configs = configs == null ? Map.of() : Map.copyOf(configs);
        for (String key : configs.keySet()) {
            require(TOPIC_KEYS.contains(key), "configs." + key, "is not a topic key; use one of " + TOPIC_KEYS);
        }
    }

    /** The configs of the topic with configuration key {@code topicKey}. */
    public Map<String, String> configsOf(String topicKey) {
        Map<String, String> topicConfigs = configs.get(topicKey);
        return topicConfigs == null ? Map.of() : topicConfigs;
    }
}
