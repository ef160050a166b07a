package org.eventscheduler.topology.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskClockTest {
    private static final long WEEK_AGO = 1_000_000L;
    private static final long WALL = WEEK_AGO + 7L * 24 * 3600 * 1000;

    @Test
    void shouldLeaveTimeToTheRecordsWhileTheyFlow() {
        TaskClock clock = new TaskClock(1000);
        clock.recordSeen(WALL, WEEK_AGO);
        assertThat(clock.idleTime(WEEK_AGO, WALL + 999)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldMoveStreamTimeOnByTheWallClockOnceTheTaskIsQuiet() {
        TaskClock clock = new TaskClock(1000);
        clock.recordSeen(WALL, WEEK_AGO);
        assertThat(clock.idleTime(WEEK_AGO, WALL + 5000)).as("stream time, not the wall clock, is the base")
                .isEqualTo(WEEK_AGO + 5000);
    }

    @Test
    void shouldCountATaskThatSawNoRecordSinceItStartedAsQuietFromItsFirstLook() {
        TaskClock clock = new TaskClock(1000);
        assertThat(clock.idleTime(WEEK_AGO, WALL)).as("a restored task does not jump to the wall clock")
                .isEqualTo(Long.MIN_VALUE);
        assertThat(clock.idleTime(WEEK_AGO, WALL + 3000)).isEqualTo(WEEK_AGO + 3000);
    }

    @Test
    void shouldNotActWithoutAStreamTime() {
        TaskClock clock = new TaskClock(1000);
        clock.idleTime(-1, WALL);
        assertThat(clock.idleTime(-1, WALL + 60_000)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldCountQuietTimeFromTheLookThatFoundRecordsTheStageNeverSawMoveTheTasksTimeOn() {
        TaskClock clock = new TaskClock(1000);
        clock.recordSeen(WALL, WEEK_AGO);
        // records of the task the stage never sees (the source stage's events, beside the pinned triggers'
        // stage) have moved the task's stream time 4 s on: the task was not quiet, whatever the stage saw
        assertThat(clock.idleTime(WEEK_AGO + 4000, WALL + 5000)).as("not quiet: time is the records'")
                .isEqualTo(Long.MIN_VALUE);
        assertThat(clock.idleTime(WEEK_AGO + 4000, WALL + 5999)).isEqualTo(Long.MIN_VALUE);
        assertThat(clock.idleTime(WEEK_AGO + 4000, WALL + 7000)).as("quiet for 2 s from the look that saw them")
                .isEqualTo(WEEK_AGO + 6000);
    }

    @Test
    void shouldStartCountingOnceTheTaskKnowsAStreamTime() {
        TaskClock clock = new TaskClock(1000);
        clock.idleTime(-1, WALL);
        assertThat(clock.idleTime(WEEK_AGO, WALL + 5000)).as("its first stream time is the base, from now")
                .isEqualTo(Long.MIN_VALUE);
        assertThat(clock.idleTime(WEEK_AGO, WALL + 7000)).isEqualTo(WEEK_AGO + 2000);
    }

    @Test
    void shouldActAtTheStartOfABucketSoThatALateLookDoesNotAddUp() {
        TaskClock clock = new TaskClock(1000);
        clock.recordSeen(WALL, WEEK_AGO + 500);
        assertThat(clock.idleTime(WEEK_AGO + 500, WALL + 1700)).as("2.2 s after the bucket's start: at 2 s")
                .isEqualTo(WEEK_AGO + 2000);
        assertThat(clock.idleTime(WEEK_AGO + 500, WALL + 1400)).as("within the first bucket: not behind stream time")
                .isEqualTo(WEEK_AGO + 1000);
    }
}
