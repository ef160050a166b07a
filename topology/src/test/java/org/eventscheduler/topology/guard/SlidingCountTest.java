package org.eventscheduler.topology.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.eventscheduler.topology.pause.PauseCause;
import org.junit.jupiter.api.Test;

class SlidingCountTest {
    @Test
    void shouldCountEventsInTheLastBuckets() {
        SlidingCount count = SlidingCount.empty(100, 10);
        for (long bucket = 100; bucket < 110; bucket++) {
            count.add(bucket);
            count.add(bucket);
        }
        assertThat(count.total()).isEqualTo(20);
        count.add(110);
        assertThat(count.total()).as("bucket 100 left the window").isEqualTo(19);
    }

    @Test
    void shouldForgetEverythingAfterAGapOfAWholeWindow() {
        SlidingCount count = SlidingCount.empty(0, 10);
        count.add(0);
        count.add(5);
        count.advanceTo(15);
        assertThat(count.total()).isZero();
        assertThat(count.headBucket()).isEqualTo(15);
    }

    @Test
    void shouldCountLateEventsInsideTheWindowButNotOlderOnes() {
        SlidingCount count = SlidingCount.empty(50, 10);
        count.add(48);
        assertThat(count.total()).as("before the head, inside the window").isEqualTo(1);
        count.add(60);
        count.add(51);
        count.add(50);
        assertThat(count.total()).as("bucket 51 is the oldest in the window 51..60").isEqualTo(2);
    }

    @Test
    void shouldNeverMoveTheHeadBack() {
        SlidingCount count = SlidingCount.empty(20, 5);
        count.advanceTo(10);
        assertThat(count.headBucket()).isEqualTo(20);
    }

    @Test
    void shouldSurviveTheStoreSerde() {
        GuardState state = GuardState.fresh(7, 10);
        state.window.add(7);
        state.window.add(9);
        state.causes = PauseCause.RATE.bit() | PauseCause.OPERATOR.bit();
        state.pauseCount = 3;
        state.rateResumeAt = 12345;
        state.trippedBy = "corr-1";
        state.operatorActor = "alice";
        state.operatorUntil = 999;
        GuardStateSerde serde = new GuardStateSerde(new RateWindow(Duration.ofSeconds(10), Duration.ofSeconds(1)));
        GuardState read = serde.read(GuardStateSerde.write(state));
        assertThat(read.window.total()).isEqualTo(2);
        assertThat(read.window.headBucket()).isEqualTo(9);
        assertThat(read.has(PauseCause.RATE)).isTrue();
        assertThat(read.has(PauseCause.OPERATOR)).isTrue();
        assertThat(read.has(PauseCause.BREAKER)).isFalse();
        assertThat(read.pauseCount).isEqualTo(3);
        assertThat(read.rateResumeAt).isEqualTo(12345);
        assertThat(read.trippedBy).isEqualTo("corr-1");
        assertThat(read.operatorActor).isEqualTo("alice");
        assertThat(read.operatorUntil).isEqualTo(999);
        assertThat(new GuardStateSerde(new RateWindow(Duration.ofSeconds(20), Duration.ofSeconds(1))).read(GuardStateSerde.write(state)).window.total())
                .as("a window reconfigured to other buckets starts empty").isZero();
    }

    @Test
    void shouldTellWhatTheWindowWouldCountWithOneMoreWithoutCountingIt() {
        java.util.Random random = new java.util.Random(11);
        SlidingCount count = SlidingCount.empty(100, 10);
        for (int step = 0; step < 2_000; step++) {
            long bucket = count.headBucket() + random.nextInt(14) - 3;
            long predicted = count.totalWith(bucket);
            SlidingCount copy = new SlidingCount(count.headBucket(), copyOf(count));
            copy.add(bucket);
            assertThat(predicted).as("step %d, bucket %d after head %d", step, bucket, count.headBucket())
                    .isEqualTo(copy.total());
            if (random.nextBoolean()) {
                count.add(bucket);
            }
        }
    }

    private static int[] copyOf(SlidingCount count) {
        int[] counts = new int[count.buckets()];
        for (int slot = 0; slot < counts.length; slot++) {
            counts[slot] = count.countIn(slot);
        }
        return counts;
    }
}
