package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.app.cli.SchedulerCommand;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.it.TestCertificates.Authority;
import org.eventscheduler.app.it.TestCertificates.Issued;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.topology.WireJson;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The scheduler against a broker that requires SASL SCRAM-SHA-512 over TLS, configured only through
 * {@code kafka.client-properties}: the broker's only listener the scheduler knows is SASL_SSL (its
 * certificate generated here, trusted through a PEM trust store; a SCRAM user). Kafka Streams processes
 * and pauses a storming source, the mirror writes the pause to PostgreSQL, the admin API's lag and DLQ
 * readers answer, the command line's {@code dlq} and {@code tail} work; a wrong password stops start-up
 * (and {@code tail}) with one line naming authentication. The test's own clients use the broker's
 * PLAINTEXT listener.
 */
class SecuredKafkaIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String USER = "scheduler";
    private static final String PASSWORD = "scram-s3cret-password";
    private static final String OPERATOR = "operator-token-0123456789";

    @Test
    void theSchedulerTheMirrorTheReadersAndTheCommandLineWorkOverSaslSsl() throws Exception {
        Path dir = Files.createTempDirectory("secured-kafka-it-");
        Authority ca = TestCertificates.authority(dir, "kafka");
        Issued brokerCertificate = TestCertificates.issue(ca, dir, "broker");
        int plaintext = EmbeddedKafkaBroker.freePort();
        int controller = EmbeddedKafkaBroker.freePort();
        int secured = EmbeddedKafkaBroker.freePort();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), plaintext, controller, true, Map.of(
                "listeners", "PLAINTEXT://localhost:" + plaintext + ",CONTROLLER://localhost:" + controller
                        + ",CLIENT://localhost:" + secured,
                "advertised.listeners", "PLAINTEXT://localhost:" + plaintext + ",CLIENT://localhost:" + secured,
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,CLIENT:SASL_SSL",
                "listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512",
                "listener.name.client.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "listener.name.client.ssl.keystore.type", "PKCS12",
                "listener.name.client.ssl.keystore.location", brokerCertificate.keystore().toString(),
                "listener.name.client.ssl.keystore.password", brokerCertificate.keystorePassword(),
                "listener.name.client.ssl.key.password", brokerCertificate.keystorePassword()));
             EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD))).all().get(30, TimeUnit.SECONDS);

            String applicationId = "secured-it-" + UUID.randomUUID().toString().substring(0, 8);
            Path file = kafkaConfiguration(dir, "scheduler.yaml", secured, ca, PASSWORD, applicationId);
            Map<String, String> env = new HashMap<>();
            env.put("SCHEDULER_KAFKA__STATE_DIR", dir.resolve("state").toString());
            env.put("SCHEDULER_KAFKA__CLOSE_TIMEOUT", "20s");
            env.put("SCHEDULER_INSTANCE_ID", applicationId);
            env.put("SCHEDULER_ADMIN__PORT", "0");
            env.put("SCHEDULER_ADMIN__ADVERTISED_HOST", "localhost");
            env.put("SCHEDULER_ADMIN__PEER_TOKEN", "peer-token-0123456789abc");
            env.put("SCHEDULER_ADMIN__TOKENS", "[{\"name\":\"ops\",\"role\":\"operator\",\"token\":\"" + OPERATOR + "\"}]");
            String database = MirrorChecks.createDatabase(postgres.getJdbcUrl("postgres", "postgres"), "secured");
            env.put("SCHEDULER_MIRROR__JDBC_URL", database);
            env.put("SCHEDULER_MIRROR__USERNAME", "postgres");
            env.put("SCHEDULER_MIRROR__PASSWORD", "postgres");
            SchedulerConfig config = ConfigLoader.load(Optional.of(file), env);
            assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:" + secured);

            try (SchedulerInstance instance = SchedulerInstance.start(config, false)) {
                assertThat(instance.runner().awaitRunning(TIMEOUT)).as("Kafka Streams RUNNING over SASL_SSL").isTrue();
                MirrorChecks.storm(broker.bootstrapServers(), config, "storm", 2500);

                // processing and pausing
                assertThat(KafkaTestClients.readCommitted(broker.bootstrapServers(), config.topics().accepted(), 1000,
                        TIMEOUT, Duration.ZERO)).hasSizeGreaterThanOrEqualTo(1000);
                KafkaTestClients.awaitRecord(broker.bootstrapServers(), config.topics().paused(),
                        r -> new String(r.key(), StandardCharsets.UTF_8).equals("source:storm"), TIMEOUT);

                // mirroring: the pause in PostgreSQL
                Jdbi jdbi = Jdbi.create(database, "postgres", "postgres");
                await("the mirror wrote the storm's pause to PostgreSQL", () -> MirrorChecks.schemaExists(jdbi)
                        && MirrorChecks.stateRows(jdbi).containsKey("source:storm"));

                // the admin API's readers: ingress lag, mirror lag, DLQ
                HttpClient http = HttpClient.newHttpClient();
                String api = "http://localhost:" + instance.adminPort();
                await("GET /admin/event-health complete, the ingress lag read and the mirror caught up", () -> {
                    JsonNode health = WireJson.MAPPER.readTree(get(http, api + "/admin/event-health").body());
                    return health.path("complete").asBoolean() && health.path("ingress").path("partitions").size() == 4
                            && health.path("mirror").path("lagRecords").asLong(-1) == 0
                            && health.path("paused").path("entities").findValuesAsText("id").contains("storm");
                });
                // the admin API's command writer: an operator's pause reaches the changelog
                HttpResponse<String> pause = http.send(HttpRequest.newBuilder(URI.create(api + "/admin/sources/orders/pause"))
                        .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"secured kafka test\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(pause.statusCode()).as(pause.body()).isEqualTo(202);
                KafkaTestClients.awaitRecord(broker.bootstrapServers(), config.topics().paused(),
                        r -> new String(r.key(), StandardCharsets.UTF_8).equals("source:orders"), TIMEOUT);
                HttpResponse<String> dlq = get(http, api + "/admin/dlq?limit=5");
                assertThat(dlq.statusCode()).as(dlq.body()).isEqualTo(200);
                assertThat(dlq.body()).contains("undecodable");

                // the command line: dlq through the API, tail straight from Kafka with the same configuration
                Output cliDlq = run("dlq", "--url", api, "--token", OPERATOR, "--reason", "undecodable");
                assertThat(cliDlq.status()).as(cliDlq.err()).isZero();
                assertThat(cliDlq.out()).contains("undecodable");
                Output tail = run("tail", config.topics().paused(), "--config", file.toString(), "--from-beginning", "--max", "1");
                assertThat(tail.status()).as(tail.err()).isZero();
                assertThat(tail.out()).contains("source:storm");
                assertThat(instance.runner().state()).isEqualTo(KafkaStreams.State.RUNNING);
            }

            // a wrong password: start-up stops with one line naming authentication, and so does tail
            Path wrong = kafkaConfiguration(dir, "wrong.yaml", secured, ca, "not-the-password", applicationId + "-wrong");
            Files.writeString(wrong, Files.readString(wrong) + """
                    instance-id: wrong-password
                    admin:
                      port: 0
                    """);
            Output refused = run("run", "--config", wrong.toString());
            assertThat(refused.status()).isEqualTo(SchedulerCommand.USER_ERROR);
            assertThat(refused.err().lines().toList()).as(refused.err()).hasSize(1);
            assertThat(refused.err()).startsWith("scheduler: Kafka refused to authenticate this client: ")
                    .contains("invalid credentials", "SCRAM-SHA-512", "kafka.client-properties")
                    .doesNotContain("not-the-password");
            Output tailRefused = run("tail", "scheduler.paused", "--config", wrong.toString(), "--max", "1");
            assertThat(tailRefused.status()).isEqualTo(SchedulerCommand.USER_ERROR);
            assertThat(tailRefused.err().lines().toList()).as(tailRefused.err()).hasSize(1);
            assertThat(tailRefused.err()).startsWith("scheduler: Kafka refused to authenticate this client: ");

            // a trust store that does not cover the broker's certificate: the same one line
            Authority other = TestCertificates.authority(dir, "other");
            Path untrusting = kafkaConfiguration(dir, "untrusting.yaml", secured, other, PASSWORD, applicationId + "-untrusting");
            Output untrusted = run("tail", "scheduler.paused", "--config", untrusting.toString(), "--max", "1");
            assertThat(untrusted.status()).isEqualTo(SchedulerCommand.USER_ERROR);
            assertThat(untrusted.err().lines().toList()).as(untrusted.err()).hasSize(1);
            assertThat(untrusted.err()).startsWith("scheduler: Kafka refused to authenticate this client: SSL handshake failed");
        }
    }

    /** The configuration file of a SASL_SSL client: the secured listener, SCRAM credentials, the CA as a PEM trust store. */
    private static Path kafkaConfiguration(Path dir, String name, int port, Authority ca, String password, String applicationId)
            throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                kafka:
                  bootstrap-servers: localhost:%d
                  application-id: %s
                  state-dir: %s
                  client-properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: SCRAM-SHA-512
                    sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";
                    ssl.truststore.type: PEM
                    ssl.truststore.location: %s
                """.formatted(port, applicationId, dir.resolve(name + "-state"), USER, password, ca.pem()));
        return file;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + OPERATOR).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    record Output(int status, String out, String err) {
    }

    /** Runs the command line with its output captured; a command that does not end within the timeout fails the test. */
    private static synchronized Output run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = executor.submit(() -> SchedulerCommand.execute(args));
            return new Output(status.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            executor.shutdownNow();
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    private static void await(String what, Polling.Condition condition) throws Exception {
        Polling.await(what, TIMEOUT, condition);
    }
}
