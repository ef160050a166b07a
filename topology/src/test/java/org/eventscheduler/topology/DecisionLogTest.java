package org.eventscheduler.topology;

import org.eventscheduler.topology.pause.EntityType;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The log lines of safeguard decisions: one per throttle episode, pause, resume and DLQ write, each with the
 * correlation id, the entity and the reason code as key-value pairs (fields of the JSON line), and
 * none per admitted or throttled event at INFO: a storm logs when throttling starts and when it pauses.
 */
class DecisionLogTest {
    private final TopologyFixture fixture = TopologyFixture.withDefaults();
    private final Logger schedulerLogger = (Logger) LoggerFactory.getLogger("org.eventscheduler");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level previousLevel;

    @BeforeEach
    void capture() {
        previousLevel = schedulerLogger.getLevel();
        schedulerLogger.setLevel(Level.DEBUG);
        lines.start();
        schedulerLogger.addAppender(lines);
    }

    @AfterEach
    void release() {
        schedulerLogger.detachAppender(lines);
        schedulerLogger.setLevel(previousLevel);
        fixture.close();
    }

    private static Map<String, String> fields(ILoggingEvent line) {
        Map<String, String> fields = new LinkedHashMap<>();
        List<KeyValuePair> pairs = line.getKeyValuePairs() == null ? List.of() : line.getKeyValuePairs();
        pairs.forEach(pair -> fields.put(pair.key, String.valueOf(pair.value)));
        return fields;
    }

    private List<ILoggingEvent> atInfo() {
        return lines.list.stream().filter(line -> line.getLevel().isGreaterOrEqual(Level.INFO)).toList();
    }

    @Test
    void aStormLogsItsThrottleAndPauseOnceAndNotOneLinePerEvent() {
        fixture.sendSpread("storm", 3000, Duration.ZERO, Duration.ofSeconds(3));

        assertThat(fixture.held(EntityType.SOURCE, "storm")).isEqualTo(2000);
        List<ILoggingEvent> info = atInfo();
        assertThat(info).as("3,000 events: one line when throttling starts, one for the pause")
                .extracting(line -> fields(line).get("reason")).containsExactly("over-limit", "rate-limit-exceeded");
        assertThat(fields(info.getFirst())).containsEntry("correlation_id", "storm-0-1000")
                .containsEntry("entity", "source:storm");
        assertThat(fields(info.get(1))).containsEntry("correlation_id", "storm-0-1999")
                .containsEntry("entity", "source:storm")
                .containsEntry("reason", "rate-limit-exceeded")
                .containsEntry("shadow", "false");
    }

    @Test
    void operatorPauseAndResumeLogTheirReasonAndEntity() {
        fixture.send("e-1", "shop", Duration.ZERO);
        fixture.command("pause", "source", "shop", null, Duration.ofSeconds(1));
        fixture.command("resume", "source", "shop", null, Duration.ofSeconds(2));

        List<Map<String, String>> decisions = atInfo().stream().map(DecisionLogTest::fields).toList();
        assertThat(decisions).extracting(f -> f.get("reason")).containsExactly("operator-pause", "operator-resume");
        assertThat(decisions).allSatisfy(f -> {
            assertThat(f).containsEntry("entity", "source:shop");
            assertThat(f.get("correlation_id")).isNotBlank();
        });
    }

    @Test
    void aDeadLetterIsLoggedAtDebugWithItsReasonAndCorrelationId() {
        fixture.sendRaw(Events.utf8("key-1"), Events.utf8("{not json"), new RecordHeaders(), Duration.ZERO);

        assertThat(fixture.dlq.readRecordsToList()).hasSize(1);
        assertThat(atInfo()).as("a malformed event is not an INFO line: the DLQ carries it").isEmpty();
        List<ILoggingEvent> debug = lines.list.stream()
                .filter(line -> line.getLoggerName().endsWith("DeadLetters")).toList();
        assertThat(debug).hasSize(1);
        assertThat(fields(debug.getFirst())).containsEntry("correlation_id", "events.ingress-0@0")
                .containsEntry("reason", "invalid-json")
                .containsKey("entity");
    }

    @Test
    void aTriggerBreakerLogsItsOpeningAndHalfOpeningWithTheTriggerAndTheReason() {
        fixture.defineTrigger("flaky", "{\"id\":\"flaky\",\"source\":\"shop\",\"type\":\"order.created\","
                + "\"workflow\":\"billing\"}", Duration.ZERO);
        for (int i = 0; i < 10; i++) {
            fixture.sendRaw(Events.utf8("shop"), Events.structured("o-" + i, "shop", "order.created"), new RecordHeaders(),
                    Duration.ofMillis(i));
        }
        for (int i = 0; i < 10; i++) {
            fixture.result("flaky", "o-" + i, "FAILED", Duration.ofSeconds(1).plusMillis(i));
        }
        // after the 30 s open state, the next match is a probe: the breaker goes half-open
        fixture.sendRaw(Events.utf8("shop"), Events.structured("probe", "shop", "order.created"), new RecordHeaders(),
                Duration.ofSeconds(40));

        List<Map<String, String>> decisions = atInfo().stream().map(DecisionLogTest::fields)
                .filter(f -> "trigger:flaky".equals(f.get("entity"))).toList();
        assertThat(decisions).extracting(f -> f.get("reason")).containsExactly("error-rate", "breaker-half-open");
        assertThat(decisions.getFirst()).containsEntry("correlation_id", "o-9").containsEntry("shadow", "false");
        assertThat(decisions.get(1)).containsEntry("correlation_id", "probe");
    }
}
