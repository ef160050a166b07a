package org.eventscheduler.app.kafka;

import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eventscheduler.app.config.SchedulerConfig;

/**
 * The Kafka clients an instance runs beside Kafka Streams, each named by its role: {@code client.id}
 * {@code <application-id>-<instance-id>-<role>}, so that broker logs, quotas, request metrics and JMX
 * tell them apart (Kafka Streams names its own clients {@code <application-id>-<instance-id>-StreamThread-N-...}
 * and {@code ...-admin}).
 */
public final class KafkaClients {
    private KafkaClients() {
    }

    /** What a client does; its code ends the client id. */
    public enum Role {
        /** Creates the missing topics at start-up. */
        PROVISIONER,
        /** Writes {@code triggers.apply-on-start} to the triggers topic at start-up. */
        TRIGGER_PUBLISHER,
        /** Writes operators' commands and trigger definitions (admin API). */
        COMMAND_WRITER,
        /** Reads the dead-letter topic (admin API). */
        DLQ_READER,
        /** Reads the application's ingress lag, for the health and the metrics alike. */
        LAG_READER,
        /** Reads the Postgres mirror's lag (admin API). */
        MIRROR_LAG_READER,
        /** Measures the DLQ partitions for the gauges. */
        METRICS,
        /** The Postgres mirror's consumer. */
        MIRROR;

        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** {@code <application-id>-<instance-id>-<role>}. */
    public static String clientId(SchedulerConfig config, Role role) {
        return config.kafka().applicationId() + "-" + config.instanceId() + "-" + role.code();
    }

    /** The configured client properties, the bootstrap servers and the role's client id. */
    public static Properties properties(SchedulerConfig config, Role role) {
        Properties props = new Properties();
        props.putAll(config.kafka().clientProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId(config, role));
        return props;
    }
}
