package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.trigger.TriggerHome;
import org.eventscheduler.topology.trigger.WorkflowStart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Granted budget (issue 21, part 2): a shared trigger's matches start in the source task that made them,
 * from starts its home behind {@code by-trigger} granted that task; only small demands cross to the home,
 * and the grants come back on {@code scheduler.trigger-grants}. The limit still holds over any interval of
 * the window's length; a pause revokes the grants, a resume invites the tasks to ask again, and an
 * operator's release or discard reaches the matches the tasks hold.
 */
class TriggerGrantsTopologyTest {
    private static final String BY_TRIGGER = "topology-test-" + StoreNames.BY_TRIGGER + "-repartition";

    private final TopologyFixture fixture = TopologyFixture.withGrantedBudget();

    @AfterEach
    void close() {
        fixture.close();
    }

    private void defineShared(String extra, Duration at) {
        fixture.defineTrigger("t", "{\"id\":\"t\",\"source-prefix\":\"sho\",\"type\":\"order.created\",\"workflow\":\"w\""
                + extra + "}", at);
    }

    private void order(String id, String source, Duration at) {
        fixture.sendRaw(Events.utf8(source), Events.structured(id, source, "order.created"), new RecordHeaders(), at);
    }

    /** A source task's demand as it crosses {@code by-trigger}: for {@code wanted} starts from {@code bucket}. */
    private void demand(long bucket, int wanted, boolean ahead, Duration at) {
        TestInputTopic<String, byte[]> byTrigger = fixture.driver.createInputTopic(BY_TRIGGER, new StringSerializer(),
                new ByteArraySerializer());
        RecordHeaders headers = new RecordHeaders();
        headers.add(SchedulerHeaders.KIND, Events.utf8("demand"));
        byTrigger.pipeInput(new TestRecord<>("t", Events.utf8("{\"triggerId\":\"t\",\"partition\":0,\"bucket\":" + bucket
                + ",\"wanted\":" + wanted + ",\"matched\":0,\"ahead\":" + ahead
                + ",\"returnedEnd\":0,\"returned\":0,\"used\":0,\"lastUsed\":0}"), headers, TopologyFixture.T0.plus(at)));
    }

    /** The grants the home sent, in order. */
    private List<JsonNode> grants() {
        TestOutputTopic<String, byte[]> grants = fixture.driver.createOutputTopic(TopologyFixture.TOPICS.triggerGrants(),
                new StringDeserializer(), new ByteArrayDeserializer());
        return grants.readRecordsToList().stream().map(record -> {
            try {
                return WireJson.MAPPER.readTree(record.value());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    private static long bucketAt(Duration at) {
        return TopologyFixture.WINDOW.bucketOf(TopologyFixture.T0.plus(at).toEpochMilli());
    }

    private List<String> startedEvents() {
        return fixture.starts.readRecordsToList().stream().map(r -> r.value().eventId()).toList();
    }

    /** The kinds of the records that crossed by-trigger: demand, result, control, or match. */
    private List<String> crossedByTrigger() {
        TestOutputTopic<String, byte[]> byTrigger = fixture.driver.createOutputTopic(BY_TRIGGER, new StringDeserializer(),
                new ByteArrayDeserializer());
        return byTrigger.readRecordsToList().stream()
                .map(r -> new String(r.headers().lastHeader(SchedulerHeaders.KIND).value(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void shouldStartASharedTriggersMatchesInTheSourceTaskAndSendOnlyDemandsToItsHome() {
        defineShared("", Duration.ZERO);
        for (int i = 0; i < 60; i++) {
            order("o-" + i, i % 2 == 0 ? "shop" : "shoe", Duration.ofMillis(1 + i * 10L));
        }

        assertThat(startedEvents()).hasSize(60);
        List<String> crossed = crossedByTrigger();
        assertThat(crossed).as("no match crossed by-trigger, only demands for budget").isNotEmpty()
                .containsOnly("demand");
        assertThat(crossed.size()).as("a demand for many matches, not one per match").isLessThan(15);
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).isEmpty();
    }

    @Test
    void shouldNeverLetMoreThanTheLimitStartInAnyIntervalOfTheWindowWhileManySourcesAsk() {
        defineShared(",\"rate-limit\":{\"max-events\":10,\"action\":\"throttle\"}", Duration.ZERO);
        List<String> sources = List.of("shop", "shoe", "shore");
        for (int i = 0; i < 600; i++) {
            order("o-" + i, sources.get(i % 3), Duration.ofMillis(1 + i * 50L));
        }

        List<Long> times = new ArrayList<>();
        fixture.starts.readRecordsToList().forEach(start -> times.add(start.timestamp()));
        long window = Duration.ofSeconds(10).toMillis();
        for (long at : times) {
            long within = times.stream().filter(t -> t > at - window && t <= at).count();
            assertThat(within).as("starts in the 10 s up to %s", at).isLessThanOrEqualTo(10);
        }
        assertThat(times).as("30 s at 20 matches a second: the limit is used, a window and a bucket at a time")
                .hasSizeGreaterThanOrEqualTo(20);
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).as("the rest waits in the source task")
                .isNotEmpty().allSatisfy(held -> assertThat(held.reason()).isEqualTo("trigger-rate-limited"));
        assertThat(fixture.homeStores(EntityType.TRIGGER, "t")).contains(TriggerHome.Stores.SHARED);
    }

    /**
     * A task half way through its grant asks ahead for the window after it; a task whose matches wait now
     * asks for the bucket it is in. The ahead demand gets only what leaves half the limit free, so the
     * waiting matches still find room (without that rule the ahead demand took all of it).
     */
    @Test
    void shouldLeaveHalfTheLimitToTheMatchesWaitingNowWhenATaskAsksAhead() {
        defineShared(",\"rate-limit\":{\"max-events\":10,\"action\":\"throttle\"}", Duration.ZERO);
        Duration now = Duration.ofSeconds(5);
        demand(bucketAt(now) + 5, 10, true, now);
        demand(bucketAt(now), 10, false, now);

        List<JsonNode> grants = grants();
        assertThat(grants).hasSize(2);
        assertThat(grants.get(0).get("starts").asInt()).as("ahead: what leaves half of the 10 free").isEqualTo(5);
        assertThat(grants.get(1).get("bucket").asLong()).isEqualTo(bucketAt(now));
        assertThat(grants.get(1).get("starts").asInt()).as("now: the half the ahead demand left").isEqualTo(5);
    }

    /**
     * Another task was granted the next window ahead, which moved the ledger's newest end two windows on: a
     * demand for the bucket a task is in is still answered for that bucket, not for a later one that its
     * matches would wait for.
     */
    @Test
    void shouldAnswerADemandForTheBucketItIsInAfterAnotherTaskWasGrantedTheNextWindowAhead() {
        defineShared(",\"rate-limit\":{\"max-events\":10,\"action\":\"throttle\"}", Duration.ZERO);
        Duration now = Duration.ofSeconds(5);
        demand(bucketAt(now) + 5, 2, true, now);
        demand(bucketAt(now), 3, false, now);

        List<JsonNode> grants = grants();
        assertThat(grants).hasSize(2);
        assertThat(grants.get(0).get("end").asLong()).as("far below the limit: the window after, whole")
                .isEqualTo(bucketAt(now) + 5 + 9);
        assertThat(grants.get(1).get("bucket").asLong()).isEqualTo(bucketAt(now));
        assertThat(grants.get(1).get("starts").asInt()).isEqualTo(3);
    }

    /**
     * A shared trigger whose rate grows by half every window: a quarter of the way through each grant its task
     * asks ahead for twice what the grant is on course to start, so after the first window no match waits for
     * a grant (asked half way through, for what the span had started times two, the grant ran out before
     * the next span every window, and the matches after it waited).
     */
    @Test
    void shouldAskAheadForEnoughThatAGrowingTriggersMatchesNeverWaitAfterItsFirstWindow() {
        defineShared("", Duration.ZERO);
        int[] perWindow = {20, 30, 45, 68};
        int n = 0;
        for (int w = 0; w < perWindow.length; w++) {
            for (int i = 0; i < perWindow[w]; i++) {
                order("o-" + n++, "shop", Duration.ofMillis(w * 10_000L + 1 + i * 10_000L / perWindow[w]));
            }
        }

        assertThat(startedEvents()).hasSize(n);
        assertThat(fixture.throttled.readRecordsToList()).extracting(TestRecord::value)
                .filteredOn(notice -> notice.event() == org.eventscheduler.topology.hold.HoldNotice.Event.HOLDING)
                .extracting(notice -> notice.since().toEpochMilli() - TopologyFixture.T0.toEpochMilli())
                .as("the times, after T0, at which matches began to wait for a grant").allSatisfy(
                        since -> assertThat(since).isLessThan(10_000L));
    }

    /**
     * The per-trigger match counter keeps its own series for the K triggers with the highest recent counts. A
     * match started from a grant reads no window, so it reports what its task started from the grant: a busy
     * shared trigger keeps its series against a quieter pinned one (with a recent count of 0 it lost it).
     */
    @Test
    void shouldRankASharedTriggerWhoseMatchesStartFromGrantsByWhatItsTaskStarted() {
        java.util.concurrent.atomic.AtomicLong wallClock = new java.util.concurrent.atomic.AtomicLong();
        try (TopologyFixture ranked = TopologyFixture.withGrantedBudget(
                registry -> new org.eventscheduler.topology.metrics.SchedulerMetrics(registry, 1, wallClock::get))) {
            ranked.defineTrigger("t", "{\"id\":\"t\",\"source-prefix\":\"sho\",\"type\":\"order.created\",\"workflow\":\"w\"}",
                    Duration.ZERO);
            ranked.defineTrigger("u", "{\"id\":\"u\",\"source\":\"shop\",\"type\":\"invoice.paid\",\"workflow\":\"w\"}",
                    Duration.ZERO);
            for (int i = 0; i < 10; i++) {
                ranked.sendRaw(Events.utf8("shop"), Events.structured("i-" + i, "shop", "invoice.paid"), new RecordHeaders(),
                        Duration.ofMillis(1 + i));
            }
            for (int i = 0; i < 100; i++) {
                ranked.sendRaw(Events.utf8("shop"), Events.structured("o-" + i, "shop", "order.created"), new RecordHeaders(),
                        Duration.ofMillis(20 + i));
            }
            wallClock.set(Duration.ofSeconds(20).toMillis());
            ranked.sendRaw(Events.utf8("shop"), Events.structured("o-100", "shop", "order.created"), new RecordHeaders(),
                    Duration.ofMillis(200));

            assertThat(ranked.starts.readRecordsToList()).hasSize(111);
            assertThat(ranked.registry.find(org.eventscheduler.topology.metrics.SchedulerMetrics.TRIGGER_MATCHES)
                    .counters()).extracting(counter -> counter.getId().getTag("trigger"))
                    .as("t matched 101 times against u's 10: the top 1").contains("t").doesNotContain("u");
        }
    }

    @Test
    void shouldRevokeGrantsWhenTheTriggerPausesAndLetTheTasksAskAgainWhenItResumes() {
        defineShared("", Duration.ZERO);
        order("o-1", "shop", Duration.ofMillis(1));
        order("o-2", "shop", Duration.ofMillis(2));
        assertThat(startedEvents()).containsExactly("o-1", "o-2");

        // the grant that started o-2 asked for more than o-2: a start is left of it, until the pause takes it
        fixture.command("pause", "trigger", "t", null, Duration.ofMillis(3));
        order("o-3", "shop", Duration.ofMillis(4));
        assertThat(startedEvents()).as("the paused trigger's grant was revoked").isEmpty();
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).extracting(HeldRecord::reason)
                .containsExactly("trigger-rate-limited");

        fixture.command("resume", "trigger", "t", null, Duration.ofMillis(5));
        assertThat(startedEvents()).as("the resume invites the task to ask again, at once").containsExactly("o-3");
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).isEmpty();
    }

    @Test
    void shouldRelayAnOperatorsDiscardAndReleaseToTheMatchesTheSourceTasksHold() {
        defineShared("", Duration.ZERO);
        fixture.command("pause", "trigger", "t", null, Duration.ofMillis(1));
        order("o-1", "shop", Duration.ofMillis(2));
        order("o-2", "shoe", Duration.ofMillis(3));
        assertThat(fixture.held(EntityType.TRIGGER, "t")).isEqualTo(2);

        fixture.command("discard", "trigger", "t", null, Duration.ofMillis(4));
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(2).allSatisfy(record -> assertThat(TopologyFixture.header(record,
                SchedulerHeaders.REASON)).isEqualTo("discarded-by-operator"));
        assertThat(fixture.held(EntityType.TRIGGER, "t")).isZero();

        order("o-3", "shop", Duration.ofMillis(5));
        fixture.command("release", "trigger", "t", null, Duration.ofMillis(6));
        assertThat(startedEvents()).as("an operator's release lets the held match go, paused or not")
                .containsExactly("o-3");
    }

    @Test
    void shouldLetTheSourceTasksGoOfWhatTheyHoldForATriggerThatIsPinnedNow() {
        defineShared("", Duration.ZERO);
        fixture.command("pause", "trigger", "t", null, Duration.ofMillis(1));
        order("o-1", "shop", Duration.ofMillis(2));
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).hasSize(1);

        fixture.defineTrigger("t", "{\"id\":\"t\",\"source\":\"shop\",\"type\":\"order.created\",\"workflow\":\"w\"}",
                Duration.ofMillis(3));
        // the source task's next look: no grant will come for a trigger whose home is no longer by-trigger
        order("o-2", "shop", Duration.ofSeconds(2));
        List<TestRecord<String, WorkflowStart>> starts = fixture.starts.readRecordsToList();
        assertThat(starts).extracting(start -> start.value().eventId()).containsExactlyInAnyOrder("o-1", "o-2");
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).isEmpty();
    }
}
