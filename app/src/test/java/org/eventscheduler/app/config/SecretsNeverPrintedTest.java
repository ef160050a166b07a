package org.eventscheduler.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every settings record that holds a token, a password or a key prints without it: a configuration with
 * every kind of secret set, and the text of each record that holds one (and of the whole configuration,
 * which is what a start-up log line or an exception would show).
 */
class SecretsNeverPrintedTest {
    private static final String ADMIN_TOKEN = "admin-s3cret-0123456789";
    private static final String PEER_TOKEN = "peer-s3cret-0123456789";
    private static final String SASL_PASSWORD = "sasl-s3cret-pa55";
    private static final String TRUSTSTORE_PASSWORD = "truststore-s3cret";
    private static final String KEYSTORE_PASSWORD = "keystore-s3cret";
    private static final String KEY_PASSWORD = "key-s3cret";
    private static final String INLINE_KEY = "-----BEGIN PRIVATE KEY-----inline-s3cret";
    private static final String DB_PASSWORD = "db-s3cret-pa55";
    private static final String URL_PASSWORD = "url-s3cret-pa55";
    private static final String ADMIN_KEYSTORE_PASSWORD = "admin-keystore-s3cret";
    private static final List<String> SECRETS = List.of(ADMIN_TOKEN, PEER_TOKEN, SASL_PASSWORD, TRUSTSTORE_PASSWORD,
            KEYSTORE_PASSWORD, KEY_PASSWORD, INLINE_KEY, DB_PASSWORD, URL_PASSWORD, ADMIN_KEYSTORE_PASSWORD);

    @TempDir
    Path dir;

    private SchedulerConfig configWithEverySecret() throws IOException {
        Path file = dir.resolve("scheduler.yaml");
        // the settings check that the key store is readable; its content is not read here
        Path keystore = Files.writeString(dir.resolve("admin.p12"), "");
        Files.writeString(file, """
                kafka:
                  client-properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: SCRAM-SHA-512
                    sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="scheduler" password="%s";
                    ssl.truststore.location: /etc/kafka/truststore.p12
                    ssl.truststore.password: %s
                    ssl.keystore.password: %s
                    ssl.key.password: %s
                    ssl.keystore.key: "%s"
                admin:
                  tokens:
                    - {name: alice, role: operator, token: %s}
                    - {name: grafana, role: viewer, sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef}
                  peer-token: %s
                  tls:
                    enabled: true
                    keystore: %s
                    keystore-password: %s
                mirror:
                  jdbc-url: jdbc:postgresql://db:5432/scheduler?sslmode=verify-full&password=%s
                  username: scheduler
                  password: %s
                """.formatted(SASL_PASSWORD, TRUSTSTORE_PASSWORD, KEYSTORE_PASSWORD, KEY_PASSWORD, INLINE_KEY, ADMIN_TOKEN,
                PEER_TOKEN, keystore, ADMIN_KEYSTORE_PASSWORD, URL_PASSWORD, DB_PASSWORD));
        return ConfigLoader.load(Optional.of(file), Map.of());
    }

    private static void assertNoSecretIn(String text) {
        for (String secret : SECRETS) {
            assertThat(text).doesNotContain(secret);
        }
    }

    @Test
    void theWholeConfigurationPrintsWithoutItsSecrets() throws IOException {
        SchedulerConfig config = configWithEverySecret();
        assertNoSecretIn(config.toString());
        // what the configuration is still shows
        assertThat(config.toString()).contains("security.protocol=SASL_SSL", "sslmode=verify-full", "name=alice");
    }

    @Test
    void kafkaSettingsHideSecretClientProperties() throws IOException {
        KafkaSettings kafka = configWithEverySecret().kafka();
        assertNoSecretIn(kafka.toString());
        assertThat(kafka.redactedClientProperties()).containsEntry("sasl.jaas.config", "(hidden)")
                .containsEntry("ssl.truststore.password", "(hidden)").containsEntry("ssl.keystore.key", "(hidden)")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12");
        assertThat(kafka.clientProperties()).containsEntry("ssl.key.password", KEY_PASSWORD);
    }

    @Test
    void adminSettingsAndTokensHideTheTokens() throws IOException {
        var admin = configWithEverySecret().admin();
        assertNoSecretIn(admin.toString());
        assertThat(admin.toString()).contains("peerToken=(hidden)", "token=(hidden)", "keystorePassword=(hidden)");
        admin.tokens().forEach(token -> assertNoSecretIn(token.toString()));
        assertNoSecretIn(admin.tls().toString());
        assertThat(admin.peerToken()).isEqualTo(PEER_TOKEN);
        assertThat(admin.tls().keystorePassword()).isEqualTo(ADMIN_KEYSTORE_PASSWORD);
    }

    @Test
    void mirrorSettingsHideThePasswordAndTheUrlsSecrets() throws IOException {
        var mirror = configWithEverySecret().mirror();
        assertNoSecretIn(mirror.toString());
        assertThat(mirror.toString()).contains("password=(hidden)", "sslmode=verify-full");
        assertThat(mirror.jdbcUrl()).contains("sslmode=verify-full").contains(URL_PASSWORD);
    }
}
