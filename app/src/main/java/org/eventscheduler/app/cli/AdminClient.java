package org.eventscheduler.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.eventscheduler.admin.AdminTlsSettings;
import org.eventscheduler.admin.query.PathSegments;
import org.eventscheduler.topology.WireJson;
import org.eventscheduler.topology.config.InvalidConfigException;

/**
 * The command line's client of the admin API: JSON in, JSON out, every failure one {@link AdminCallException}.
 * A request refused with 429 (the API's rate limit of this token, refilled every second;
 * its {@code Retry-After} says 1) is sent again a second later, in all at most {@value #ATTEMPTS_OVER_RATE}
 * attempts, so that {@code triggers apply} of a long file is paced rather than cut off.
 */
final class AdminClient {
    private static final ObjectMapper JSON = WireJson.MAPPER;
    static final int ATTEMPTS_OVER_RATE = 30;
    private static final Duration WAIT_OVER_RATE = Duration.ofSeconds(1);
    private final Retry overRate = Retry.of("admin-api-over-rate", RetryConfig.<Answer>custom()
            .maxAttempts(ATTEMPTS_OVER_RATE)
            .intervalFunction(IntervalFunction.of(WAIT_OVER_RATE))
            .retryOnResult(answer -> answer.status() == 429)
            .retryOnException(e -> false)
            .build());
    private final HttpClient http;
    private final String url;
    private final String token;

    /** @param caFile a PEM file of the CAs an https URL's certificate chains to; empty: the JVM's trusted CAs */
    AdminClient(String url, String token, Optional<Path> caFile) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        caFile.ifPresent(file -> builder.sslContext(trusting(file)));
        this.http = builder.build();
    }

    private static SSLContext trusting(Path caFile) {
        if (!Files.isReadable(caFile)) {
            throw new AdminCallException("cannot read the CA file " + caFile + " (--ca-file or EVENT_SCHEDULER_CA_FILE)");
        }
        try {
            return AdminTlsSettings.trusting(caFile);
        } catch (InvalidConfigException e) {
            throw new AdminCallException("--ca-file: " + e.problem());
        }
    }

    /** A query parameter's value, percent-encoded ('&', '=', '+' and '/' too; a space as %20). */
    static String queryValue(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An id as the path segments the API reads it from, as peers write it. */
    static String encode(String id) {
        return PathSegments.encode(id);
    }

    JsonNode get(String path) {
        return call(HttpRequest.newBuilder(URI.create(url + path)).GET(), path);
    }

    JsonNode post(String path, Object body) {
        return call(HttpRequest.newBuilder(URI.create(url + path)).POST(json(body)), path);
    }

    JsonNode put(String path, Object body) {
        return call(HttpRequest.newBuilder(URI.create(url + path)).PUT(json(body)), path);
    }

    /** The status code of a GET, for commands whose exit status follows it. */
    record Answer(int status, JsonNode body) {
    }

    Answer getWithStatus(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET(), path);
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new AdminCallException("cannot write the request: " + e.getMessage());
        }
    }

    private JsonNode call(HttpRequest.Builder request, String path) {
        Answer answer = send(request, path);
        if (answer.status() >= 400) {
            throw new AdminCallException(answer.status() + ": " + answer.body().path("error").asText(answer.body().toString()));
        }
        return answer.body();
    }

    private Answer send(HttpRequest.Builder request, String path) {
        if (token == null || token.isBlank()) {
            throw new AdminCallException("no token: pass --token or set EVENT_SCHEDULER_TOKEN");
        }
        HttpRequest built = request
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .build();
        return overRate.executeSupplier(() -> sendOnce(built, path));
    }

    private Answer sendOnce(HttpRequest request, String path) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body);
        } catch (SSLException e) {
            throw new AdminCallException("no TLS connection with " + url + ": " + e.getMessage()
                    + " (--ca-file: the CA its certificate chains to)");
        } catch (ConnectException e) {
            throw new AdminCallException("cannot reach the admin API at " + url + " (is the scheduler running? --url or EVENT_SCHEDULER_URL)");
        } catch (HttpTimeoutException e) {
            throw new AdminCallException("the admin API at " + url + " did not answer " + path + " in time");
        } catch (IOException e) {
            throw new AdminCallException("calling " + url + path + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminCallException("interrupted");
        }
    }

    /** A call of the admin API failed; the message is the one line the command line prints. */
    static final class AdminCallException extends RuntimeException {
        AdminCallException(String message) {
            super(message, null, false, false);
        }
    }
}
