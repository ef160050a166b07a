package org.eventscheduler.topology.trigger;

import org.eventscheduler.topology.pause.EntityType;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.Events;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.TopologyFixture;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TriggerTopologyTest {
    private final TopologyFixture fixture = TopologyFixture.withDefaults();

    @AfterEach
    void close() {
        fixture.close();
    }

    static String header(TestRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void send(String id, String source, String type, String data) {
        fixture.sendRaw(Events.utf8(source), Events.utf8("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\""
                + source + "\",\"type\":\"" + type + "\",\"data\":" + data + "}"), new RecordHeaders(), Duration.ofMillis(1));
    }

    private List<String> startedTriggers() {
        return fixture.starts.readRecordsToList().stream().map(TestRecord::key).toList();
    }

    @Test
    void shouldMatchBySourceAndTypeExactlyOrByPrefix() {
        fixture.defineTrigger("exact", "{\"id\":\"exact\",\"source\":\"orders\",\"type\":\"order.created\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.defineTrigger("source-prefix", "{\"id\":\"source-prefix\",\"source-prefix\":\"ord\",\"type\":\"order.created\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.defineTrigger("any-source", "{\"id\":\"any-source\",\"type-prefix\":\"order.\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.defineTrigger("other-type", "{\"id\":\"other-type\",\"source\":\"orders\",\"type\":\"order.cancelled\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.defineTrigger("disabled", "{\"id\":\"disabled\",\"enabled\":false,\"source\":\"orders\",\"type\":\"order.created\",\"workflow\":\"w\"}", Duration.ZERO);

        send("e-1", "orders", "order.created", "{}");
        assertThat(startedTriggers()).containsExactlyInAnyOrder("any-source", "exact", "source-prefix");
        send("e-2", "billing", "order.created", "{}");
        assertThat(startedTriggers()).containsExactly("any-source");
        send("e-3", "billing", "invoice.paid", "{}");
        assertThat(startedTriggers()).isEmpty();
        assertThat(fixture.counter(SchedulerMetrics.TRIGGER_MATCHES)).isEqualTo(4);
    }

    @Test
    void shouldWriteOneStartPerMatchWithItsInputAndTheEventsHeaders() {
        fixture.defineTrigger("fulfil", """
                {"id":"fulfil","source":"orders","type":"order.created","workflow":"fulfilment",
                 "filter":{"amount":[{"numeric":[">",100]}]},
                 "input":{"from":"fields","fields":{"order":"/data/orderId","origin":"/source"}}}""", Duration.ZERO);
        var headers = new RecordHeaders();
        headers.add("traceparent", Events.utf8("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        headers.add(SchedulerHeaders.CORRELATION_ID, Events.utf8("corr-7"));
        fixture.sendRaw(Events.utf8("orders"), Events.utf8("""
                {"specversion":"1.0","id":"e-9","source":"orders","type":"order.created","data":{"orderId":"o-1","amount":250}}"""),
                headers, Duration.ZERO);
        send("e-10", "orders", "order.created", "{\"orderId\":\"o-2\",\"amount\":50}");

        List<TestRecord<String, WorkflowStart>> starts = fixture.starts.readRecordsToList();
        assertThat(starts).hasSize(1);
        WorkflowStart start = starts.getFirst().value();
        assertThat(starts.getFirst().key()).isEqualTo("fulfil");
        assertThat(start.workflow()).isEqualTo("fulfilment");
        assertThat(start.triggerId()).isEqualTo("fulfil");
        assertThat(start.eventId()).isEqualTo("e-9");
        assertThat(start.source()).isEqualTo("orders");
        assertThat(start.type()).isEqualTo("order.created");
        assertThat(start.correlationId()).isEqualTo("corr-7");
        assertThat(start.input().toString()).isEqualTo("{\"order\":\"o-1\",\"origin\":\"orders\"}");
        assertThat(header(starts.getFirst(), "traceparent")).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(header(starts.getFirst(), SchedulerHeaders.CORRELATION_ID)).isEqualTo("corr-7");
        assertThat(header(starts.getFirst(), SchedulerHeaders.TRIGGER)).isEqualTo("fulfil");
        assertThat(header(starts.getFirst(), SchedulerHeaders.ORIGIN)).isEqualTo("events.ingress-0@0");
        assertThat(header(starts.getFirst(), SchedulerHeaders.KIND)).as("internal header removed").isNull();
    }

    @Test
    void shouldPassDataOrTheWholeEventAsInput() {
        fixture.defineTrigger("data", "{\"id\":\"data\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.defineTrigger("event", "{\"id\":\"event\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\",\"input\":{\"from\":\"event\"}}", Duration.ZERO);
        send("e-1", "s", "t", "{\"x\":1}");
        List<TestRecord<String, WorkflowStart>> starts = fixture.starts.readRecordsToList();
        assertThat(starts.get(0).value().input().toString()).isEqualTo("{\"x\":1}");
        assertThat(starts.get(1).value().input().path("id").asText()).isEqualTo("e-1");
        assertThat(starts.get(1).value().input().path("data").path("x").asInt()).isEqualTo(1);
    }

    @Test
    void shouldApplyEachFilterOperatorToTheEventsData() {
        Map<String, String> filters = new java.util.LinkedHashMap<>();
        filters.put("exact", "{\"status\":[\"NEW\",\"PENDING\"]}");
        filters.put("prefix", "{\"region\":[{\"prefix\":\"eu-\"}]}");
        filters.put("numeric", "{\"amount\":[{\"numeric\":[\">\",100,\"<=\",1000]}]}");
        filters.put("exists", "{\"coupon\":[{\"exists\":true}]}");
        filters.put("not-exists", "{\"coupon\":[{\"exists\":false}]}");
        filters.put("anything-but", "{\"env\":[{\"anything-but\":[\"test\",\"dev\"]}]}");
        filters.put("nested-and-array", "{\"customer\":{\"tier\":[\"gold\"]},\"tags\":[\"urgent\"]}");
        filters.forEach((id, filter) -> fixture.defineTrigger(id, "{\"id\":\"" + id
                + "\",\"source\":\"shop\",\"type\":\"order.created\",\"workflow\":\"w\",\"filter\":" + filter + "}",
                Duration.ZERO));

        send("e-1", "shop", "order.created", """
                {"status":"PENDING","region":"eu-west-1","amount":250,"coupon":"X","env":"prod",
                 "customer":{"tier":"gold"},"tags":["a","urgent"]}""");
        assertThat(startedTriggers()).containsExactlyInAnyOrder("exact", "prefix", "numeric", "exists", "anything-but",
                "nested-and-array");
        send("e-2", "shop", "order.created", """
                {"status":"DONE","region":"us-east-1","amount":100,"env":"dev","customer":{"tier":"silver"},"tags":["urgent"]}""");
        assertThat(startedTriggers()).containsExactly("not-exists");
        send("e-3", "shop", "order.created", "{\"amount\":1000,\"coupon\":null,\"customer\":\"gold\",\"tags\":[\"urgent\"]}");
        assertThat(startedTriggers()).as("boundary included; null exists; a string is not a nested object")
                .containsExactlyInAnyOrder("numeric", "exists");
    }

    @Test
    void shouldMatchTenThousandTriggersThroughTheIndex() {
        for (int i = 0; i < 10_000; i++) {
            fixture.defineTrigger("t-" + i, "{\"id\":\"t-" + i + "\",\"source\":\"service-" + (i % 1000)
                    + "\",\"type\":\"type-" + (i / 1000) + "\",\"workflow\":\"w\"}", Duration.ZERO);
        }
        send("e-1", "service-42", "type-7", "{}");
        assertThat(startedTriggers()).containsExactly("t-7042");
        send("e-2", "service-999", "type-0", "{}");
        assertThat(startedTriggers()).containsExactly("t-999");
    }

    @Test
    void shouldRejectAnInvalidDefinitionWithoutDisturbingTheOthers() {
        fixture.defineTrigger("good", "{\"id\":\"good\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.defineTrigger("bad", "{\"id\":\"bad\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\",\"filter\":{\"n\":[{\"numeric\":[\"~\",1]}]}}", Duration.ZERO);
        fixture.defineTrigger("unknown-key", "{\"id\":\"unknown-key\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\",\"priority\":3}", Duration.ZERO);
        fixture.defineTrigger("no-json", "{not json", Duration.ZERO);

        send("e-1", "s", "t", "{\"n\":1}");
        assertThat(startedTriggers()).containsExactly("good");
        assertThat(fixture.counter(SchedulerMetrics.TRIGGER_DEFINITIONS_REJECTED)).isEqualTo(3);
    }

    @Test
    void shouldStopMatchingAfterATombstoneOrAnInvalidUpdate() {
        fixture.defineTrigger("a", "{\"id\":\"a\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.defineTrigger("b", "{\"id\":\"b\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\"}", Duration.ZERO);
        send("e-1", "s", "t", "{}");
        assertThat(startedTriggers()).containsExactly("a", "b");

        fixture.triggers.pipeInput("a", (byte[]) null);
        fixture.defineTrigger("b", "{\"id\":\"b\",\"source\":\"s\",\"workflow\":\"w\"}", Duration.ZERO);
        send("e-2", "s", "t", "{}");
        assertThat(startedTriggers()).isEmpty();

        fixture.defineTrigger("b", "{\"id\":\"b\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w2\"}", Duration.ZERO);
        send("e-3", "s", "t", "{}");
        assertThat(fixture.starts.readRecordsToList()).extracting(r -> r.value().workflow()).containsExactly("w2");
    }

    @Test
    void shouldDeadLetterAnEventTheTriggerCannotBuildItsInputFrom() {
        fixture.defineTrigger("needs-order", "{\"id\":\"needs-order\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\",\"input\":{\"fields\":{\"order\":\"/data/orderId\"}}}", Duration.ZERO);
        fixture.defineTrigger("fine", "{\"id\":\"fine\",\"source\":\"s\",\"type\":\"t\",\"workflow\":\"w\"}", Duration.ZERO);
        send("e-1", "s", "t", "{\"other\":1}");

        assertThat(startedTriggers()).containsExactly("fine");
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.getFirst(), SchedulerHeaders.REASON)).isEqualTo("trigger-input-unavailable");
        assertThat(header(dead.getFirst(), SchedulerHeaders.TRIGGER)).isEqualTo("needs-order");
        assertThat(header(dead.getFirst(), SchedulerHeaders.SOURCE)).isEqualTo("s");
        assertThat(header(dead.getFirst(), SchedulerHeaders.ORIGIN)).isEqualTo("events.ingress-0@0");
        assertThat(header(dead.getFirst(), "__streams.errors.message")).contains("/data/orderId not found");
        assertThat(dead.getFirst().value()).as("the event itself, as it arrived")
                .isEqualTo(Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"other\":1}}"));
        assertThat(fixture.counter(SchedulerMetrics.DLQ_EVENTS, "reason", "trigger-input-unavailable")).isEqualTo(1);
        assertThat(fixture.accepted.readRecordsToList()).as("the event was admitted all the same").hasSize(1);
    }

    @Test
    void shouldLimitATriggerAcrossSourcesAndPartitions() {
        fixture.defineTrigger("busy", "{\"id\":\"busy\",\"type\":\"t\",\"workflow\":\"w\",\"rate-limit\":{\"max-events\":100,\"action\":\"throttle\"}}", Duration.ZERO);
        for (int i = 0; i < 150; i++) {
            for (String source : List.of("a", "b", "c")) {
                fixture.sendRaw(Events.utf8(source), Events.structured(source + "-" + i, source, "t"), new RecordHeaders(),
                        Duration.ofMillis(i * 10L));
            }
        }
        assertThat(fixture.starts.readRecordsToList()).hasSize(100);
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "busy")).hasSize(350)
                .allSatisfy(r -> assertThat(r.reason()).isEqualTo("trigger-rate-limited"));
        assertThat(fixture.accepted.readRecordsToList()).as("sources are within their own limits").hasSize(450);
    }

    @Test
    void shouldCountAndIgnoreResultsOfUnknownTriggers() {
        fixture.result("nobody", "e-1", "failed", Duration.ZERO);
        assertThat(fixture.counter(SchedulerMetrics.START_RESULTS, "outcome", "unknown")).isEqualTo(1);
        assertThat(fixture.pauseChanges()).isEmpty();
        assertThat(fixture.dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterUnreadableStartResults() {
        fixture.startResults.pipeInput(Events.utf8("x"), Events.utf8("{\"eventId\":\"e\",\"triggerId\":\"t\",\"status\":\"maybe\"}"));
        fixture.startResults.pipeInput(Events.utf8("x"), Events.utf8("not json"));
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(2).allSatisfy(r ->
                assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("invalid-start-result"));
        assertThat(header(dead.getFirst(), "__streams.errors.message")).contains("unknown status maybe");
    }
}
