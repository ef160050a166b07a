package org.eventscheduler.app.config;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import org.eventscheduler.admin.AdminSettings;
import org.eventscheduler.mirror.MirrorSettings;
import org.eventscheduler.topology.Topics;
import org.eventscheduler.topology.TopologyConfig;
import org.eventscheduler.topology.guard.GuardTiming;
import org.eventscheduler.topology.guard.PausePolicy;
import org.eventscheduler.topology.guard.RateWindow;
import org.eventscheduler.topology.source.SourcePolicies;

/**
 * The whole configuration, loaded once at start-up by {@link ConfigLoader} and valid by construction.
 * Every key and its default is listed in {@code docs/configuration.md}.
 */
public record SchedulerConfig(String instanceId, KafkaSettings kafka, Topics topics,
                              TopicProvisioning topicProvisioning, IngressSettings ingress, RateWindow rateWindow,
                              SourcePolicies sources, TriggerSettings triggers, PausePolicy pausePolicy,
                              AdminSettings admin, MirrorSettings mirror, MetricsSettings metrics,
                              DemoSettings demo) {
    public SchedulerConfig {
        require(instanceId != null && !instanceId.isBlank(), "instance-id", "is required");
        require(kafka != null, "kafka", "is required");
        require(topics != null, "topics", "is required");
        require(topicProvisioning != null, "topic-provisioning", "is required");
        require(ingress != null, "ingress", "is required");
        require(rateWindow != null, "rate-window", "is required");
        require(sources != null, "sources", "is required");
        require(triggers != null, "triggers", "is required");
        require(pausePolicy != null, "pause-policy", "is required");
        require(admin != null, "admin", "is required");
        require(mirror != null, "mirror", "is required");
        require(metrics != null, "metrics", "is required");
        require(demo != null, "demo", "is required");
    }

    /** What the topology is built from. */
    public TopologyConfig topology() {
        return new TopologyConfig(topics, ingress.maxEventBytes(),
                new GuardTiming(rateWindow, pausePolicy, instanceId), sources, triggers.defaults(),
                ingress.publishAccepted(), triggers.sharedPath());
    }

    public SchedulerConfig withKafka(KafkaSettings newKafka) {
        return new SchedulerConfig(instanceId, newKafka, topics, topicProvisioning, ingress, rateWindow, sources,
                triggers, pausePolicy, admin, mirror, metrics, demo);
    }

    public SchedulerConfig withAdmin(AdminSettings newAdmin) {
        return new SchedulerConfig(instanceId, kafka, topics, topicProvisioning, ingress, rateWindow, sources,
                triggers, pausePolicy, newAdmin, mirror, metrics, demo);
    }

    public SchedulerConfig withMirror(MirrorSettings newMirror) {
        return new SchedulerConfig(instanceId, kafka, topics, topicProvisioning, ingress, rateWindow, sources,
                triggers, pausePolicy, admin, newMirror, metrics, demo);
    }

    /**
     * Metrics settings.
     *
     * @param topK            sources and triggers that keep their own series (the rest count as {@code _other})
     * @param refreshInterval how often the lag, DLQ and pause gauges are refreshed
     */
    public record MetricsSettings(int topK, java.time.Duration refreshInterval) {
        public MetricsSettings {
            require(topK >= 1 && topK <= 1000, "top-k", "must be between 1 and 1000, was " + topK);
            require(refreshInterval != null && refreshInterval.toMillis() >= 100, "refresh-interval",
                    "must be at least 100ms");
        }
    }

    /**
     * The ingress settings.
     *
     * @param maxEventBytes    larger values are dead-lettered with reason {@code oversize}
     * @param publishAccepted  write every admitted event to {@code topics.accepted}; off when nothing reads it
     */
    public record IngressSettings(int maxEventBytes, boolean publishAccepted) {
        public IngressSettings {
            require(maxEventBytes > 0, "max-event-bytes", "must be positive, was " + maxEventBytes);
        }
    }
}
