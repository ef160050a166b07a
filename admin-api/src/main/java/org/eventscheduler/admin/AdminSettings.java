package org.eventscheduler.admin;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.time.Duration;
import java.util.List;
import org.eventscheduler.admin.query.HealthThresholds;
import org.eventscheduler.admin.security.AdminToken;

/**
 * The admin server's configuration ({@code admin.*}).
 *
 * @param enabled           start the admin server
 * @param host              the address to bind
 * @param port              the port (8080)
 * @param advertisedHost    the host name peers use to reach this instance ({@code application.server}); empty: this host's name
 * @param tokens            bearer tokens and their roles
 * @param peerToken         the secret instances present to each other on {@code /internal}; the same on every instance
 * @param maxBodyBytes      larger request bodies are refused with 413
 * @param requestsPerSecond the requests per second each token (by its name) may make (429 past it)
 * @param anonymousRequestsPerSecond the requests per second all callers without a valid token share
 * @param peerTimeout       how long an instance waits for another
 * @param dlqPreviewBytes   how much of a DLQ record's value {@code GET /admin/dlq} shows
 * @param dlqMaxScan        the most DLQ records one request reads
 * @param health            thresholds of {@code GET /admin/event-health}
 * @param tls               HTTPS for the server and the calls between instances ({@code admin.tls.*}); off by default
 */
public record AdminSettings(boolean enabled, String host, int port, String advertisedHost, List<AdminToken> tokens,
                            String peerToken, int maxBodyBytes, int requestsPerSecond, int anonymousRequestsPerSecond,
                            Duration peerTimeout,
                            int dlqPreviewBytes, int dlqMaxScan, HealthThresholds health, AdminTlsSettings tls) {
    public AdminSettings {
        require(host != null && !host.isBlank(), "host", "is required");
        require(port >= 0 && port <= 65535, "port", "must be a port number, was " + port);
        advertisedHost = advertisedHost == null ? "" : advertisedHost.trim();
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        require(tokens.stream().map(AdminToken::name).distinct().count() == tokens.size(), "tokens",
                "every token needs its own name");
        peerToken = peerToken == null ? "" : peerToken;
        require(peerToken.isEmpty() || peerToken.length() >= 16, "peer-token", "must be at least 16 characters");
        require(maxBodyBytes >= 1024, "max-body-bytes", "must be at least 1024");
        require(requestsPerSecond >= 1, "requests-per-second", "must be at least 1");
        require(anonymousRequestsPerSecond >= 1, "anonymous-requests-per-second", "must be at least 1");
        require(peerTimeout != null && peerTimeout.toMillis() > 0, "peer-timeout", "must be a positive duration");
        require(dlqPreviewBytes >= 16, "dlq-preview-bytes", "must be at least 16");
        require(dlqMaxScan >= 100, "dlq-max-scan", "must be at least 100");
        require(health != null, "health", "is required");
        tls = tls == null ? AdminTlsSettings.disabled() : tls;
    }

    public AdminSettings withPort(int newPort) {
        return new AdminSettings(enabled, host, newPort, advertisedHost, tokens, peerToken, maxBodyBytes,
                requestsPerSecond, anonymousRequestsPerSecond, peerTimeout, dlqPreviewBytes, dlqMaxScan, health, tls);
    }

    public AdminSettings withTokens(List<AdminToken> newTokens, String newPeerToken) {
        return new AdminSettings(enabled, host, port, advertisedHost, newTokens, newPeerToken, maxBodyBytes,
                requestsPerSecond, anonymousRequestsPerSecond, peerTimeout, dlqPreviewBytes, dlqMaxScan, health, tls);
    }

    /** Every setting but the peer token's value and the TLS key store's password (the tokens print their names, roles and hashes only). */
    @Override
    public String toString() {
        return "AdminSettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", advertisedHost=" + advertisedHost
                + ", tokens=" + tokens + ", peerToken=" + (peerToken.isEmpty() ? "(none)" : "(hidden)")
                + ", maxBodyBytes=" + maxBodyBytes + ", requestsPerSecond=" + requestsPerSecond
                + ", anonymousRequestsPerSecond=" + anonymousRequestsPerSecond + ", peerTimeout=" + peerTimeout
                + ", dlqPreviewBytes=" + dlqPreviewBytes + ", dlqMaxScan=" + dlqMaxScan + ", health=" + health
                + ", tls=" + tls + "]";
    }
}
