package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;
import org.eventscheduler.topology.trigger.TriggerHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A trigger's home (issue 21): a trigger pinned to one exact source is guarded in that source's task and
 * starts its workflows with no further hop; any other is guarded behind {@code by-trigger}. Either way its
 * limit, breaker, operator commands and held work behave alike; a changed definition moves its home, and
 * the old home lets go of it.
 */
class TriggerHomesTopologyTest {
    private static final String BY_TRIGGER = "topology-test-" + StoreNames.BY_TRIGGER + "-repartition";
    private static final String BY_TRIGGER_SOURCE = "topology-test-" + StoreNames.BY_TRIGGER_SOURCE + "-repartition";

    private final TopologyFixture fixture = TopologyFixture.withDefaults();

    /** The two homes, as a definition selects them. */
    enum Kind {
        PINNED("\"source\":\"shop\"", TriggerHome.Stores.PINNED),
        SHARED("\"source-prefix\":\"sho\"", TriggerHome.Stores.SHARED);

        final String sourceCriterion;
        final TriggerHome.Stores stores;

        Kind(String sourceCriterion, TriggerHome.Stores stores) {
            this.sourceCriterion = sourceCriterion;
            this.stores = stores;
        }
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private void define(String criterion, String extra, Duration at) {
        fixture.defineTrigger("t", "{\"id\":\"t\"," + criterion + ",\"type\":\"order.created\",\"workflow\":\"w\""
                + extra + "}", at);
    }

    private void order(String id, String source, Duration at) {
        fixture.sendRaw(Events.utf8(source), Events.structured(id, source, "order.created"), new RecordHeaders(), at);
    }

    private List<String> startedEvents() {
        return fixture.starts.readRecordsToList().stream().map(r -> r.value().eventId()).toList();
    }

    @Test
    void shouldStartAPinnedTriggersWorkflowFromItsSourcesTaskWithoutCrossingByTrigger() {
        define(Kind.PINNED.sourceCriterion, "", Duration.ZERO);
        order("o-1", "shop", Duration.ofMillis(1));

        List<TestRecord<String, org.eventscheduler.topology.trigger.WorkflowStart>> starts = fixture.starts.readRecordsToList();
        assertThat(starts).extracting(TestRecord::key).containsExactly("t");
        assertThat(TopologyFixture.header(starts.getFirst(), SchedulerHeaders.TRIGGER)).isEqualTo("t");
        assertThat(fixture.driver.producedTopicNames()).as("no match crossed a repartition topic")
                .doesNotContain(BY_TRIGGER, BY_TRIGGER_SOURCE);
        assertThat(fixture.homeStores(EntityType.TRIGGER, "t")).contains(TriggerHome.Stores.PINNED);
    }

    @Test
    void shouldGuardASharedTriggerBehindByTrigger() {
        define(Kind.SHARED.sourceCriterion, "", Duration.ZERO);
        order("o-1", "shop", Duration.ofMillis(1));

        assertThat(startedEvents()).containsExactly("o-1");
        assertThat(fixture.driver.producedTopicNames()).contains(BY_TRIGGER);
        assertThat(fixture.homeStores(EntityType.TRIGGER, "t")).contains(TriggerHome.Stores.SHARED);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldHoldWhatIsOverTheLimitInTheTriggersHome(Kind kind) {
        define(kind.sourceCriterion, ",\"rate-limit\":{\"max-events\":3,\"action\":\"throttle\"}", Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            order("o-" + i, "shop", Duration.ofMillis(1 + i));
        }

        assertThat(startedEvents()).containsExactly("o-0", "o-1", "o-2");
        assertThat(fixture.homeStores(EntityType.TRIGGER, "t")).contains(kind.stores);
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).hasSize(2);

        // once the window has room, what it held comes back, in order
        order("later", "shop", Duration.ofSeconds(11));
        assertThat(startedEvents()).containsExactly("o-3", "o-4", "later");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldApplyOperatorCommandsAndStartResultsWhereTheTriggerLives(Kind kind) {
        define(kind.sourceCriterion, "", Duration.ZERO);
        fixture.command("pause", "trigger", "t", null, Duration.ofMillis(1));
        assertThat(fixture.pauseChanges()).extracting(PauseRecord::state).containsExactly(PauseState.PAUSED);
        order("o-held", "shop", Duration.ofMillis(2));
        assertThat(startedEvents()).isEmpty();
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).hasSize(1);

        fixture.command("resume", "trigger", "t", null, Duration.ofMillis(3));
        assertThat(fixture.pauseChanges()).extracting(PauseRecord::state).containsExactly(PauseState.ACTIVE);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));
        order("o-1", "shop", Duration.ofMillis(4));
        assertThat(startedEvents()).containsExactly("o-held", "o-1");

        // failed start results reach the trigger's breaker wherever it lives: ten calls, all failed
        for (int i = 0; i < 8; i++) {
            order("o-more-" + i, "shop", Duration.ofMillis(5 + i));
        }
        for (String event : List.of("o-held", "o-1", "o-more-0", "o-more-1", "o-more-2", "o-more-3", "o-more-4",
                "o-more-5", "o-more-6", "o-more-7")) {
            fixture.result("t", event, "FAILED", Duration.ofSeconds(1));
        }
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().key()).isEqualTo("trigger:t");
        assertThat(changes.getFirst().causes()).containsExactly(PauseCause.BREAKER);
    }

    @Test
    void shouldLetGoOfAPinnedTriggerWhoseSourceChangedAndCarryItsOperatorsPauseToItsNewSource() {
        define(Kind.PINNED.sourceCriterion, "", Duration.ZERO);
        fixture.command("pause", "trigger", "t", null, Duration.ofMillis(1));
        order("o-1", "shop", Duration.ofMillis(2));
        order("o-2", "shop", Duration.ofMillis(3));
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).hasSize(2);
        fixture.pauseChanges();

        define("\"source\":\"store\"", "", Duration.ofMillis(4));
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));

        // the old home lifts the pause there, what it held comes back, and the operator's pause goes on at the
        // new home through scheduler.control
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).extracting(PauseRecord::state).containsExactly(PauseState.ACTIVE, PauseState.PAUSED);
        assertThat(changes.getFirst().resumedBy()).contains("scheduler");
        assertThat(changes.get(1).operator().orElseThrow().actor()).isEqualTo("alice");
        assertThat(changes.get(1).operator().orElseThrow().reason())
                .isEqualTo("investigating (carried over when its home moved to source store)");
        assertThat(startedEvents()).containsExactly("o-1", "o-2");
        assertThat(fixture.driver.<String, String>getKeyValueStore(StoreNames.PINNED_TRIGGER_HOMES).get("t"))
                .isEqualTo("store");
        fixture.command("resume", "trigger", "t", null, Duration.ofMillis(5));

        // events of the old source no longer match; the new source's start afresh
        order("o-3", "shop", Duration.ofMillis(6));
        order("o-4", "store", Duration.ofMillis(7));
        assertThat(startedEvents()).containsExactly("o-4");
    }

    @Test
    void shouldLetGoOfAPinnedTriggerThatNowMatchesManySources() {
        define(Kind.PINNED.sourceCriterion, ",\"rate-limit\":{\"max-events\":1,\"action\":\"throttle\"}", Duration.ZERO);
        order("o-1", "shop", Duration.ofMillis(1));
        order("o-2", "shop", Duration.ofMillis(2));
        assertThat(startedEvents()).containsExactly("o-1");
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).hasSize(1);

        define(Kind.SHARED.sourceCriterion, ",\"rate-limit\":{\"max-events\":1,\"action\":\"throttle\"}",
                Duration.ofMillis(3));
        order("o-3", "shop", Duration.ofMillis(4));
        assertThat(startedEvents()).as("the new home's window is its own").containsExactly("o-3");
        assertThat(fixture.driver.<String, Object>getKeyValueStore(StoreNames.TRIGGER_STATES).get("t")).isNotNull();

        // the old home keeps what it held until its window has room, then forgets the trigger
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(startedEvents()).isEmpty();
        order("o-4", "elsewhere", Duration.ofSeconds(11));
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(startedEvents()).containsExactly("o-2");
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(fixture.driver.<String, Object>getKeyValueStore(StoreNames.PINNED_TRIGGER_STATES).get("t"))
                .as("forgotten by the old home once it held nothing").isNull();
        assertThat(Optional.ofNullable(fixture.driver.<String, Object>getKeyValueStore(StoreNames.TRIGGER_STATES).get("t")))
                .isPresent();
    }

    @Test
    void shouldLetGoOfAPinnedTriggerThatWasDeletedWithoutCarryingItsPauseAnywhere() {
        define(Kind.PINNED.sourceCriterion, "", Duration.ZERO);
        fixture.command("pause", "trigger", "t", null, Duration.ofMillis(1));
        order("o-1", "shop", Duration.ofMillis(2));
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).hasSize(1);
        fixture.pauseChanges();

        fixture.triggers.pipeInput("t", null, TopologyFixture.T0.plusMillis(3));
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));

        // no command reaches the old home of a deleted trigger: it resumes it there, lets what it held come
        // back (nothing is lost), and has no new home to carry the operator's pause to
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).extracting(PauseRecord::state).containsExactly(PauseState.ACTIVE);
        assertThat(changes.getFirst().resumedBy()).contains("scheduler");
        assertThat(startedEvents()).containsExactly("o-1");
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(fixture.homeStores(EntityType.TRIGGER, "t")).isEmpty();
    }
}
