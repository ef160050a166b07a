package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webclient.http1.Http1Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.app.it.AdminApiIT.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three instances, each with its own admin server, on one broker: any instance answers for every
 * partition and source through interactive queries; with one instance's API gone silent, the answer
 * still comes back within the health timeout, marked partial and DEGRADED; with that instance then
 * stopped, answers stay bounded and say they are partial until the rebalance is over.
 */
class MultiInstanceIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Source ids with what a path must encode: a space, '/' (also "//"), '+', '%', '?', '#', ';' and non-ASCII. */
    private static final List<String> ODD_SOURCES = List.of("a source with spaces", "https://example.com/orders//eu",
            "ünï+cöde;v=1", "50%?#frag", "/leading/and/trailing/");
    private static EmbeddedKafkaBroker broker;
    private static final List<SchedulerInstance> instances = new ArrayList<>();
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(0);
        dir = Files.createTempDirectory("multi-it-");
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, "[]\n");
        String applicationId = "multi-it-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            instances.add(SchedulerInstance.start(AdminApiIT.config(broker, applicationId, dir.resolve("state-" + i),
                    // the test asks some sixty questions in a burst with one token: budgets are AdminApiIT's subject
                    triggers, Map.of("SCHEDULER_KAFKA__NUM_STREAM_THREADS", "1",
                            "SCHEDULER_ADMIN__REQUESTS_PER_SECOND", "1000")), false));
        }
        awaitStableAssignment();
        var config = instances.getFirst().config();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < 2500; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes("storm"),
                        AdminApiIT.event("s-" + i, "storm", "t")));
            }
            for (int i = 0; i < 40; i++) {
                String source = "service-" + i;
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes(source),
                        AdminApiIT.event(source + "-e", source, "t")));
            }
            for (String source : ODD_SOURCES) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes(source),
                        AdminApiIT.event("odd-e", source, "t")));
            }
        }
        KafkaTestClients.awaitRecord(broker.bootstrapServers(), config.topics().paused(),
                r -> new String(r.key(), StandardCharsets.UTF_8).equals("source:storm"), TIMEOUT);
        KafkaTestClients.readCommitted(broker.bootstrapServers(), config.topics().accepted(), 1040 + ODD_SOURCES.size(),
                TIMEOUT, Duration.ZERO);
    }

    /** Every instance RUNNING and seeing all three in the metadata. */
    private static void awaitStableAssignment() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean stable = instances.stream().allMatch(instance ->
                    instance.runner().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                            && instance.runner().streams().metadataForAllStreamsClients().size() == 3);
            if (stable) {
                return;
            }
            instances.getFirst().runner().awaitRunning(Duration.ofMillis(200));
        }
        throw new AssertionError("the three instances did not settle within " + TIMEOUT);
    }

    @AfterAll
    static void stop() {
        instances.forEach(SchedulerInstance::close);
        broker.close();
    }

    private static Http1Client client(SchedulerInstance instance) {
        return Http1Client.builder().baseUri("http://localhost:" + instance.adminPort()).build();
    }

    private static Reply get(SchedulerInstance instance, String path) {
        return AdminApiIT.send(AdminApiIT.request(client(instance), io.helidon.http.Method.GET, path),
                AdminApiIT.VIEWER, null);
    }

    @Test
    void anyInstanceAnswersForTheWholeClusterAndDegradesInTimeWhenOneIsSilent() throws Exception {
        // every instance gives the same picture of the cluster
        Set<String> servedBy = new HashSet<>();
        for (SchedulerInstance instance : instances) {
            JsonNode health = get(instance, "/admin/event-health").json();
            assertThat(health.path("complete").asBoolean()).as(health.toString()).isTrue();
            assertThat(health.path("instances")).hasSize(3);
            assertThat(health.path("instances").findValuesAsText("state")).containsOnly("RUNNING");
            assertThat(health.path("paused").path("entities").findValuesAsText("id")).containsExactly("storm");
            assertThat(health.path("ingress").path("partitions")).hasSize(4);
            assertThat(health.path("ingress").path("partitions").findValuesAsText("latestEventTime")).hasSize(4);

            Reply storm = get(instance, "/admin/sources/storm");
            assertThat(storm.status()).isEqualTo(200);
            assertThat(storm.json().path("state").path("state").asText()).isEqualTo("PAUSED");
            servedBy.add(storm.json().path("servedBy").asText());
            // what it holds, from whichever instance is asked (two of the three ask the owner over /internal)
            Reply held = get(instance, "/admin/sources/storm/held?limit=2");
            assertThat(held.status()).as(held.text()).isEqualTo(200);
            assertThat(held.json().path("records").asLong()).as("2,500 events, the first 1,000 admitted").isBetween(1_400L, 1_500L);
            assertThat(held.json().path("first")).hasSize(2);
            assertThat(held.json().path("servedBy").asText()).isEqualTo(storm.json().path("servedBy").asText());
            JsonNode cluster = get(instance, "/admin/held").json();
            assertThat(cluster.path("complete").asBoolean()).as(cluster.toString()).isTrue();
            assertThat(cluster.path("list").findValuesAsText("id")).containsExactly("storm");
            assertThat(health.path("held").path("records").asLong()).isEqualTo(held.json().path("records").asLong());
            for (int i = 0; i < 40; i += 7) {
                Reply source = get(instance, "/admin/sources/service-" + i);
                assertThat(source.status()).as(source.text()).isEqualTo(200);
                assertThat(source.json().path("state").path("rate").asLong()).isEqualTo(1);
            }
        }
        assertThat(servedBy).as("one owner, whoever is asked").hasSize(1);

        // ids that need encoding are found through whichever instance owns them: each id is asked of all
        // three, so at least two of the answers came from a peer over /internal
        for (String source : ODD_SOURCES) {
            int throughPeer = 0;
            for (SchedulerInstance instance : instances) {
                // as the command line writes it, sent byte for byte
                RawHttp.Answer raw = RawHttp.send(instance.adminPort(), "GET",
                        "/admin/sources/" + org.eventscheduler.admin.query.PathSegments.encode(source),
                        Map.of("Authorization", "Bearer " + AdminApiIT.VIEWER), null);
                Reply reply = new Reply(raw.status(), raw.text());
                assertThat(reply.status()).as(source + " asked of " + instance.adminPort() + ": " + reply.text()).isEqualTo(200);
                assertThat(reply.json().path("id").asText()).isEqualTo(source);
                assertThat(reply.json().path("state").path("rate").asLong()).isEqualTo(1);
                if (!reply.json().path("servedBy").asText().equals("localhost:" + instance.adminPort())) {
                    throughPeer++;
                }
            }
            assertThat(throughPeer).as(source + " through a peer").isEqualTo(2);
        }
        Set<String> owners = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            owners.add(get(instances.getFirst(), "/admin/sources/service-" + i).json().path("servedBy").asText());
        }
        assertThat(owners).as("the sources are spread over the instances").hasSizeGreaterThan(1);

        // the third instance's API goes silent: connections are accepted and never answered
        SchedulerInstance silent = instances.get(2);
        int silentPort = silent.adminPort();
        silent.stopAdmin();
        try (BlackHole hole = new BlackHole(silentPort)) {
            long start = System.nanoTime();
            Reply reply = get(instances.getFirst(), "/admin/event-health");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("bounded by the 2 s health timeout").isLessThan(Duration.ofMillis(3500));
            assertThat(reply.status()).isEqualTo(200);
            JsonNode health = reply.json();
            assertThat(health.path("status").asText()).isEqualTo("DEGRADED");
            assertThat(health.path("complete").asBoolean()).isFalse();
            assertThat(health.path("missing").toString()).contains("localhost:" + silentPort);
            long answered = 0;
            for (JsonNode instance : health.path("instances")) {
                if (instance.path("answered").asBoolean()) {
                    answered++;
                } else {
                    assertThat(instance.path("endpoint").asText()).isEqualTo("localhost:" + silentPort);
                }
            }
            assertThat(answered).isEqualTo(2);
        }

        // then it stops for good: the other two rebalance and restore its tasks. Every answer meanwhile is
        // bounded and never a 500; while any instance cannot read its stores the answer says it is partial;
        // once complete again, the storm's pause is found on whichever instance now owns it.
        instances.remove(2).close();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JsonNode settled = null;
        int partialAnswers = 0;
        while (settled == null && System.nanoTime() < deadline) {
            long start = System.nanoTime();
            Reply reply = get(instances.getFirst(), "/admin/event-health");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
            assertThat(reply.status()).as(reply.text()).isIn(200, 503);
            JsonNode health = reply.json();
            boolean allRunning = health.path("instances").findValuesAsText("state").stream()
                    .allMatch("RUNNING"::equals);
            if (!allRunning || health.path("instances").size() != 2) {
                assertThat(health.path("complete").asBoolean()).as("partial while rebalancing: " + health).isFalse();
                assertThat(health.path("missing")).as(health.toString()).isNotEmpty();
            }
            if (health.path("complete").asBoolean()) {
                settled = health;
            } else {
                partialAnswers++;
                Thread.sleep(200);
            }
        }
        assertThat(settled).as("complete again after the rebalance").isNotNull();
        assertThat(settled.path("instances")).hasSize(2);
        assertThat(settled.path("paused").path("entities").findValuesAsText("id")).containsExactly("storm");
        assertThat(partialAnswers).as("the rebalance was seen at least once").isPositive();
    }

    /** A server socket that accepts connections and never answers, like a hung process. */
    private static final class BlackHole implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread thread;

        BlackHole(int port) throws IOException {
            socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                try {
                    while (!socket.isClosed()) {
                        accepted.add(socket.accept());
                    }
                } catch (IOException e) {
                    if (!socket.isClosed()) {
                        throw new UncheckedIOException(e);
                    }
                }
            }, "black-hole");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : accepted) {
                connection.close();
            }
        }
    }
}
