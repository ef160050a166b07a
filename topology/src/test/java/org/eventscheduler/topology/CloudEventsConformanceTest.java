package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.trigger.WorkflowStart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conformance with the CloudEvents SDK's own Kafka serializer ({@code io.cloudevents:cloudevents-kafka}),
 * in both encodings, for every kind of data (JSON, text, binary, none) and every extension type
 * (Integer, Boolean, String, URI, Timestamp): each event is admitted; its attributes are read; its
 * correlation id comes from the {@code correlationid} extension; {@code events.accepted} carries it
 * byte for byte with its headers; and the workflow input of each {@code input} mode is what the
 * CloudEvents JSON format makes of it, whichever encoding the producer chose.
 */
class CloudEventsConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OffsetDateTime TIME = OffsetDateTime.parse("2026-11-28T10:00:00Z");
    private static final OffsetDateTime WHEN = OffsetDateTime.parse("2026-11-27T08:30:00Z");
    private static final byte[] BINARY = {0, 1, 2, (byte) 0xFE, (byte) 0xFF, 'x'};

    private final TopologyFixture fixture = TopologyFixture.withDefaults();

    @AfterEach
    void close() {
        fixture.close();
    }

    /** The kinds of data an event can carry, each with its content type. */
    enum Data {
        JSON_DATA("application/json", "{\"orderId\":\"o-1\",\"amount\":12.5}".getBytes(StandardCharsets.UTF_8)),
        TEXT("text/plain; charset=utf-8", "hello, world".getBytes(StandardCharsets.UTF_8)),
        OCTETS("application/octet-stream", BINARY),
        NONE(null, null);

        final String contentType;
        final byte[] bytes;

        Data(String contentType, byte[] bytes) {
            this.contentType = contentType;
            this.bytes = bytes;
        }
    }

    private static CloudEvent event(String id, String source, Data data) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create(source))
                .withType("com.example.order.created")
                .withTime(TIME)
                .withSubject("order/" + id)
                .withExtension("correlationid", "corr-" + id)
                .withExtension("count", 5)
                .withExtension("flag", true)
                .withExtension("label", "plain text")
                .withExtension("ref", URI.create("https://example.com/orders/" + id))
                .withExtension("when", WHEN);
        if (data.bytes != null) {
            builder.withData(data.contentType, data.bytes);
        }
        return builder.build();
    }

    /** Serializes with the SDK's own Kafka serializer; returns the record as it would be on the topic. */
    private static TestRecord<byte[], byte[]> serialize(CloudEvent event, Encoding encoding, Duration at) {
        try (CloudEventSerializer serializer = new CloudEventSerializer()) {
            Map<String, Object> config = new HashMap<>();
            config.put(CloudEventSerializer.ENCODING_CONFIG, encoding);
            config.put(CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE);
            serializer.configure(config, false);
            RecordHeaders headers = new RecordHeaders();
            byte[] value = serializer.serialize("events.ingress", headers, event);
            return new TestRecord<>(event.getSource().toString().getBytes(StandardCharsets.UTF_8), value, headers,
                    TopologyFixture.T0.plus(at));
        }
    }

    private void defineTriggers() {
        fixture.defineTrigger("as-event", "{\"id\":\"as-event\",\"source-prefix\":\"urn:shop\",\"type\":\"com.example.order.created\","
                + "\"workflow\":\"w\",\"input\":{\"from\":\"event\"}}", Duration.ZERO);
        fixture.defineTrigger("as-data", "{\"id\":\"as-data\",\"source-prefix\":\"urn:shop\",\"type\":\"com.example.order.created\","
                + "\"workflow\":\"w\"}", Duration.ZERO);
        fixture.defineTrigger("as-fields", "{\"id\":\"as-fields\",\"source-prefix\":\"urn:shop\",\"type\":\"com.example.order.created\","
                + "\"workflow\":\"w\",\"input\":{\"fields\":{\"id\":\"/id\",\"subject\":\"/subject\",\"count\":\"/count\","
                + "\"flag\":\"/flag\",\"when\":\"/when\"}}}", Duration.ZERO);
        fixture.defineTrigger("json-orders", "{\"id\":\"json-orders\",\"source-prefix\":\"urn:shop\","
                + "\"type\":\"com.example.order.created\",\"workflow\":\"w\",\"filter\":{\"orderId\":[{\"prefix\":\"o-\"}]}}",
                Duration.ZERO);
    }

    @ParameterizedTest
    @EnumSource(value = Encoding.class, names = {"BINARY", "STRUCTURED"})
    void shouldAdmitEverySdkEventAndBuildEachInputFromItsJsonForm(Encoding encoding) throws Exception {
        defineTriggers();
        List<TestRecord<byte[], byte[]>> sent = new ArrayList<>();
        for (Data data : Data.values()) {
            TestRecord<byte[], byte[]> record = serialize(event("e-" + data, "urn:shop:" + data, data), encoding,
                    Duration.ofMillis(10 + data.ordinal()));
            sent.add(record);
            fixture.ingress.pipeInput(record);
        }

        assertThat(fixture.dlq.readRecordsToList()).as("nothing dead-lettered").isEmpty();
        List<TestRecord<String, byte[]>> accepted = fixture.accepted.readRecordsToList();
        assertThat(accepted).as("every event admitted").hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(accepted.get(i).value()).as("value byte for byte").isEqualTo(sent.get(i).value() == null
                    ? new byte[0] : sent.get(i).value());
            for (Header header : sent.get(i).headers()) {
                assertThat(accepted.get(i).headers().lastHeader(header.key())).as("header " + header.key()).isNotNull()
                        .extracting(Header::value).isEqualTo(header.value());
            }
        }

        Map<String, Map<String, WorkflowStart>> starts = fixture.starts.readRecordsToList().stream()
                .map(TestRecord::value)
                .collect(Collectors.groupingBy(WorkflowStart::triggerId,
                        Collectors.toMap(WorkflowStart::eventId, start -> start)));
        assertThat(starts.get("json-orders")).as("the filter matches JSON data only, and fails on nothing")
                .containsOnlyKeys("e-JSON_DATA");
        for (Data data : Data.values()) {
            String id = "e-" + data;
            WorkflowStart asEvent = starts.get("as-event").get(id);
            assertThat(asEvent.correlationId()).isEqualTo("corr-" + id);
            JsonNode event = asEvent.input();
            assertThat(event.get("specversion").asText()).isEqualTo("1.0");
            assertThat(event.get("id").asText()).isEqualTo(id);
            assertThat(event.get("source").asText()).isEqualTo("urn:shop:" + data);
            assertThat(event.get("type").asText()).isEqualTo("com.example.order.created");
            assertThat(OffsetDateTime.parse(event.get("time").asText())).isEqualTo(TIME);
            assertThat(event.get("subject").asText()).isEqualTo("order/" + id);
            assertThat(event.get("count").isInt()).as("Integer extension").isTrue();
            assertThat(event.get("count").asInt()).isEqualTo(5);
            assertThat(event.get("flag").isBoolean()).as("Boolean extension").isTrue();
            assertThat(event.get("flag").asBoolean()).isTrue();
            assertThat(event.get("label").asText()).isEqualTo("plain text");
            assertThat(event.get("ref").asText()).isEqualTo("https://example.com/orders/" + id);
            assertThat(OffsetDateTime.parse(event.get("when").asText())).as("Timestamp extension").isEqualTo(WHEN);
            assertThat(event.get("correlationid").asText()).isEqualTo("corr-" + id);

            JsonNode asData = starts.get("as-data").get(id).input();
            switch (data) {
                case JSON_DATA -> {
                    assertThat(event.get("datacontenttype").asText()).isEqualTo("application/json");
                    assertThat(event.get("data")).isEqualTo(JSON.readTree(data.bytes));
                    assertThat(asData).isEqualTo(JSON.readTree(data.bytes));
                }
                case TEXT -> {
                    assertThat(event.get("datacontenttype").asText()).isEqualTo(data.contentType);
                    assertThat(event.get("data").asText()).as("text as a string").isEqualTo("hello, world");
                    assertThat(event.has("data_base64")).isFalse();
                    assertThat(asData.asText()).isEqualTo("hello, world");
                }
                case OCTETS -> {
                    assertThat(event.get("data_base64").asText()).isEqualTo(Base64.getEncoder().encodeToString(BINARY));
                    assertThat(event.has("data")).isFalse();
                    assertThat(asData.asText()).isEqualTo(Base64.getEncoder().encodeToString(BINARY));
                }
                case NONE -> {
                    assertThat(event.has("data")).isFalse();
                    assertThat(event.has("data_base64")).isFalse();
                    assertThat(asData.isNull()).as("from: data without data is null").isTrue();
                }
            }
            JsonNode fields = starts.get("as-fields").get(id).input();
            assertThat(fields.get("id").asText()).isEqualTo(id);
            assertThat(fields.get("subject").asText()).isEqualTo("order/" + id);
            assertThat(fields.get("count").asInt()).isEqualTo(5);
            assertThat(fields.get("flag").asBoolean()).isTrue();
            assertThat(OffsetDateTime.parse(fields.get("when").asText())).isEqualTo(WHEN);
        }
    }

    @Test
    void shouldKeepASharedTriggerRunningWhileOneSourceSendsEventsItsInputCannotUse() {
        fixture.defineTrigger("audit", "{\"id\":\"audit\",\"source-prefix\":\"urn:\",\"type\":\"com.example.order.created\","
                + "\"workflow\":\"audit\",\"input\":{\"fields\":{\"order\":\"/data/orderId\"}}}", Duration.ZERO);
        for (int i = 0; i < 40; i++) {
            for (Encoding encoding : List.of(Encoding.BINARY, Encoding.STRUCTURED)) {
                fixture.ingress.pipeInput(serialize(event("t-" + i + encoding, "urn:texter", Data.TEXT), encoding,
                        Duration.ofMillis(i * 20L)));
                fixture.ingress.pipeInput(serialize(event("o-" + i + encoding, "urn:shop:orders", Data.JSON_DATA),
                        encoding, Duration.ofMillis(i * 20L + 10)));
            }
        }
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).extracting(PauseRecord::key).doesNotContain("trigger:audit").contains("source:urn:texter");
        List<WorkflowStart> starts = fixture.starts.readRecordsToList().stream().map(TestRecord::value).toList();
        assertThat(starts).as("every event of the well-behaved source starts the shared trigger").hasSize(80)
                .allSatisfy(start -> assertThat(start.source()).isEqualTo("urn:shop:orders"));
        assertThat(fixture.dlq.readRecordsToList()).isNotEmpty().allSatisfy(dead -> {
            assertThat(new String(dead.headers().lastHeader("scheduler.reason").value(), StandardCharsets.UTF_8))
                    .isEqualTo("trigger-input-unavailable");
            assertThat(new String(dead.headers().lastHeader("scheduler.source").value(), StandardCharsets.UTF_8))
                    .isEqualTo("urn:texter");
        });
    }
}
