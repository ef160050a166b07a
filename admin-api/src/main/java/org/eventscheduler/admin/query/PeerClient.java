package org.eventscheduler.admin.query;

import com.fasterxml.jackson.databind.JavaType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.state.HostInfo;
import org.eventscheduler.topology.WireJson;

/**
 * Calls another instance's {@code /internal} endpoints (its local stores and status), with a short
 * timeout: a peer that does not answer in time is reported missing, never waited for.
 */
public final class PeerClient {
    private final HttpClient http;
    private final String scheme;
    private final String peerToken;
    private final Duration timeout;

    /** Plain HTTP. */
    public PeerClient(String peerToken, Duration timeout) {
        this(peerToken, timeout, Optional.empty());
    }

    /**
     * @param tls HTTPS with this context (the CA peers' certificates chain to and, for mutual TLS, this
     *            instance's own certificate); empty: plain HTTP
     */
    public PeerClient(String peerToken, Duration timeout, Optional<SSLContext> tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
        tls.ifPresent(builder::sslContext);
        this.http = builder.build();
        this.scheme = tls.isPresent() ? "https" : "http";
        this.peerToken = peerToken;
        this.timeout = timeout;
    }

    /** A peer's answer: the value, empty for 404, or a failure saying why. */
    public <T> CompletableFuture<Optional<T>> get(HostInfo peer, String path, Class<T> type) {
        return get(peer, path, WireJson.MAPPER.constructType(type));
    }

    public <T> CompletableFuture<Optional<T>> get(HostInfo peer, String path, JavaType type) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + peer.host() + ":" + peer.port() + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + peerToken)
                .header("Accept", "application/json")
                .GET()
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() == 404) {
                return Optional.<T>empty();
            }
            if (response.statusCode() != 200) {
                throw new PeerException(peer, "answered " + response.statusCode());
            }
            try {
                return Optional.of(WireJson.MAPPER.<T>readValue(response.body(), type));
            } catch (IOException e) {
                throw new PeerException(peer, "sent an unreadable answer: " + e.getMessage());
            }
        });
    }

    public Duration timeout() {
        return timeout;
    }

    /** A peer failed to answer a query. */
    public static final class PeerException extends RuntimeException {
        public PeerException(HostInfo peer, String problem) {
            super(peer.host() + ":" + peer.port() + " " + problem);
        }
    }
}
