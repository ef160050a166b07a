package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.junit.jupiter.api.Test;

/** {@code ingress.publish-accepted}: {@code events.accepted} written by default, not at all when switched off. */
class PublishAcceptedTest {
    private static final String TRIGGER = "{\"id\":\"fulfil\",\"source\":\"orders\",\"type\":\"com.example.order.created\",\"workflow\":\"w\"}";

    private static TopologyConfig config(boolean publish) {
        return TopologyFixture.config(new RateLimit(1000, LimitAction.PAUSE), List.of(), 1024 * 1024)
                .withPublishAccepted(publish);
    }

    @Test
    void shouldPublishAdmittedEventsByDefault() {
        try (TopologyFixture fixture = new TopologyFixture(config(true))) {
            fixture.defineTrigger("fulfil", TRIGGER, Duration.ZERO);
            fixture.send("e-1", "orders", Duration.ofMillis(1));
            assertThat(fixture.accepted.readRecordsToList().stream().map(org.apache.kafka.streams.test.TestRecord::key).toList()).containsExactly("orders");
        }
    }

    @Test
    void shouldStartWorkflowsWithoutWritingAcceptedWhenSwitchedOff() {
        try (TopologyFixture fixture = new TopologyFixture(config(false))) {
            fixture.defineTrigger("fulfil", TRIGGER, Duration.ZERO);
            fixture.send("e-1", "orders", Duration.ofMillis(1));
            fixture.send("e-2", "billing", Duration.ofMillis(2));
            assertThat(fixture.accepted.isEmpty()).isTrue();
            assertThat(fixture.starts.readRecordsToList().stream().map(org.apache.kafka.streams.test.TestRecord::key).toList()).containsExactly("fulfil");
            assertThat(fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "accepted")).isEqualTo(2);
        }
    }

    @Test
    void shouldKeepEveryInternalTopicAndStoreNameWhenSwitchedOff() {
        String on = describe(true);
        String off = describe(false);
        assertThat(on).contains("accepted-sink");
        assertThat(off).doesNotContain("accepted-sink").doesNotContain("events.accepted");
        assertThat(resources(on)).contains("by-source-repartition", "by-trigger-repartition", "source-states",
                "trigger-states", "events.accepted", "workflow.starts");
        assertThat(resources(off)).isEqualTo(resources(on).stream().filter(name -> !name.equals("events.accepted")).toList());
    }

    /** Every topic and store the description names, sorted: what an upgrade must find again. */
    private static List<String> resources(String description) {
        return java.util.regex.Pattern.compile("(?:topics?|stores): \\[?([^\\])\\n]+)").matcher(description).results()
                .flatMap(match -> java.util.Arrays.stream(match.group(1).split(", ")))
                .filter(name -> !name.isBlank()).distinct().sorted().toList();
    }

    private static String describe(boolean publish) {
        return SchedulerTopology.build(config(publish), new SchedulerMetrics(new SimpleMeterRegistry()))
                .describe().toString();
    }
}
