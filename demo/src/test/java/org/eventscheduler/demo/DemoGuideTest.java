package org.eventscheduler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.junit.jupiter.api.Test;

class DemoGuideTest {
    private static final String BROKER = "localhost:19092";
    private static final String DATABASE = "jdbc:postgresql://localhost:15432/postgres";

    @Test
    void shouldPrintTheFiguresOfTheShippedDefaults() {
        String guide = DemoGuide.text(ConfigLoader.load(Optional.empty(), Map.of()), BROKER, DATABASE);

        assertThat(guide)
                .contains("Traffic: 5 well-behaved sources at 20 events/s each; clickstream-firehose storms at 400 events/s")
                .contains("(30 s on, 90 s off) against the default limit of " + String.format("%,d", 1000)
                        + " events per 10 s (action pause);")
                .contains("one malformed event every 2000 ms.")
                .contains("every 5 s below")
                .contains("(60 s, growing on repeated pauses) and its rate is back under 80% of the limit")
                .contains("probed every 30 s")
                .contains("./scheduler tail scheduler.dlq --bootstrap-servers localhost:19092");
    }

    @Test
    void shouldPrintTheFiguresOfTheConfigurationItRunsWith() {
        SchedulerConfig config = ConfigLoader.load(Optional.empty(), Map.of(
                "SCHEDULER_DEMO__CALM_SOURCES", "3",
                "SCHEDULER_DEMO__STORM_EVENTS_PER_SECOND", "250",
                "SCHEDULER_SOURCES__RATE_LIMIT__MAX_EVENTS", "700",
                "SCHEDULER_RATE_WINDOW__SIZE", "20s",
                "SCHEDULER_PAUSE_POLICY__COOLDOWN", "45s",
                "SCHEDULER_PAUSE_POLICY__COOLDOWN_MULTIPLIER", "1.0",
                "SCHEDULER_PAUSE_POLICY__RESUME_BELOW_RATIO", "0.5",
                "SCHEDULER_TRIGGERS__BREAKER__WAIT_IN_OPEN_STATE", "1500ms",
                "SCHEDULER_TOPICS__DLQ", "demo.dlq"));

        String guide = DemoGuide.text(config, BROKER, DATABASE);

        assertThat(guide)
                .contains("Traffic: 3 well-behaved sources at 20 events/s each; clickstream-firehose storms at 250 events/s")
                .contains("against the default limit of 700 events per 20 s (action pause);")
                .contains("(45 s) and its rate is back under 50% of the limit")
                .contains("probed every 1500 ms")
                .contains("./scheduler tail demo.dlq --bootstrap-servers localhost:19092");
    }
}
