package org.eventscheduler.topology.guard;

/**
 * The time a task's wall-clock look at its held work acts at: the task's stream time, moved on by the
 * wall clock for as long as no record has reached the task. While records flow, decisions follow record
 * time alone (a replay of the input replays them); only a task whose input has gone quiet lets the wall
 * clock move its time on, so that a quiet entity's backlog is released without waiting for traffic.
 * Stream time is the base, never the wall clock itself: a task that replays events a week old, or that
 * was just restored, does not jump a week ahead and expire what it holds. One per processor (task).
 */
public final class TaskClock {
    private final long quietMillis;
    private long wallAtLastRecord = Long.MIN_VALUE;
    private long streamAtLastRecord = Long.MIN_VALUE;

    /**
     * @param quietMillis how long no record must have arrived before the wall clock moves time on: the
     *                    length of a bucket, which the times it gives start
     */
    public TaskClock(long quietMillis) {
        this.quietMillis = quietMillis;
    }

    /**
     * A record reached the stage at wall-clock time {@code wallNow}, the task's stream time then being
     * {@code streamTime}.
     */
    public void recordSeen(long wallNow, long streamTime) {
        wallAtLastRecord = wallNow;
        streamAtLastRecord = streamTime;
    }

    /**
     * The time to act at, given the task's stream time ({@code currentStreamTime}, negative while the task
     * knows none) and the wall clock: the stream time at the stage's last record plus the wall-clock time
     * since, once that is at least the quiet period (one bucket), taken back to the start of its bucket,
     * and never behind the task's stream time;
     * {@link Long#MIN_VALUE} while records flow (the stream-time punctuation acts then) or while the task
     * knows no stream time. The base is the stream time at the stage's own last record, not the task's
     * current one: records of the task that the stage never sees (start results, in the source stage's
     * task) move the task's stream time on while the stage's quiet time runs, and the sum of the two would
     * count the same time twice, ahead of the clock; so a look that finds the task's stream time moved on
     * since the stage's last record takes it as a record seen now (up to a look late: the pinned triggers'
     * stage shares the source stage's task and sees few of its records). A stage that has seen no record since it started
     * counts its quiet time from its first look, from the stream time then.
     */
    public long idleTime(long currentStreamTime, long wallNow) {
        if (wallAtLastRecord == Long.MIN_VALUE) {
            wallAtLastRecord = wallNow;
            streamAtLastRecord = currentStreamTime;
        }
        if (currentStreamTime > streamAtLastRecord && streamAtLastRecord >= 0) {
            // a record the stage never saw moved the task's stream time on since the last look: the task was
            // not quiet, and the record came at most a look ago; the quiet time counts from now
            wallAtLastRecord = wallNow;
            streamAtLastRecord = currentStreamTime;
        }
        long quiet = wallNow - wallAtLastRecord;
        if (currentStreamTime < 0 || quiet < quietMillis) {
            return Long.MIN_VALUE;
        }
        if (streamAtLastRecord < 0) {
            // the first look came before the task knew a stream time
            wallAtLastRecord = wallNow;
            streamAtLastRecord = currentStreamTime;
            return Long.MIN_VALUE;
        }
        // at the start of its bucket: a look that comes late (the wall-clock punctuation is not aligned with
        // the buckets) releases at a bucket's start, so the next room the window makes, a window's length
        // later, is at a bucket's start again and the lateness does not add up release after release
        long idle = streamAtLastRecord + quiet;
        return Math.max(currentStreamTime, idle - Math.floorMod(idle, quietMillis));
    }
}
