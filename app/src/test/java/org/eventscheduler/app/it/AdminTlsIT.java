package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.admin.AdminTlsSettings;
import org.eventscheduler.admin.AdminTlsSettings.ClientAuth;
import org.eventscheduler.app.cli.SchedulerCommand;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.it.TestCertificates.Authority;
import org.eventscheduler.app.it.TestCertificates.Issued;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.topology.WireJson;
import org.eventscheduler.topology.config.InvalidConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API over HTTPS, with certificates this test generates: two instances on one broker, one with
 * its key and certificate as PEM files, the other as a PKCS#12 key store, both with mutual TLS between
 * peers ({@code admin.tls.client-auth: peers}). Clients that trust the CA get answers; plain HTTP to the
 * TLS port, a client that does not trust the certificate, and a peer without a client certificate (or
 * with one from another CA) are refused; the instances answer for each other over HTTPS; the command
 * line reaches the API with {@code --ca-file}.
 */
class AdminTlsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static EmbeddedKafkaBroker broker;
    private static final List<SchedulerInstance> instances = new ArrayList<>();
    private static Authority ca;
    private static Issued pemInstance;
    private static Issued keystoreInstance;
    private static Authority rogueCa;
    private static Issued rogue;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("admin-tls-it-");
        ca = TestCertificates.authority(dir, "peers");
        pemInstance = TestCertificates.issue(ca, dir, "instance-pem");
        keystoreInstance = TestCertificates.issue(ca, dir, "instance-p12");
        rogueCa = TestCertificates.authority(dir, "rogue");
        rogue = TestCertificates.issue(rogueCa, dir, "rogue");

        broker = EmbeddedKafkaBroker.start(0);
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, "[]\n");
        String applicationId = "tls-it-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> pem = tls(Map.of("SCHEDULER_ADMIN__TLS__CERTIFICATE", pemInstance.certificatePem().toString(),
                "SCHEDULER_ADMIN__TLS__PRIVATE_KEY", pemInstance.privateKeyPem().toString()));
        Map<String, String> p12 = tls(Map.of("SCHEDULER_ADMIN__TLS__KEYSTORE", keystoreInstance.keystore().toString(),
                "SCHEDULER_ADMIN__TLS__KEYSTORE_PASSWORD", keystoreInstance.keystorePassword()));
        instances.add(SchedulerInstance.start(AdminApiIT.config(broker, applicationId, dir.resolve("state-0"), triggers, pem), false));
        instances.add(SchedulerInstance.start(AdminApiIT.config(broker, applicationId, dir.resolve("state-1"), triggers, p12), false));
        awaitStableAssignment();
        var config = instances.getFirst().config();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < 2500; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes("storm"),
                        AdminApiIT.event("s-" + i, "storm", "t")));
            }
            for (int i = 0; i < 20; i++) {
                String source = "service-" + i;
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes(source),
                        AdminApiIT.event(source + "-e", source, "t")));
            }
        }
        KafkaTestClients.awaitRecord(broker.bootstrapServers(), config.topics().paused(),
                r -> new String(r.key(), StandardCharsets.UTF_8).equals("source:storm"), TIMEOUT);
        KafkaTestClients.readCommitted(broker.bootstrapServers(), config.topics().accepted(), 1020, TIMEOUT, Duration.ZERO);
    }

    private static Map<String, String> tls(Map<String, String> keys) {
        Map<String, String> env = new HashMap<>(keys);
        env.put("SCHEDULER_ADMIN__TLS__ENABLED", "true");
        env.put("SCHEDULER_ADMIN__TLS__CA", ca.pem().toString());
        env.put("SCHEDULER_ADMIN__TLS__CLIENT_AUTH", "peers");
        env.put("SCHEDULER_KAFKA__NUM_STREAM_THREADS", "1");
        return env;
    }

    private static void awaitStableAssignment() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean stable = instances.stream().allMatch(instance -> instance.runner().state() == KafkaStreams.State.RUNNING
                    && instance.runner().streams().metadataForAllStreamsClients().size() == instances.size());
            if (stable) {
                return;
            }
            instances.getFirst().runner().awaitRunning(Duration.ofMillis(200));
        }
        throw new AssertionError("the instances did not settle within " + TIMEOUT);
    }

    @AfterAll
    static void stop() {
        instances.forEach(SchedulerInstance::close);
        if (broker != null) {
            broker.close();
        }
    }

    /** A client trusting {@code tls} (empty: the JVM's trusted CAs). */
    private static HttpClient client(Optional<SSLContext> tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        tls.ifPresent(builder::sslContext);
        return builder.build();
    }

    private static SSLContext trustingTheCa() {
        return AdminTlsSettings.trusting(ca.pem());
    }

    private static HttpResponse<String> get(HttpClient client, String url, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String https(SchedulerInstance instance, String path) {
        return "https://localhost:" + instance.adminPort() + path;
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return WireJson.MAPPER.readTree(response.body());
    }

    @Test
    void aClientTrustingTheCaGetsAnswersOverHttps() throws Exception {
        HttpClient client = client(Optional.of(trustingTheCa()));
        for (SchedulerInstance instance : instances) {
            HttpResponse<String> paused = get(client, https(instance, "/admin/paused"), AdminApiIT.VIEWER);
            assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
            assertThat(json(paused).path("entities").findValuesAsText("id")).containsExactly("storm");
            assertThat(paused.sslSession()).isPresent();
            // probes and scrapers need no client certificate
            assertThat(get(client, https(instance, "/observe/health/ready"), "none").statusCode()).isEqualTo(200);
            assertThat(get(client, https(instance, "/metrics"), "none").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void plainHttpToTheTlsPortIsRefused() {
        for (SchedulerInstance instance : instances) {
            String url = "http://localhost:" + instance.adminPort() + "/admin/paused";
            assertThatThrownBy(() -> get(client(Optional.empty()), url, AdminApiIT.VIEWER)).as(url)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        String url = https(instances.getFirst(), "/admin/paused");
        assertThatThrownBy(() -> get(client(Optional.empty()), url, AdminApiIT.VIEWER)).as("the JVM's CAs")
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> get(client(Optional.of(AdminTlsSettings.trusting(rogueCa.pem()))), url, AdminApiIT.VIEWER))
                .as("another CA").isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void internalRefusesAPeerWithoutAClientCertificateFromTheCa() throws Exception {
        for (SchedulerInstance instance : instances) {
            String url = https(instance, "/internal/status");
            HttpResponse<String> noCertificate = get(client(Optional.of(trustingTheCa())), url, AdminApiIT.PEER);
            assertThat(noCertificate.statusCode()).as("the peer token without a client certificate").isEqualTo(401);
            assertThat(json(noCertificate).path("error").asText()).contains("client certificate");

            SSLContext asPeer = new AdminTlsSettings(true, "", "", keystoreInstance.keystore().toString(),
                    keystoreInstance.keystorePassword(), ca.pem().toString(), ClientAuth.PEERS).peerSslContext();
            HttpResponse<String> withCertificate = get(client(Optional.of(asPeer)), url, AdminApiIT.PEER);
            assertThat(withCertificate.statusCode()).as(withCertificate.body()).isEqualTo(200);
            assertThat(get(client(Optional.of(asPeer)), url, AdminApiIT.VIEWER).statusCode())
                    .as("a client certificate without the peer token").isEqualTo(401);

            // a client certificate from another CA: the JDK's client would not even offer it (the server names
            // the CAs it accepts), so this one presents it whatever the server asks for
            assertThatThrownBy(() -> get(client(Optional.of(alwaysPresenting(rogue))), url, AdminApiIT.PEER))
                    .as("a client certificate from another CA").isInstanceOf(IOException.class);
        }
    }

    /** A client trusting the CA that presents {@code certificate} as its client certificate, whichever CAs the server accepts. */
    private static SSLContext alwaysPresenting(Issued certificate) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(certificate.keystore())) {
            keys.load(in, certificate.keystorePassword().toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, certificate.keystorePassword().toCharArray());
        X509ExtendedKeyManager own = (X509ExtendedKeyManager) keyManagers.getKeyManagers()[0];
        String alias = keys.aliases().nextElement();
        X509ExtendedKeyManager presenting = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {alias};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return alias;
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return alias;
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return new String[0];
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String name) {
                return own.getCertificateChain(name);
            }

            @Override
            public PrivateKey getPrivateKey(String name) {
                return own.getPrivateKey(name);
            }
        };
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {presenting}, trustManagers.getTrustManagers(), null);
        return context;
    }

    @Test
    void theInstancesAnswerForEachOtherOverMutualTls() throws Exception {
        HttpClient client = client(Optional.of(trustingTheCa()));
        for (SchedulerInstance instance : instances) {
            HttpResponse<String> health = get(client, https(instance, "/admin/event-health"), AdminApiIT.VIEWER);
            JsonNode body = json(health);
            assertThat(body.path("complete").asBoolean()).as(health.body()).isTrue();
            assertThat(body.path("instances").findValuesAsText("answered")).containsExactly("true", "true");
            int throughPeer = 0;
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> source = get(client, https(instance, "/admin/sources/service-" + i), AdminApiIT.VIEWER);
                assertThat(source.statusCode()).as(source.body()).isEqualTo(200);
                if (!json(source).path("servedBy").asText().equals("localhost:" + instance.adminPort())) {
                    throughPeer++;
                }
            }
            assertThat(throughPeer).as("sources owned by the other instance, read over /internal").isPositive();
        }
    }

    @Test
    void theCommandLineTrustsItsCaFile() {
        String url = "https://localhost:" + instances.getFirst().adminPort();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int trusting;
        int untrusting;
        try {
            trusting = SchedulerCommand.execute("paused", "--url", url, "--token", AdminApiIT.VIEWER,
                    "--ca-file", ca.pem().toString());
            untrusting = SchedulerCommand.execute("paused", "--url", url, "--token", AdminApiIT.VIEWER);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        assertThat(trusting).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("source  storm");
        assertThat(untrusting).isEqualTo(SchedulerCommand.USER_ERROR);
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith("scheduler: no TLS connection with " + url).contains("--ca-file");
    }

    @Test
    void tlsWithoutACertificateStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SCHEDULER_ADMIN__TLS__ENABLED", "true")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("admin.tls.certificate: TLS needs the server's certificate and key");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SCHEDULER_ADMIN__TLS__ENABLED", "true",
                "SCHEDULER_ADMIN__TLS__KEYSTORE", keystoreInstance.keystore().toString(),
                "SCHEDULER_ADMIN__TLS__CLIENT_AUTH", "peers")))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("admin.tls.ca: is required with client-auth: peers");
        AdminTlsSettings wrongPassword = new AdminTlsSettings(true, "", "", keystoreInstance.keystore().toString(),
                "not-the-password", "", ClientAuth.NONE);
        assertThatThrownBy(wrongPassword::serverTls).isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("admin.tls.keystore: cannot read the PKCS#12 key store")
                .hasMessageContaining("keystore-password");
        AdminTlsSettings certificateAsKey = new AdminTlsSettings(true, pemInstance.certificatePem().toString(),
                pemInstance.certificatePem().toString(), "", "", "", ClientAuth.NONE);
        assertThatThrownBy(certificateAsKey::serverTls).isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("admin.tls.private-key: cannot read " + pemInstance.certificatePem());
    }
}
