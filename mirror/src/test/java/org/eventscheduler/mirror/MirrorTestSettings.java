package org.eventscheduler.mirror;

import java.time.Duration;

/** Mirror settings for tests: short timeouts and backoffs, so that an outage is noticed in a second. */
public final class MirrorTestSettings {
    private MirrorTestSettings() {
    }

    public static MirrorSettings forUrl(String jdbcUrl) {
        return new MirrorSettings(jdbcUrl, "postgres", new Secret(""), true, "", 2, Duration.ofMillis(500), 100, true,
                0, new MirrorSettings.RetrySettings(2, Duration.ofMillis(50), 2.0, Duration.ofMillis(200)),
                new MirrorSettings.BreakerSettings(50, 4, 2, Duration.ofMillis(500)));
    }
}
