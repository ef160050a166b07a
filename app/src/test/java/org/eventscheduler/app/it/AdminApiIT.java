package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.media.MediaContext;
import io.helidon.http.media.jackson.JacksonSupport;
import io.helidon.webclient.api.ClientRequestBase;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.eventscheduler.admin.AdminServer;
import org.eventscheduler.admin.AdminSettings;
import org.eventscheduler.admin.http.AdminApi;
import org.eventscheduler.admin.http.AdminRouting;
import org.eventscheduler.admin.query.EntityPolicies;
import org.eventscheduler.admin.query.EntityQuery;
import org.eventscheduler.admin.query.HealthQuery;
import org.eventscheduler.admin.query.HealthSnapshot;
import org.eventscheduler.admin.query.HealthStatus;
import org.eventscheduler.admin.query.HealthThresholds;
import org.eventscheduler.admin.query.IngressLagReader;
import org.eventscheduler.admin.query.LocalStatus;
import org.eventscheduler.admin.query.LocalStatusReader;
import org.eventscheduler.admin.query.MirrorReport;
import org.eventscheduler.admin.query.PausedEntity;
import org.eventscheduler.admin.query.PeerClient;
import org.eventscheduler.admin.query.StreamsAccess;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.app.kafka.SchedulerRunner;
import org.eventscheduler.app.ops.OpsAssets;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.WireJson;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint, status code and role of the admin API, against one running instance on the embedded
 * broker: the same assertions run in memory through the routing ({@link DirectClient}) and over a real
 * socket.
 */
class AdminApiIT {
    static final String OPERATOR = "operator-token-0123456789";
    static final String VIEWER = "viewer-token-0123456789";
    static final String PEER = "peer-token-0123456789abc";
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    static EmbeddedKafkaBroker broker;
    static SchedulerInstance instance;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(0);
        dir = Files.createTempDirectory("admin-it-");
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, """
                - id: t-orders
                  source: orders
                  type: order.created
                  workflow: fulfil
                """);
        instance = SchedulerInstance.start(config(broker, "admin-it-" + UUID.randomUUID().toString().substring(0, 8),
                dir.resolve("state"), triggers, Map.of()), false);
        assertThat(instance.runner().awaitRunning(TIMEOUT)).isTrue();
        SchedulerConfig config = instance.config();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < 3000; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), bytes("storm"), event("s-" + i, "storm", "page.viewed")));
            }
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), bytes("orders"), event("o-" + i, "orders", "order.created")));
            }
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), bytes("legacy"),
                        bytes("{\"specversion\":\"1.0\",\"id\":\"bad-" + i + "\",\"source\":\"legacy\"}")));
            }
            producer.send(new ProducerRecord<>(config.topics().ingress(), bytes("junk"), new byte[] {(byte) 0xFF, 0x00}));
        }
        KafkaTestClients.awaitRecord(broker.bootstrapServers(), config.topics().paused(),
                r -> new String(r.key(), StandardCharsets.UTF_8).equals("source:storm"), TIMEOUT);
        KafkaTestClients.readCommitted(broker.bootstrapServers(), config.topics().dlq(), 4, TIMEOUT, Duration.ZERO);
    }

    @AfterAll
    static void stop() {
        instance.close();
        broker.close();
    }

    static SchedulerConfig config(EmbeddedKafkaBroker broker, String applicationId, Path stateDir, Path triggers,
                                  Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_KAFKA__BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SCHEDULER_KAFKA__APPLICATION_ID", applicationId);
        env.put("SCHEDULER_KAFKA__STATE_DIR", stateDir.toString());
        env.put("SCHEDULER_KAFKA__CLOSE_TIMEOUT", "20s");
        env.put("SCHEDULER_INSTANCE_ID", applicationId + "-" + stateDir.getFileName());
        env.put("SCHEDULER_ADMIN__PORT", "0");
        env.put("SCHEDULER_ADMIN__ADVERTISED_HOST", "localhost");
        env.put("SCHEDULER_ADMIN__PEER_TOKEN", PEER);
        env.put("SCHEDULER_ADMIN__TOKENS", "[{\"name\":\"alice\",\"role\":\"operator\",\"token\":\"" + OPERATOR + "\"},"
                + "{\"name\":\"grafana\",\"role\":\"viewer\",\"token\":\"" + VIEWER + "\"}]");
        env.put("SCHEDULER_TRIGGERS__APPLY_ON_START", triggers.toString());
        String suffix = applicationId.substring(applicationId.lastIndexOf('-') + 1);
        for (String topic : List.of("ingress", "accepted", "throttled", "dlq", "paused", "triggers", "control",
                "workflow-starts", "start-results", "trigger-grants")) {
            env.put("SCHEDULER_TOPICS__" + topic.toUpperCase().replace('-', '_'), topic + "-" + suffix);
        }
        env.putAll(extra);
        return ConfigLoader.load(Optional.empty(), env);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] event(String id, String source, String type) {
        return bytes("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"type\":\"" + type
                + "\",\"data\":{\"n\":1}}");
    }

    /** A client over the in-memory routing of {@code api}. */
    static Http1Client inMemory(AdminApi api) {
        HttpRouting.Builder routing = HttpRouting.builder();
        AdminRouting.routing(routing, api);
        return new DirectClient(routing);
    }

    /** An answer: status, body as text and as JSON (when it is JSON). */
    record Reply(int status, String text) {
        JsonNode json() {
            try {
                return WireJson.MAPPER.readTree(text);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }
    }

    /** A request for {@code pathAndQuery}: the web client takes the query as parameters, not in the path. */
    static Http1ClientRequest request(Http1Client client, io.helidon.http.Method method, String pathAndQuery) {
        int question = pathAndQuery.indexOf('?');
        Http1ClientRequest request = client.method(method)
                .path(question < 0 ? pathAndQuery : pathAndQuery.substring(0, question));
        if (question >= 0) {
            for (String pair : pathAndQuery.substring(question + 1).split("&")) {
                int equals = pair.indexOf('=');
                request.queryParam(pair.substring(0, equals), java.net.URLDecoder.decode(pair.substring(equals + 1),
                        StandardCharsets.UTF_8));
            }
        }
        return request;
    }

    static Reply send(Http1ClientRequest request, String token, String body) {
        if (token != null) {
            request.header(HeaderValues.create(HeaderNames.AUTHORIZATION, "Bearer " + token));
        }
        request.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json"));
        try (Http1ClientResponse response = body == null ? request.request() : request.submit(body)) {
            return new Reply(response.status().code(), response.as(String.class));
        }
    }

    abstract static class Contract {
        abstract Http1Client client();

        Reply get(String path, String token) {
            return send(request(client(), io.helidon.http.Method.GET, path), token, null);
        }

        Reply post(String path, String token, String body) {
            return send(client().post(path), token, body);
        }

        Reply put(String path, String token, String body) {
            return send(client().put(path), token, body);
        }

        Reply delete(String path, String token) {
            return send(client().delete(path), token, null);
        }

        @Test
        void healthAnswersForTheWholeClusterToAnyRole() {
            Reply reply = get("/admin/event-health", VIEWER);
            assertThat(reply.status()).isEqualTo(200);
            JsonNode health = reply.json();
            assertThat(health.path("status").asText()).isIn("OK", "DEGRADED");
            assertThat(health.path("paused").path("entities").findValuesAsText("id")).contains("storm");
            assertThat(health.path("paused").path("sources").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(health.path("deadLettered").path("lastHour").path("undecodable").asLong()).isEqualTo(1);
            assertThat(health.path("deadLettered").path("lastHour").path("missing-attribute").asLong()).isEqualTo(3);
            assertThat(health.path("throttled").path("lastHour").path("source-paused").asLong()).isPositive();
            assertThat(health.path("ingress").path("partitions")).hasSize(4);
            assertThat(health.path("ingress").has("lagRecords")).isTrue();
            assertThat(health.path("instances")).hasSize(1);
            assertThat(health.path("instances").get(0).path("answered").asBoolean()).isTrue();
            assertThat(health.path("instances").get(0).path("state").asText()).isEqualTo("RUNNING");
            assertThat(health.path("thresholds").path("lagSeconds").path("critical").asDouble()).isEqualTo(300);
            assertThat(health.path("complete").asBoolean()).isTrue();
            assertThat(health.has("generatedAt")).isTrue();
            assertThat(get("/admin/event-health", OPERATOR).status()).isEqualTo(200);
        }

        @Test
        void everyAdminRouteNeedsAValidToken() {
            Reply none = get("/admin/event-health", null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().path("error").asText()).contains("bearer token is required");
            assertThat(get("/admin/paused", "not-a-token-at-all").status()).isEqualTo(401);
            assertThat(get("/admin/triggers", PEER).status()).as("the peer token is not an admin token").isEqualTo(401);
            assertThat(get("/internal/status", OPERATOR).status()).as("internal needs the peer token").isEqualTo(401);
            assertThat(get("/internal/status", PEER).status()).isEqualTo(200);
        }

        @Test
        void viewersReadButDoNotAct() {
            Reply forbidden = post("/admin/sources/orders/pause", VIEWER, "{\"reason\":\"x\"}");
            assertThat(forbidden.status()).isEqualTo(403);
            assertThat(forbidden.json().path("error").asText()).contains("operator role");
            assertThat(put("/admin/triggers/t-x", VIEWER, "{\"type\":\"t\",\"workflow\":\"w\"}").status()).isEqualTo(403);
            assertThat(delete("/admin/triggers/t-orders", VIEWER).status()).isEqualTo(403);
            assertThat(post("/admin/triggers/t-orders/resume", VIEWER, "{}").status()).isEqualTo(403);
        }

        @Test
        void pausedListsTheClustersPausedEntities() {
            Reply reply = get("/admin/paused?limit=10", VIEWER);
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            JsonNode storm = reply.json().path("entities").get(0);
            assertThat(storm.path("entityType").asText()).isEqualTo("source");
            assertThat(storm.path("id").asText()).isEqualTo("storm");
            assertThat(storm.path("causes").get(0).asText()).isEqualTo("rate");
            assertThat(storm.path("actor").asText()).isEqualTo("scheduler");
            assertThat(storm.has("since")).isTrue();
            assertThat(get("/admin/paused?limit=0", VIEWER).status()).isEqualTo(400);
        }

        @Test
        void aSourceIsServedByItsOwnerWithItsRateAndBreaker() {
            Reply storm = get("/admin/sources/storm", VIEWER);
            assertThat(storm.status()).isEqualTo(200);
            JsonNode state = storm.json().path("state");
            assertThat(state.path("state").asText()).isEqualTo("PAUSED");
            assertThat(state.path("limit").asLong()).isEqualTo(1000);
            assertThat(state.path("rate").asLong()).isPositive();
            assertThat(state.path("breaker").asText()).isEqualTo("CLOSED");
            assertThat(storm.json().path("servedBy").asText()).isEqualTo("localhost:" + instance.adminPort());

            Reply legacy = get("/admin/sources/legacy", VIEWER);
            assertThat(legacy.json().path("state").path("breakerFailures").asInt()).isEqualTo(3);
            assertThat(get("/admin/sources/never-seen", VIEWER).status()).isEqualTo(404);
            assertThat(get("/admin/sources/" + "x".repeat(600), VIEWER).status()).isEqualTo(400);
            assertThat(get("/admin/sources/https://example.com/with/slashes", VIEWER).status())
                    .as("source ids are URI references").isEqualTo(404);
        }

        @Test
        void operatorsPauseAndResumeWithAReason() {
            Reply pause = post("/admin/sources/orders/pause", OPERATOR,
                    "{\"reason\":\"INC-1: investigating\",\"until\":\"2099-01-01T00:00:00Z\"}");
            assertThat(pause.status()).isEqualTo(202);
            assertThat(pause.json().path("command").path("actor").asText()).isEqualTo("alice");
            assertThat(pause.json().path("command").path("reason").asText()).isEqualTo("INC-1: investigating");
            assertThat(pause.json().path("command").path("entityId").asText()).isEqualTo("orders");
            assertThat(post("/admin/sources/orders/resume", OPERATOR, "{\"reason\":\"done\"}").status()).isEqualTo(202);
            assertThat(post("/admin/triggers/t-orders/pause", OPERATOR, "{\"reason\":\"maintenance\"}").status()).isEqualTo(202);
            assertThat(post("/admin/triggers/t-orders/resume", OPERATOR, "{}").status()).isEqualTo(202);
        }

        @Test
        void heldWorkIsReadPerEntityInTheOrderItGoesOnAndAcrossTheCluster() {
            Reply held = get("/admin/sources/storm/held?limit=3", VIEWER);
            assertThat(held.status()).as(held.text()).isEqualTo(200);
            JsonNode queue = held.json();
            assertThat(queue.path("state").asText()).isEqualTo("PAUSED");
            long records = queue.path("records").asLong();
            assertThat(records).as("3,000 events, the first 1,000 admitted").isBetween(1_900L, 2_000L);
            assertThat(queue.path("kept").asLong()).isZero();
            assertThat(queue.path("first")).hasSize(3);
            List<Integer> numbers = new ArrayList<>();
            queue.path("first").forEach(record -> {
                assertThat(record.path("reason").asText()).as("held over the limit, then while paused")
                        .isIn("rate-limited", "source-paused");
                assertThat(record.path("key").asText()).isEqualTo("storm");
                assertThat(record.path("correlationId").asText()).isNotBlank();
                String value = record.path("valuePreview").asText();
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":\"s-(\\d+)\"").matcher(value);
                assertThat(id.find()).as(value).isTrue();
                numbers.add(Integer.parseInt(id.group(1)));
            });
            assertThat(numbers).as("oldest first").isSorted().doesNotHaveDuplicates();
            assertThat(numbers.getFirst()).isGreaterThanOrEqualTo(1_000);
            assertThat(queue.path("oldestAgeSeconds").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(queue.path("servedBy").asText()).isEqualTo("localhost:" + instance.adminPort());

            Reply cluster = get("/admin/held?limit=5", VIEWER);
            assertThat(cluster.status()).as(cluster.text()).isEqualTo(200);
            assertThat(cluster.json().path("list").findValuesAsText("id")).contains("storm");
            assertThat(cluster.json().path("records").asLong()).isGreaterThanOrEqualTo(records);
            assertThat(cluster.json().path("complete").asBoolean()).isTrue();
            JsonNode health = get("/admin/event-health", VIEWER).json();
            assertThat(health.path("held").path("records").asLong()).isGreaterThanOrEqualTo(records);
            assertThat(health.path("held").path("longestWaiting").findValuesAsText("id")).contains("storm");
            assertThat(health.path("thresholds").path("heldAgeSeconds").path("critical").asDouble()).isEqualTo(2700);

            assertThat(get("/admin/triggers/t-orders/held", VIEWER).json().path("records").asLong())
                    .as("five orders, all started").isZero();
            assertThat(get("/admin/sources/never-seen/held", VIEWER).status()).isEqualTo(404);
            assertThat(get("/admin/sources/storm/held?limit=5000", VIEWER).status()).isEqualTo(400);
            assertThat(get("/admin/held", null).status()).isEqualTo(401);
        }

        @Test
        void operatorsReleaseAtARateTheyChoose() {
            Reply paced = post("/admin/sources/orders/release", OPERATOR, "{\"reason\":\"slowly\",\"rate\":50}");
            assertThat(paced.status()).as(paced.text()).isEqualTo(202);
            assertThat(paced.json().path("command").path("rate").asInt()).isEqualTo(50);
            assertThat(post("/admin/sources/orders/release", OPERATOR, "{\"rate\":0}").json().path("error").asText())
                    .contains("rate must be a whole number of records a second from 1 to 100000");
            assertThat(post("/admin/sources/orders/release", OPERATOR, "{\"rate\":\"fast\"}").status()).isEqualTo(400);
            assertThat(post("/admin/sources/orders/release", OPERATOR, "{\"rate\":2.5}").status()).isEqualTo(400);
            assertThat(post("/admin/sources/orders/pause", OPERATOR, "{\"reason\":\"x\",\"rate\":5}").json()
                    .path("error").asText()).isEqualTo("rate applies to release only");
        }

        @Test
        void operatorsReleaseWithOrWithoutAReasonAndDiscardOnlyWithOne() {
            Reply release = post("/admin/sources/orders/release", OPERATOR, "{}");
            assertThat(release.status()).isEqualTo(202);
            assertThat(release.json().path("command").path("action").asText()).isEqualTo("release");
            assertThat(post("/admin/triggers/t-orders/release", OPERATOR, "{\"reason\":\"backlog ok\"}").status())
                    .isEqualTo(202);
            Reply discard = post("/admin/triggers/t-orders/discard", OPERATOR, "{\"reason\":\"stale\"}");
            assertThat(discard.status()).isEqualTo(202);
            assertThat(discard.json().path("command").path("action").asText()).isEqualTo("discard");
            assertThat(discard.json().path("command").path("actor").asText()).isEqualTo("alice");
            assertThat(post("/admin/sources/orders/discard", OPERATOR, "{}").json().path("error").asText())
                    .contains("reason is required");
            assertThat(post("/admin/sources/orders/release", OPERATOR, "{\"until\":\"2099-01-01T00:00:00Z\"}").status())
                    .isEqualTo(400);
            assertThat(post("/admin/sources/orders/discard", VIEWER, "{\"reason\":\"x\"}").status()).isEqualTo(403);
        }

        @Test
        void badCommandsAreRefusedNamingTheProblem() {
            assertThat(post("/admin/sources/orders/pause", OPERATOR, "{}").json().path("error").asText())
                    .contains("reason is required");
            assertThat(post("/admin/sources/orders/pause", OPERATOR, "{not json").status()).isEqualTo(400);
            assertThat(post("/admin/sources/orders/pause", OPERATOR, "[1,2]").status()).isEqualTo(400);
            Reply past = post("/admin/sources/orders/pause", OPERATOR, "{\"reason\":\"x\",\"until\":\"2001-01-01T00:00:00Z\"}");
            assertThat(past.status()).isEqualTo(400);
            assertThat(past.json().path("error").asText()).contains("until must be in the future");
            assertThat(post("/admin/sources/orders/pause", OPERATOR, "{\"reason\":\"x\",\"until\":\"tomorrow\"}").status())
                    .isEqualTo(400);
            assertThat(post("/admin/sources/orders/pause", OPERATOR, "{\"reason\":\"x\",\"force\":true}").json()
                    .path("error").asText()).contains("unknown field force");
            // "orders/explode" is a source id one may GET, not POST to
            Reply explode = post("/admin/sources/orders/explode", OPERATOR, "{}");
            assertThat(explode.status()).isEqualTo(405);
            assertThat(explode.json().path("error").asText()).contains("allowed: GET");
            Reply huge = post("/admin/sources/orders/pause", OPERATOR, "{\"reason\":\"" + "x".repeat(70_000) + "\"}");
            assertThat(huge.status()).isEqualTo(413);
            assertThat(huge.json().path("status").asInt()).isEqualTo(413);
            assertThat(post("/admin/triggers/bad%20id/pause", OPERATOR, "{\"reason\":\"x\"}").status()).isEqualTo(400);
        }

        @Test
        void triggersAreListedShownDefinedAndDeleted() {
            Reply list = get("/admin/triggers", VIEWER);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().findValuesAsText("id")).contains("t-orders");
            Reply one = get("/admin/triggers/t-orders", VIEWER);
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.json().path("status").asText()).isEqualTo("valid");
            assertThat(one.json().path("definition").path("workflow").asText()).isEqualTo("fulfil");
            assertThat(get("/admin/triggers/nope", VIEWER).status()).isEqualTo(404);
            Reply undefined = post("/admin/triggers/nope/pause", OPERATOR, "{\"reason\":\"x\"}");
            assertThat(undefined.status()).isEqualTo(404);
            assertThat(undefined.json().path("error").asText()).isEqualTo("trigger nope is not defined");
            assertThat(post("/admin/triggers/nope/resume", OPERATOR, "{}").status())
                    .as("a trigger deleted while paused can still be resumed").isEqualTo(202);

            Reply defined = put("/admin/triggers/t-put", OPERATOR,
                    "{\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\",\"rate-limit\":{\"max-events\":5,\"action\":\"throttle\"}}");
            assertThat(defined.status()).isEqualTo(200);
            assertThat(defined.json().path("id").asText()).isEqualTo("t-put");
            // audited on the record itself: who, when, and the request's correlation id
            var written = KafkaTestClients.awaitRecord(broker.bootstrapServers(), instance.config().topics().triggers(),
                    r -> new String(r.key(), StandardCharsets.UTF_8).equals("t-put"), TIMEOUT);
            assertThat(KafkaTestClients.header(written, SchedulerHeaders.ACTOR)).isEqualTo("alice");
            assertThat(java.time.Instant.parse(KafkaTestClients.header(written, SchedulerHeaders.REQUESTED_AT)))
                    .isBeforeOrEqualTo(java.time.Instant.now());
            assertThat(KafkaTestClients.header(written, SchedulerHeaders.CORRELATION_ID)).isNotBlank();
            Reply invalid = put("/admin/triggers/t-bad", OPERATOR, "{\"type\":\"t\",\"workflow\":\"w\",\"rate-limit\":{\"max-events\":-1,\"action\":\"pause\"}}");
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.json().path("error").asText()).isEqualTo(
                    "trigger t-bad: rate-limit.max-events: must be a positive number of events, was -1");
            assertThat(put("/admin/triggers/t-a", OPERATOR, "{\"id\":\"t-b\",\"type\":\"t\",\"workflow\":\"w\"}").json()
                    .path("error").asText()).contains("must equal the id in the path");
            assertThat(put("/admin/triggers/t-c", OPERATOR, "{\"type\":\"t\",\"workflow\":\"w\",\"colour\":\"red\"}").json()
                    .path("error").asText()).startsWith("trigger t-c: colour: unknown key");

            // the definition reaches the global store, then it can be deleted
            String id = "t-del-" + UUID.randomUUID().toString().substring(0, 6);
            assertThat(put("/admin/triggers/" + id, OPERATOR, "{\"type\":\"t\",\"workflow\":\"w\"}").status()).isEqualTo(200);
            awaitStatus("/admin/triggers/" + id, 200);
            assertThat(delete("/admin/triggers/" + id, OPERATOR).status()).isEqualTo(202);
            var tombstone = KafkaTestClients.awaitRecord(broker.bootstrapServers(), instance.config().topics().triggers(),
                    r -> new String(r.key(), StandardCharsets.UTF_8).equals(id) && r.value() == null, TIMEOUT);
            assertThat(KafkaTestClients.header(tombstone, SchedulerHeaders.ACTOR)).isEqualTo("alice");
            awaitStatus("/admin/triggers/" + id, 404);
            assertThat(delete("/admin/triggers/" + id, OPERATOR).status()).isEqualTo(404);
        }

        void awaitStatus(String path, int status) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (get(path, VIEWER).status() == status) {
                    return;
                }
            }
            throw new AssertionError(path + " did not answer " + status + " within " + TIMEOUT);
        }

        @Test
        void theDlqIsReadNewestFirstWithFilters() {
            Reply all = get("/admin/dlq?limit=10", VIEWER);
            assertThat(all.status()).as(all.text()).isEqualTo(200);
            JsonNode records = all.json().path("records");
            assertThat(records).hasSize(4);
            assertThat(records.get(0).path("timestamp").asText()).isGreaterThanOrEqualTo(records.get(3).path("timestamp").asText());
            JsonNode legacy = get("/admin/dlq?reason=missing-attribute&source=legacy", VIEWER).json().path("records");
            assertThat(legacy).hasSize(3);
            assertThat(legacy.get(0).path("origin").asText()).startsWith(instance.config().topics().ingress() + "-");
            assertThat(legacy.get(0).path("valuePreview").asText()).contains("\"source\":\"legacy\"");
            assertThat(legacy.get(0).path("headers").has("__streams.errors.stacktrace")).isFalse();
            assertThat(get("/admin/dlq?reason=oversize", VIEWER).json().path("records")).isEmpty();
            assertThat(get("/admin/dlq?since=2099-01-01T00:00:00Z", VIEWER).json().path("records")).isEmpty();
            assertThat(get("/admin/dlq?limit=abc", VIEWER).status()).isEqualTo(400);
            assertThat(get("/admin/dlq?limit=0", VIEWER).status()).isEqualTo(400);
            assertThat(get("/admin/dlq?since=yesterday", VIEWER).json().path("error").asText()).contains("ISO-8601");
        }

        @Test
        void metricsAndProbesAreOpen() {
            Reply metrics = get("/metrics", null);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.text()).contains("scheduler_ingress_events_total{outcome=\"accepted\"}");
            assertThat(get("/admin/unknown/route", VIEWER).json().path("status").asInt()).isEqualTo(404);
        }
    }

    @Nested
    class InMemory extends Contract {
        private final Http1Client client = inMemory(instance.adminApi().orElseThrow());

        @Override
        Http1Client client() {
            return client;
        }
    }

    @Nested
    class OnSocket extends Contract {
        private final Http1Client client = Http1Client.builder()
                .baseUri("http://localhost:" + instance.adminPort())
                .mediaContext(MediaContext.builder().addMediaSupport(JacksonSupport.create(WireJson.MAPPER)).build())
                .build();

        @Override
        Http1Client client() {
            return client;
        }

        @Test
        void probesMapTheKafkaStreamsState() {
            assertThat(get(OpsAssets.READINESS_PATH, null).status()).isEqualTo(200);
            assertThat(get(OpsAssets.LIVENESS_PATH, null).status()).isEqualTo(200);
        }
    }

    @Test
    void theCommandLineTalksToTheApi() {
        String url = "http://localhost:" + instance.adminPort();
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        var originalOut = System.out;
        var originalErr = System.err;
        System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("status", "--url", url, "--token", VIEWER)).isZero();
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("paused", "--url", url, "--token", VIEWER)).isZero();
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("dlq", "--url", url, "--token", VIEWER,
                    "--reason", "undecodable")).isZero();
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("triggers", "list", "--url", url, "--token", VIEWER))
                    .isZero();
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("pause", "source", "cli-source", "--reason", "cli test",
                    "--until", "10m", "--url", url, "--token", OPERATOR)).isZero();
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("resume", "source", "cli-source", "--json",
                    "--url", url, "--token", OPERATOR)).isZero();
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("held", "--url", url, "--token", VIEWER)).isZero();
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("held", "source", "storm", "--limit", "2",
                    "--url", url, "--token", VIEWER)).isZero();
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("release", "source", "cli-source", "--rate", "20",
                    "--url", url, "--token", OPERATOR)).isZero();
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("pause", "source", "cli-source", "--reason", "x",
                    "--url", url, "--token", VIEWER)).isEqualTo(2);
            assertThat(org.eventscheduler.app.cli.SchedulerCommand.execute("status", "--url", "http://localhost:1",
                    "--token", VIEWER)).isEqualTo(2);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("status      DEGRADED").contains("INSTANCE").contains("localhost:" + instance.adminPort());
        assertThat(printed).contains("source  storm");
        assertThat(printed).contains("undecodable");
        assertThat(printed).contains("t-orders  valid");
        assertThat(printed).contains("pause source cli-source accepted (actor alice");
        assertThat(printed).contains("records held by").contains("OLDEST HELD AT");
        assertThat(printed).contains("source storm (PAUSED): ").contains("rate-limited");
        assertThat(printed).contains("release source cli-source accepted");
        assertThat(printed).contains("\"action\" : \"resume\"");
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "scheduler: 403: this action needs the operator role; token grafana has viewer",
                "scheduler: cannot reach the admin API at http://localhost:1 (is the scheduler running? --url or EVENT_SCHEDULER_URL)");
    }

    @Test
    void theApiLimitsItsOwnRequestRate() {
        AdminApi api = instance.adminApi().orElseThrow();
        AdminSettings slow = onAnyPort(api, 2, 2);
        Http1Client client = inMemory(new AdminApi(slow, api.tokens(), api.streams(), api.health(), api.localStatus(),
                api.entities(), api.triggers(), api.dlq(), api.commands(), api.metrics(), api.clock()));
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            Reply reply = send(client.get("/admin/triggers"), VIEWER, null);
            if (reply.status() == 429) {
                limited++;
                assertThat(reply.json().path("error").asText()).contains("over its request rate");
            }
        }
        assertThat(limited).isGreaterThanOrEqualTo(7);
    }

    /** The running instance's API with other settings, and commands written to {@code commands} instead. */
    private static AdminApi withSettings(AdminApi api, AdminSettings settings, org.eventscheduler.admin.query.CommandWriter commands) {
        return new AdminApi(settings, api.tokens(), api.streams(), api.health(), api.localStatus(), api.entities(),
                api.triggers(), api.dlq(), commands, api.metrics(), api.clock());
    }

    /** The running instance's settings on any port, with budgets of {@code perToken} and {@code anonymous} requests a second. */
    private static AdminSettings onAnyPort(AdminApi api, int perToken, int anonymous) {
        AdminSettings s = api.settings();
        return new AdminSettings(true, "localhost", 0, "localhost", s.tokens(), PEER, s.maxBodyBytes(), perToken, anonymous,
                s.peerTimeout(), s.dlqPreviewBytes(), s.dlqMaxScan(), s.health(), s.tls());
    }

    /** A writer of operator commands to a control and a triggers topic of their own, which nothing reads. */
    private static org.eventscheduler.admin.query.CommandWriter throwawayCommands(String name) throws Exception {
        Properties clients = SchedulerRunner.adminProperties(instance.config());
        String control = name + "-control-" + UUID.randomUUID().toString().substring(0, 8);
        String triggers = name + "-triggers-" + UUID.randomUUID().toString().substring(0, 8);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(clients)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(control, 1, (short) 1),
                    new org.apache.kafka.clients.admin.NewTopic(triggers, 1, (short) 1))).all().get();
        }
        return new org.eventscheduler.admin.query.CommandWriter(clients, control, triggers, Duration.ofSeconds(10));
    }

    /**
     * A seeded, repeatable corpus of requests (methods x paths x ids x queries x bodies x tokens), sent
     * byte for byte to a real server on a socket: no 5xx, no 2xx without a valid token, every refusal a
     * JSON error naming its status, every 405 with {@code Allow}. Commands go to topics of their own.
     */
    @Test
    void aGeneratedCorpusGetsOnlyDeliberateAnswers() throws Exception {
        AdminApi api = instance.adminApi().orElseThrow();
        List<String> methods = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "BREW");
        List<String> templates = List.of("/", "/admin", "/admin/", "/ADMIN/paused", "/admin/paused", "/admin/paused/",
                "/admin/event-health", "/admin/sources/{id}", "/admin/sources/{id}/pause", "/admin/sources/{id}/resume",
                "/admin/sources/{id}/explode", "/admin/triggers", "/admin/triggers/{id}", "/admin/triggers/{id}/pause",
                "/admin/triggers/{id}/resume", "/admin/dlq", "/internal/status", "/internal/sources/{id}",
                "/internal/triggers/{id}", "/metrics", "/metrics/{id}", "/observe/health", "/observe/health/live",
                "/observe/health/ready", "/observe/{id}", "/favicon.ico", "/admin%2Fpaused", "//admin//paused",
                "/admin/sources/../../etc/passwd/resume", "/{id}");
        List<String> ids = List.of("storm", "orders", "t-orders", "never-seen", "a%20b", "https://example.com/x", "x".repeat(600),
                "..", "%2e%2e", "a%2Fb", "%00", "a%0Ab", "%zz", "%C3%A9t%C3%A9", "%FF%FE", "a;b=c", "a%3Fb", "",
                "x".repeat(3000), "../../etc/passwd", "a b", "%E2%80%AE", "*", "a%252Fb", "t.x_y-1");
        List<String> queries = List.of("", "", "?limit=5", "?limit=abc", "?limit=-1", "?limit=99999999999",
                "?since=yesterday", "?since=2026-01-01T00:00:00Z", "?reason=invalid-json&source=legacy",
                "?reason=" + "x".repeat(600), "?" + "a=b&".repeat(700), "?limit=%zz", "?x=%00", "?pausedLimit=5",
                "?limit", "?=", "?&&");
        List<String> bodies = java.util.Arrays.asList(null, null, "", "{}", "{\"reason\":\"corpus\"}",
                "{\"reason\":\"corpus\",\"until\":\"2099-01-01T00:00:00Z\"}",
                "{\"reason\":\"x\",\"until\":\"2001-01-01T00:00:00Z\"}", "{not json", "[1]", "null", "\"text\"",
                "{\"reason\":\"" + "x".repeat(70_000) + "\"}", "{\"type\":\"t\",\"workflow\":\"w\"}",
                "{\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\",\"rate-limit\":{\"max-events\":-1}}",
                "{\"reason\":5}", "\u00ff\u0000");
        List<String> authorizations = java.util.Arrays.asList(null, null, "Bearer " + OPERATOR, "Bearer " + VIEWER,
                "Bearer " + PEER, "Bearer garbage-token-0123456789", "Bearer ", "Basic dXNlcjpwYXNz", "bearer " + OPERATOR);
        java.util.Random random = new java.util.Random(13);
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        List<String> failures = new java.util.ArrayList<>();
        try (org.eventscheduler.admin.query.CommandWriter commands = throwawayCommands("corpus")) {
            AdminServer server = AdminServer.start(withSettings(api, onAnyPort(api, 100_000, 100_000), commands));
            try {
                // every method on every path with the operator's token and a plain body, then random combinations
                int product = methods.size() * templates.size();
                for (int i = 0; i < product + 1000; i++) {
                    boolean plain = i < product;
                    String method = plain ? methods.get(i % methods.size()) : methods.get(random.nextInt(methods.size()));
                    String path = (plain ? templates.get(i / methods.size()) : templates.get(random.nextInt(templates.size())))
                            .replace("{id}", plain ? "t-orders" : ids.get(random.nextInt(ids.size())));
                    String target = path + (plain ? "" : queries.get(random.nextInt(queries.size())));
                    String body = plain ? "{\"reason\":\"corpus\"}" : bodies.get(random.nextInt(bodies.size()));
                    String authorization = plain ? "Bearer " + OPERATOR : authorizations.get(random.nextInt(authorizations.size()));
                    Map<String, String> headers = new HashMap<>();
                    if (authorization != null) {
                        headers.put("Authorization", authorization);
                    }
                    if (body != null) {
                        headers.put("Content-Type", "application/json");
                    }
                    RawHttp.Answer answer = RawHttp.send(server.port(), method, target, headers,
                            body == null ? null : body.getBytes(StandardCharsets.ISO_8859_1));
                    statuses.merge(answer.status(), 1, Integer::sum);
                    String request = "#" + i + " " + method + " " + (target.length() > 120 ? target.substring(0, 120) + "..." : target)
                            + " auth=" + (authorization == null ? "-" : authorization.substring(0, Math.min(12, authorization.length())))
                            + " -> " + answer.status() + " " + (answer.text().length() > 200 ? answer.text().substring(0, 200) : answer.text());
                    String problem = problem(method, path, authorization, answer);
                    if (problem != null) {
                        failures.add(problem + ": " + request);
                    }
                }
            } finally {
                server.close();
            }
        }
        assertThat(failures).as("answers by status: " + statuses).isEmpty();
        assertThat(statuses.keySet()).as("the corpus reached every kind of answer").contains(200, 202, 400, 401, 403, 404, 405);
    }

    /** What is wrong with an answer, or null. */
    private static String problem(String method, String path, String authorization, RawHttp.Answer answer) {
        int status = answer.status();
        if (status >= 500) {
            return "a 5xx";
        }
        String normalized = path.replaceAll("/+", "/");
        String token = authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? ""
                : authorization.substring(7);
        if (status / 100 == 2) {
            if (normalized.startsWith("/admin") && !token.equals(OPERATOR) && !token.equals(VIEWER)) {
                return "a 2xx without an admin token";
            }
            if (normalized.startsWith("/admin") && !method.equals("GET") && !token.equals(OPERATOR)) {
                return "an action done without the operator token";
            }
            if (normalized.startsWith("/internal") && !token.equals(PEER)) {
                return "a 2xx of /internal without the peer token";
            }
            return null;
        }
        if (status == 405 && !answer.headers().containsKey("allow")) {
            return "a 405 without Allow";
        }
        if (status / 100 == 4) {
            if (!String.valueOf(answer.headers().get("content-type")).startsWith("application/json")) {
                return "a 4xx that is not JSON";
            }
            if (method.equals("HEAD")) {
                return null;
            }
            try {
                JsonNode error = WireJson.MAPPER.readTree(answer.body());
                if (error.path("status").asInt() != status || error.path("error").asText().isBlank()) {
                    return "a 4xx without the JSON error body";
                }
            } catch (java.io.IOException e) {
                return "a 4xx with a body that is not JSON";
            }
        }
        return null;
    }

    /**
     * Floods without a token and with a viewer token, from several threads, while an operator keeps
     * working (five reads a second, and the command line): each caller spends its own budget, so the
     * operator is hardly ever refused.
     */
    @Test
    void floodsWithoutATokenOrWithAnotherTokenDoNotStarveTheOperator() throws Exception {
        AdminApi api = instance.adminApi().orElseThrow();
        // the shipped budgets: 50 a second per token, 5 a second for everyone without a valid token
        AdminServer server = AdminServer.start(withSettings(api, onAnyPort(api, 50, 5), api.commands()));
        String url = "http://localhost:" + server.port();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
        Map<String, java.util.concurrent.atomic.AtomicInteger> flood = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> floods = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String token = i < 4 ? null : VIEWER;
            floods.add(Thread.ofPlatform().name("flood-" + i).start(() -> {
                while (flooding.get()) {
                    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/admin/event-health"))
                            .timeout(Duration.ofSeconds(10));
                    if (token != null) {
                        request.header("Authorization", "Bearer " + token);
                    }
                    try {
                        int status = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                        flood.computeIfAbsent((token == null ? "none " : "viewer ") + status,
                                k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        int asked = 0;
        int answered = 0;
        int cli;
        try {
            long next = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                // five a second, on a fixed schedule
                next += Duration.ofMillis(200).toNanos();
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/admin/paused"))
                        .header("Authorization", "Bearer " + OPERATOR).timeout(Duration.ofSeconds(10)).build();
                asked++;
                if (http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    answered++;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
            var out = new java.io.ByteArrayOutputStream();
            var originalOut = System.out;
            System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                cli = org.eventscheduler.app.cli.SchedulerCommand.execute("paused", "--url", url, "--token", OPERATOR);
            } finally {
                System.setOut(originalOut);
            }
        } finally {
            flooding.set(false);
            for (Thread thread : floods) {
                thread.join(Duration.ofSeconds(15));
            }
            server.close();
        }
        assertThat(flood.get("none 429")).as("the flood without a token was refused: " + flood).isNotNull();
        assertThat(flood.get("viewer 429")).as("the viewer's flood was refused: " + flood).isNotNull();
        assertThat(answered).as("operator answered " + answered + " of " + asked + " during " + flood)
                .isGreaterThanOrEqualTo((int) Math.ceil(asked * 0.95));
        assertThat(cli).as("the command line during the flood").isZero();
    }

    /** The running instance's ingress lag, as its health query reads it. */
    private static IngressLagReader ingressLag() {
        SchedulerConfig config = instance.config();
        return new IngressLagReader(SchedulerRunner.adminProperties(config), config.kafka().applicationId(),
                config.topics().ingress(), Clock.systemUTC(), Duration.ofSeconds(1));
    }

    /** A health query of the cluster over {@code streams} and {@code local}, with {@code thresholds} and no mirror. */
    private static HealthQuery healthQuery(StreamsAccess streams, LocalStatusReader local, IngressLagReader lag,
                                           HealthThresholds thresholds) {
        return new HealthQuery(streams, local, new PeerClient(PEER, Duration.ofSeconds(1)), lag, Optional.empty(),
                thresholds, Clock.systemUTC());
    }

    @Test
    void healthIsCriticalAndAnswers503PastACriticalThreshold() {
        AdminApi api = instance.adminApi().orElseThrow();
        HealthThresholds strict = new HealthThresholds(new HealthThresholds.Level(30, 300),
                new HealthThresholds.Level(10, 100), new HealthThresholds.Level(1, 1), 0.8, Duration.ofSeconds(2), 10, 10_000,
                HealthThresholds.HELD_RECORDS, HealthThresholds.HELD_AGE_SECONDS);
        try (IngressLagReader lag = ingressLag();
             HealthQuery health = healthQuery(api.streams(), api.localStatus(), lag, strict)) {
            Http1Client client = inMemory(new AdminApi(api.settings(), api.tokens(), api.streams(), health,
                    api.localStatus(), api.entities(), api.triggers(), api.dlq(), api.commands(), api.metrics(), api.clock()));
            Reply reply = send(client.get("/admin/event-health"), VIEWER, null);
            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.json().path("status").asText()).isEqualTo("CRITICAL");
            assertThat(reply.json().path("reasons").toString()).contains("paused entities");
        }
    }

    @Test
    void pausedCountsByTypeAddUpToTheTotalEvenWhenTheListIsCapped() {
        AdminApi api = instance.adminApi().orElseThrow();
        HealthThresholds listNone = new HealthThresholds(new HealthThresholds.Level(30, 300),
                new HealthThresholds.Level(10, 100), new HealthThresholds.Level(1, 25), 0.8, Duration.ofSeconds(2), 0, 10_000,
                HealthThresholds.HELD_RECORDS, HealthThresholds.HELD_AGE_SECONDS);
        try (IngressLagReader lag = ingressLag();
             HealthQuery health = healthQuery(api.streams(), api.localStatus(), lag, listNone)) {
            HealthSnapshot.Paused paused = health.snapshot().paused();
            assertThat(paused.entities()).isEmpty();
            assertThat(paused.truncated()).isTrue();
            // the same counts as the whole list, by type
            List<PausedEntity> all = api.localStatus().read(10_000).paused();
            assertThat(paused.sources()).as("storm, at least").isPositive()
                    .isEqualTo(all.stream().filter(p -> p.entityType().equals("source")).count());
            assertThat(paused.triggers()).isEqualTo(all.stream().filter(p -> p.entityType().equals("trigger")).count());
        }
    }

    @Test
    void triggersApplyIsPacedByTheApiRateLimitInsteadOfCutOff() throws Exception {
        AdminApi api = instance.adminApi().orElseThrow();
        AdminSettings slow = onAnyPort(api, 2, 2);
        AdminApi slowApi = new AdminApi(slow, api.tokens(), api.streams(), api.health(), api.localStatus(),
                api.entities(), api.triggers(), api.dlq(), api.commands(), api.metrics(), api.clock());
        WebServer server = WebServer.builder().host("localhost").port(0)
                .mediaContext(media -> media.addMediaSupport(JacksonSupport.create(WireJson.MAPPER)))
                .routing(routing -> AdminRouting.routing(routing, slowApi)).build().start();
        try {
            String url = "http://localhost:" + server.port();
            // a burst past 2 requests per second (at most 4 fit, if it straddles a refill): refused with 429
            // and told when to come back
            Http1Client client = Http1Client.builder().baseUri(url).build();
            List<Http1ClientResponse> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(client.get("/admin/triggers")
                        .header(HeaderValues.create(HeaderNames.AUTHORIZATION, "Bearer " + VIEWER)).request());
            }
            List<Http1ClientResponse> refused = answers.stream().filter(r -> r.status().code() == 429).toList();
            assertThat(refused).isNotEmpty().allSatisfy(r ->
                    assertThat(r.headers().first(HeaderNames.RETRY_AFTER)).contains("1"));
            answers.forEach(Http1ClientResponse::close);

            Path file = dir.resolve("paced-triggers.yaml");
            StringBuilder yaml = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                yaml.append("- {id: paced-").append(i).append(", source: paced, type: paced.created, workflow: w}\n");
            }
            Files.writeString(file, yaml);
            var out = new java.io.ByteArrayOutputStream();
            var originalOut = System.out;
            System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            int status;
            try {
                status = org.eventscheduler.app.cli.SchedulerCommand.execute("triggers", "apply", file.toString(),
                        "--url", url, "--token", OPERATOR);
            } finally {
                System.setOut(originalOut);
            }
            assertThat(status).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("applied 6 triggers");
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            for (int i = 0; i < 6; i++) {
                String id = "paced-" + i;
                while (api.triggers().get(id).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(api.triggers().get(id)).as(id).isPresent();
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void anInstanceThatCannotReadItsStoresIsMarkedMissingNotCountedAsNothingPaused() throws Exception {
        AdminApi api = instance.adminApi().orElseThrow();
        SchedulerConfig config = instance.config();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "never-started-" + UUID.randomUUID().toString().substring(0, 8));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("never-started").toString());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("never-read").to("never-written");
        // a real Kafka Streams that is not RUNNING (here CREATED; during a rebalance REBALANCING): no store is queryable
        try (KafkaStreams notRunning = new KafkaStreams(builder.build(), props)) {
            StreamsAccess streams = StreamsAccess.of(notRunning, new HostInfo("localhost", 1));
            EntityPolicies policies = new EntityPolicies(config.rateWindow(), config.sources(), api.triggers());
            LocalStatusReader local = new LocalStatusReader(streams, new SchedulerMetrics(new SimpleMeterRegistry()),
                    policies, "not-running",
                    MirrorReport::off, Clock.systemUTC());
            LocalStatus status = local.read(10);
            assertThat(status.streamsState()).isEqualTo(KafkaStreams.State.CREATED);
            assertThat(status.pausedTotal()).isZero();
            assertThat(status.pausedUnreadable()).hasValueSatisfying(reason -> assertThat(reason).contains("CREATED"));

            try (IngressLagReader lag = ingressLag();
                 HealthQuery health = healthQuery(streams, local, lag, api.settings().health())) {
                HealthSnapshot snapshot = health.snapshot();
                assertThat(snapshot.complete()).isFalse();
                assertThat(snapshot.missing()).contains(
                        "instance localhost:1: paused entities not read: Kafka Streams is CREATED, its stores are not queryable");
                assertThat(snapshot.status()).isNotEqualTo(HealthStatus.OK);

                Http1Client client = inMemory(new AdminApi(api.settings(), api.tokens(), streams, health, local,
                        api.entities(), api.triggers(), api.dlq(), api.commands(), api.metrics(), api.clock()));
                Reply paused = send(client.get("/admin/paused"), VIEWER, null);
                assertThat(paused.status()).isEqualTo(200);
                assertThat(paused.json().path("complete").asBoolean()).isFalse();
                assertThat(paused.json().path("missing").toString()).contains("localhost:1: paused entities not read");

                // the same instance behind a real admin server: not ready, still alive, owners unknown (503), its
                // own status still served to peers
                EntityQuery entities = new EntityQuery(streams, policies, new PeerClient(PEER, Duration.ofSeconds(1)), 512,
                        api.clock());
                AdminServer server = AdminServer.start(new AdminApi(onAnyPort(api, 1000, 1000), api.tokens(), streams, health, local,
                        entities, api.triggers(), api.dlq(), api.commands(), api.metrics(), api.clock()));
                try {
                    Http1Client socket = Http1Client.builder().baseUri("http://localhost:" + server.port()).build();
                    assertThat(send(socket.get("/observe/health/ready"), null, null).status()).isEqualTo(503);
                    assertThat(send(socket.get("/observe/health/live"), null, null).status()).isEqualTo(200);
                    Reply source = send(socket.get("/admin/sources/storm"), VIEWER, null);
                    assertThat(source.status()).isEqualTo(503);
                    assertThat(source.json().path("status").asInt()).isEqualTo(503);
                    assertThat(source.json().path("error").asText()).isNotBlank();
                    Reply own = send(socket.get("/internal/status"), PEER, null);
                    assertThat(own.status()).isEqualTo(200);
                    assertThat(own.json().path("streamsState").asText()).isEqualTo("CREATED");
                    assertThat(own.json().path("pausedUnreadable").asText()).contains("not queryable");
                } finally {
                    server.close();
                }
            }
        }
    }
}
