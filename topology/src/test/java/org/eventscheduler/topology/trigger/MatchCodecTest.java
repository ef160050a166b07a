package org.eventscheduler.topology.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.eventscheduler.topology.SchedulerHeaders;
import org.junit.jupiter.api.Test;

/** The by-trigger topic's match format: binary both ways, and JSON matches of earlier versions still read. */
class MatchCodecTest {
    private final Serde<TriggerInput> serde = TriggerStages.inputSerde();

    @Test
    void shouldCarryEveryFieldAndTheInputBytesAsTheyAre() {
        byte[] input = "{ \"orderId\" : \"o-1\", \"note\": \"ünïcode\" }".getBytes(StandardCharsets.UTF_8);
        TriggerInput.Match match = new TriggerInput.Match("t", "w", "e-1", "urn:shop/ä", "order.created", "corr",
                Optional.of(input), Optional.empty());
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = serde.serializer().serialize("by-trigger", headers, match);
        assertThat(bytes[0]).as("binary, not JSON").isEqualTo(MatchCodec.VERSION);

        TriggerInput.Match read = (TriggerInput.Match) serde.deserializer().deserialize("by-trigger", headers, bytes);
        assertThat(read.input()).hasValueSatisfying(value -> assertThat(value).isEqualTo(input));
        assertThat(read).usingRecursiveComparison().ignoringFields("input").isEqualTo(match);

        TriggerInput.Match failed = new TriggerInput.Match("t", "w", "e-2", "s", "x", "c", Optional.empty(),
                Optional.of("evaluation failed"));
        TriggerInput.Match readFailed = (TriggerInput.Match) serde.deserializer().deserialize("by-trigger", headers,
                serde.serializer().serialize("by-trigger", headers, failed));
        assertThat(readFailed.input()).isEmpty();
        assertThat(readFailed.error()).contains("evaluation failed");
    }

    @Test
    void shouldStillReadAMatchWrittenAsJsonByAnEarlierVersion() {
        RecordHeaders headers = new RecordHeaders();
        SchedulerHeaders.put(headers, SchedulerHeaders.KIND, "match");
        byte[] json = ("{\"triggerId\":\"t\",\"workflow\":\"w\",\"eventId\":\"e-1\",\"source\":\"s\",\"type\":\"x\","
                + "\"correlationId\":\"c\",\"input\":{\"orderId\":\"o-1\"}}").getBytes(StandardCharsets.UTF_8);
        TriggerInput.Match read = (TriggerInput.Match) serde.deserializer().deserialize("by-trigger", headers, json);
        assertThat(read.triggerId()).isEqualTo("t");
        assertThat(new String(read.input().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":\"o-1\"}");
    }
}
