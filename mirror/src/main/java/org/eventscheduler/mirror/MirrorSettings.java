package org.eventscheduler.mirror;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.time.Duration;

/**
 * The mirror's configuration ({@code mirror.*}).
 *
 * @param jdbcUrl         the PostgreSQL database, {@code jdbc:postgresql://host:5432/db}; empty: no mirror
 * @param username        the database user
 * @param password        its password (never logged)
 * @param inProcess       run the mirror inside the application; false when it runs alone ({@code ./scheduler mirror})
 * @param groupId         the mirror's consumer group; empty: the application id followed by {@code -mirror}
 * @param poolSize        connections in the pool
 * @param connectTimeout  how long a connection attempt may take before it counts as a failure
 * @param batchSize       records written per database transaction, at most
 * @param dlqSummaries    mirror a summary of every DLQ record
 * @param dlqPayloadBytes how much of a DLQ record's value to keep with its summary (0: none)
 * @param retry           retries of one batch before it counts as a failure of the database
 * @param breaker         the circuit breaker around the database
 */
public record MirrorSettings(String jdbcUrl, String username, Secret password, boolean inProcess, String groupId,
                             int poolSize, Duration connectTimeout, int batchSize, boolean dlqSummaries,
                             int dlqPayloadBytes, RetrySettings retry, BreakerSettings breaker) {
    public MirrorSettings {
        jdbcUrl = jdbcUrl == null ? "" : jdbcUrl.trim();
        require(jdbcUrl.isEmpty() || jdbcUrl.startsWith("jdbc:postgresql:"), "jdbc-url",
                "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/database), was " + redacted(jdbcUrl));
        username = username == null ? "" : username;
        password = password == null ? new Secret("") : password;
        groupId = groupId == null ? "" : groupId.trim();
        require(poolSize >= 1 && poolSize <= 64, "pool-size", "must be between 1 and 64, was " + poolSize);
        require(connectTimeout != null && connectTimeout.toMillis() >= 250, "connect-timeout", "must be at least 250ms");
        require(batchSize >= 1 && batchSize <= 10_000, "batch-size", "must be between 1 and 10000, was " + batchSize);
        require(dlqPayloadBytes >= 0, "dlq-payload-bytes", "must not be negative, was " + dlqPayloadBytes);
        require(retry != null, "retry", "is required");
        require(breaker != null, "breaker", "is required");
    }

    /** Whether a database is configured. */
    public boolean enabled() {
        return !jdbcUrl.isEmpty();
    }

    /** The consumer group, defaulted from the application id. */
    public String groupIdFor(String applicationId) {
        return groupId.isEmpty() ? applicationId + "-mirror" : groupId;
    }

    /**
     * The URL for log lines and errors: its query parameters that carry a secret ({@code password},
     * {@code sslpassword}, any {@code *key*} or {@code *secret*}) without their values; {@code sslmode}
     * and the others as they are.
     */
    public String redactedUrl() {
        return redacted(jdbcUrl);
    }

    private static String redacted(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return url;
        }
        StringBuilder redacted = new StringBuilder(url.substring(0, query + 1));
        String separator = "";
        for (String parameter : url.substring(query + 1).split("&")) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            redacted.append(separator).append(SECRET_PARAMETER.matcher(name).matches() ? name + "=(hidden)" : parameter);
            separator = "&";
        }
        return redacted.toString();
    }

    private static final java.util.regex.Pattern SECRET_PARAMETER =
            java.util.regex.Pattern.compile("(?i).*(password|secret|key).*");

    /** Every setting; the URL redacted as {@link #redactedUrl()}, the password hidden. */
    @Override
    public String toString() {
        return "MirrorSettings[jdbcUrl=" + redactedUrl() + ", username=" + username + ", password=" + password
                + ", inProcess=" + inProcess + ", groupId=" + groupId + ", poolSize=" + poolSize + ", connectTimeout="
                + connectTimeout + ", batchSize=" + batchSize + ", dlqSummaries=" + dlqSummaries + ", dlqPayloadBytes="
                + dlqPayloadBytes + ", retry=" + retry + ", breaker=" + breaker + "]";
    }

    public MirrorSettings withDatabase(String newJdbcUrl, String newUsername, Secret newPassword) {
        return new MirrorSettings(newJdbcUrl, newUsername, newPassword, inProcess, groupId, poolSize, connectTimeout,
                batchSize, dlqSummaries, dlqPayloadBytes, retry, breaker);
    }

    /**
     * Retries of one batch (resilience4j Retry): exponential backoff from {@code initialBackoff},
     * times {@code multiplier} per attempt, at most {@code maxBackoff}.
     */
    public record RetrySettings(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {
        public RetrySettings {
            require(maxAttempts >= 1 && maxAttempts <= 20, "retry.max-attempts", "must be between 1 and 20");
            require(initialBackoff != null && initialBackoff.toMillis() >= 10, "retry.initial-backoff",
                    "must be at least 10ms");
            require(multiplier >= 1.0, "retry.multiplier", "must be at least 1.0");
            require(maxBackoff != null && maxBackoff.compareTo(initialBackoff) >= 0, "retry.max-backoff",
                    "must be at least retry.initial-backoff");
        }
    }

    /**
     * The circuit breaker around the database (resilience4j): over the last {@code slidingWindowSize}
     * batches, once {@code minimumNumberOfCalls} were tried, a failure rate at or above
     * {@code failureRateThreshold} opens it; the mirror then stops consuming for {@code waitInOpenState}
     * and tries one batch again.
     */
    public record BreakerSettings(float failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
                                  Duration waitInOpenState) {
        public BreakerSettings {
            require(failureRateThreshold > 0 && failureRateThreshold <= 100, "breaker.failure-rate-threshold",
                    "must be a percentage above 0");
            require(slidingWindowSize >= 1, "breaker.sliding-window-size", "must be at least 1");
            require(minimumNumberOfCalls >= 1, "breaker.minimum-number-of-calls", "must be at least 1");
            require(waitInOpenState != null && waitInOpenState.toMillis() >= 10, "breaker.wait-in-open-state",
                    "must be at least 10ms");
        }
    }
}
