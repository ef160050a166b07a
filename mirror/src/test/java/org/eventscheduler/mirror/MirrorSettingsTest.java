package org.eventscheduler.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.eventscheduler.topology.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

class MirrorSettingsTest {
    private static MirrorSettings settings(String url, String password) {
        return new MirrorSettings(url, "scheduler", new Secret(password), true, "", 2, Duration.ofSeconds(1), 10, true, 0,
                new MirrorSettings.RetrySettings(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)),
                new MirrorSettings.BreakerSettings(50, 10, 3, Duration.ofSeconds(10)));
    }

    @Test
    void thePasswordNeverAppearsInTheSettingsText() {
        MirrorSettings settings = settings("jdbc:postgresql://db:5432/scheduler", "s3cret-pa55");
        assertThat(settings.toString()).doesNotContain("s3cret-pa55").contains("password=(hidden)");
        assertThat(settings.password().value()).isEqualTo("s3cret-pa55");
    }

    @Test
    void theUrlInLogLinesAndTheSettingsTextLosesItsSecretsButKeepsItsSslMode() {
        MirrorSettings settings = settings("jdbc:postgresql://db:5432/scheduler?user=x&password=s3cret&sslmode=verify-full"
                + "&sslrootcert=/etc/ca.pem&sslpassword=k3y-pa55", "");
        assertThat(settings.redactedUrl()).isEqualTo("jdbc:postgresql://db:5432/scheduler?user=x&password=(hidden)"
                + "&sslmode=verify-full&sslrootcert=/etc/ca.pem&sslpassword=(hidden)");
        assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("k3y-pa55").contains("sslmode=verify-full");
    }

    @Test
    void aUrlOfAnotherDatabaseIsRefusedWithoutItsSecrets() {
        assertThatThrownBy(() -> settings("jdbc:mysql://db/x?password=s3cret", ""))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("jdbc-url").hasMessageNotContaining("s3cret");
    }

    @Test
    void theGroupDefaultsToTheApplicationIdWithMirror() {
        assertThat(settings("", "").groupIdFor("event-scheduler")).isEqualTo("event-scheduler-mirror");
        assertThat(settings("", "").enabled()).isFalse();
    }
}
