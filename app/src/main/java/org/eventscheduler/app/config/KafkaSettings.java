package org.eventscheduler.app.config;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the application connects to Kafka and runs Kafka Streams.
 *
 * @param bootstrapServers    the Kafka cluster
 * @param applicationId       Kafka Streams {@code application.id}: the consumer group and internal topic prefix
 * @param processingGuarantee exactly-once (default) or at-least-once
 * @param stateDir            where RocksDB state stores live
 * @param numStreamThreads    stream threads in this instance
 * @param closeTimeout        how long a shutdown waits for Kafka Streams to close
 * @param clientProperties    extra Kafka client properties (security, tuning), passed to Kafka Streams and the admin client
 * @param rocksdbMemoryBytes  off-heap memory all RocksDB state stores of this process share (block cache and
 *                            memtables), whatever the number of stores and keys
 */
public record KafkaSettings(String bootstrapServers, String applicationId, ProcessingGuarantee processingGuarantee,
                            Path stateDir, int numStreamThreads, Duration closeTimeout,
                            Map<String, String> clientProperties, long rocksdbMemoryBytes) {
    public KafkaSettings {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap-servers", "is required");
        require(applicationId != null && applicationId.matches("[a-zA-Z0-9._-]+"), "application-id",
                "must be letters, digits, '.', '_' or '-', was " + applicationId);
        require(processingGuarantee != null, "processing-guarantee", "is required");
        require(stateDir != null, "state-dir", "is required");
        require(numStreamThreads >= 1, "num-stream-threads", "must be at least 1, was " + numStreamThreads);
        require(closeTimeout != null && !closeTimeout.isNegative(), "close-timeout", "must be a duration");
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
        require(rocksdbMemoryBytes >= 8L * 1024 * 1024, "rocksdb-memory-bytes",
                "must be at least 8 MiB (8388608), was " + rocksdbMemoryBytes);
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, applicationId, processingGuarantee, stateDir, numStreamThreads,
                closeTimeout, clientProperties, rocksdbMemoryBytes);
    }

    public KafkaSettings withStateDir(Path newStateDir) {
        return new KafkaSettings(bootstrapServers, applicationId, processingGuarantee, newStateDir, numStreamThreads,
                closeTimeout, clientProperties, rocksdbMemoryBytes);
    }

    /**
     * Client properties whose value is a secret: passwords, JAAS configurations (they hold SASL
     * credentials), PEM keys and key stores given inline, OAuth client secrets.
     */
    private static final java.util.regex.Pattern SECRET_PROPERTY = java.util.regex.Pattern.compile(
            "(?i).*(password|jaas\\.config|secret|credentials|\\.key|keystore\\.certificate\\.chain|token).*");

    /** {@code clientProperties} as it may be printed: the value of every secret-bearing property hidden. */
    public Map<String, String> redactedClientProperties() {
        Map<String, String> redacted = new java.util.TreeMap<>();
        clientProperties.forEach((key, value) -> redacted.put(key, SECRET_PROPERTY.matcher(key).matches() ? "(hidden)" : value));
        return redacted;
    }

    /** Every setting; of the client properties, the secret ones without their values. */
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", applicationId=" + applicationId
                + ", processingGuarantee=" + processingGuarantee + ", stateDir=" + stateDir + ", numStreamThreads="
                + numStreamThreads + ", closeTimeout=" + closeTimeout + ", clientProperties=" + redactedClientProperties()
                + ", rocksdbMemoryBytes=" + rocksdbMemoryBytes + "]";
    }
}
