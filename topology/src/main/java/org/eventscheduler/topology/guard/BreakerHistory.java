package org.eventscheduler.topology.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The calls a circuit breaker has recorded since its last transition, in a form small enough to store
 * with every event: for a count-based window the last N outcomes as bits (and how many older calls the
 * window has let go), for a time-based window one (calls, failures) bucket per second. Replaying it into
 * a fresh resilience4j breaker rebuilds the breaker's window, so a breaker survives restarts and
 * rebalances with its history, not empty.
 *
 * <p>A replay never makes a transition the uninterrupted breaker did not make. resilience4j evaluates
 * its window after every call, and the calls that left the window before the history was stored no
 * longer dilute the replayed prefix; so the replay puts successes where those calls were (as many as
 * there were, for a count-based window; enough to keep every prefix under the threshold, in the second
 * that leaves the window before the newest, for a time-based one) and feeds each second's successes
 * before its failures. Every prefix then has at most the failure rate the real breaker saw at the same
 * point, and the window after the replay holds exactly the recorded calls.
 */
abstract sealed class BreakerHistory {

    /**
     * An empty history for a breaker in {@code state}: resilience4j counts a half-open breaker's probes
     * in a count-based window of {@code permitted-calls-in-half-open} calls, whatever the closed
     * breaker's window type, and the history keeps the same window.
     */
    static BreakerHistory empty(BreakerSettings settings, Breaker.State state) {
        if (state == Breaker.State.HALF_OPEN) {
            return new Outcomes(settings.permittedCallsInHalfOpen());
        }
        return settings.slidingWindowType() == BreakerSettings.WindowType.COUNT_BASED
                ? new Outcomes(settings.slidingWindowSize())
                : new Seconds(settings.slidingWindowSize());
    }

    abstract void record(long timestampMillis, boolean failure);

    /**
     * The time resilience4j must be told a call at {@code timestampMillis} happened: never before the
     * newest recorded second, because resilience4j's time window counts a call from the past in its
     * newest bucket (its clock only moves forward), and the history must agree with it.
     */
    long breakerTime(long timestampMillis) {
        return timestampMillis;
    }

    /** Failures currently in the history. */
    abstract int failures();

    /** Calls currently in the history. */
    abstract int calls();

    abstract void clear();

    /** The record time a replay starts at: the breaker must be built no later, its clock only moves forward. */
    long replayStart() {
        return Long.MAX_VALUE;
    }

    /** Where replayed calls go: the breaker being rebuilt. */
    @FunctionalInterface
    interface Calls {
        void call(boolean failure);
    }

    /**
     * Feeds the recorded calls, oldest first, into a breaker, moving {@code clock} along. With
     * {@code dilute} (a closed breaker), successes stand in first for the calls that left the window,
     * so that no prefix of the replay trips the breaker where the real sequence did not.
     */
    abstract void replay(Calls calls, RecordClock clock, boolean dilute, float failureRateThreshold);

    abstract int byteSize();

    abstract void write(ByteBuffer buffer);

    /** Reads a history written by {@link #write}; one that does not fit {@code settings} (reconfigured) is empty. */
    static BreakerHistory read(ByteBuffer buffer, BreakerSettings settings, Breaker.State state) {
        byte kind = buffer.get();
        int size = buffer.getInt();
        BreakerHistory stored = switch (kind) {
            case Outcomes.KIND_WITHOUT_EVICTED, Outcomes.KIND -> Outcomes.readBody(buffer, size, kind);
            default -> Seconds.readBody(buffer, size);
        };
        BreakerHistory expected = empty(settings, state);
        return stored.getClass() == expected.getClass() && size == expected.size() ? stored : expected;
    }

    /** The window's size: calls or seconds. */
    abstract int size();

    private static final Throwable FAILURE = new RecordedFailure();

    static void feed(CircuitBreaker breaker, boolean failure) {
        if (failure) {
            breaker.onError(0, TimeUnit.MILLISECONDS, FAILURE);
        } else {
            breaker.onSuccess(0, TimeUnit.MILLISECONDS);
        }
    }

    /** What resilience4j is told a failed call threw; carries no stack trace. */
    static final class RecordedFailure extends RuntimeException {
        RecordedFailure() {
            super("recorded failure", null, false, false);
        }
    }

    /** The last {@code capacity} outcomes, one bit each (1 = failure), oldest first from {@code start}. */
    static final class Outcomes extends BreakerHistory {
        /** Written before the evicted count was kept; read as "the window has let go of a full window". */
        static final byte KIND_WITHOUT_EVICTED = 0;
        static final byte KIND = 2;

        private final long[] bits;
        private final int capacity;
        private int start;
        private int size;
        private int failures;
        /** Calls that left the window since the last transition, at most {@code capacity}. */
        private int evicted;

        Outcomes(int capacity) {
            this.capacity = capacity;
            this.bits = new long[(capacity + 63) / 64];
        }

        @Override
        void record(long timestampMillis, boolean failure) {
            int slot;
            if (size < capacity) {
                slot = (start + size) % capacity;
                size++;
            } else {
                slot = start;
                if (get(slot)) {
                    failures--;
                }
                start = (start + 1) % capacity;
                evicted = Math.min(capacity, evicted + 1);
            }
            set(slot, failure);
            if (failure) {
                failures++;
            }
        }

        private boolean get(int slot) {
            return (bits[slot >>> 6] & (1L << (slot & 63))) != 0;
        }

        private void set(int slot, boolean value) {
            if (value) {
                bits[slot >>> 6] |= 1L << (slot & 63);
            } else {
                bits[slot >>> 6] &= ~(1L << (slot & 63));
            }
        }

        @Override
        int size() {
            return capacity;
        }

        @Override
        int failures() {
            return failures;
        }

        @Override
        int calls() {
            return size;
        }

        @Override
        void clear() {
            java.util.Arrays.fill(bits, 0);
            start = 0;
            size = 0;
            failures = 0;
            evicted = 0;
        }

        /**
         * The real breaker saw, at the k-th recorded call, the calls that have since left the window in
         * front of it (up to a full window): successes stand in for them, so each prefix of the replay
         * has as many calls as the real window had and no more failures.
         */
        @Override
        void replay(Calls calls, RecordClock clock, boolean dilute, float failureRateThreshold) {
            if (dilute) {
                for (int i = 0; i < evicted; i++) {
                    calls.call(false);
                }
            }
            for (int i = 0; i < size; i++) {
                calls.call(get((start + i) % capacity));
            }
        }

        @Override
        int byteSize() {
            return 1 + 4 + 4 + 4 + 4 + 8 * bits.length;
        }

        @Override
        void write(ByteBuffer buffer) {
            buffer.put(KIND).putInt(capacity).putInt(start).putInt(size).putInt(evicted);
            for (long word : bits) {
                buffer.putLong(word);
            }
        }

        static Outcomes readBody(ByteBuffer buffer, int capacity, byte kind) {
            Outcomes outcomes = new Outcomes(capacity);
            outcomes.start = buffer.getInt();
            outcomes.size = buffer.getInt();
            outcomes.evicted = kind == KIND ? buffer.getInt() : outcomes.size == capacity ? capacity : 0;
            for (int i = 0; i < outcomes.bits.length; i++) {
                outcomes.bits[i] = buffer.getLong();
            }
            for (int i = 0; i < outcomes.size; i++) {
                if (outcomes.get((outcomes.start + i) % capacity)) {
                    outcomes.failures++;
                }
            }
            return outcomes;
        }
    }

    /** Calls and failures per second of record time over the last {@code seconds} seconds. */
    static final class Seconds extends BreakerHistory {
        private final int seconds;
        private final int[] calls;
        private final int[] failed;
        private long headSecond = Long.MIN_VALUE;

        Seconds(int seconds) {
            this.seconds = seconds;
            this.calls = new int[seconds];
            this.failed = new int[seconds];
        }

        @Override
        long replayStart() {
            return headSecond == Long.MIN_VALUE ? Long.MAX_VALUE : (headSecond - seconds) * 1000;
        }

        @Override
        long breakerTime(long timestampMillis) {
            return headSecond != Long.MIN_VALUE && Math.floorDiv(timestampMillis, 1000) < headSecond
                    ? headSecond * 1000 : timestampMillis;
        }

        @Override
        void record(long timestampMillis, boolean failure) {
            long second = Math.floorDiv(breakerTime(timestampMillis), 1000);
            if (headSecond == Long.MIN_VALUE || second - headSecond >= seconds) {
                clear();
                headSecond = second;
            } else if (second > headSecond) {
                for (long s = headSecond + 1; s <= second; s++) {
                    int slot = slot(s);
                    calls[slot] = 0;
                    failed[slot] = 0;
                }
                headSecond = second;
            }
            calls[slot(second)]++;
            if (failure) {
                failed[slot(second)]++;
            }
        }

        private int slot(long second) {
            return (int) Math.floorMod(second, (long) seconds);
        }

        @Override
        int size() {
            return seconds;
        }

        @Override
        int failures() {
            int total = 0;
            for (int f : failed) {
                total += f;
            }
            return total;
        }

        @Override
        int calls() {
            int total = 0;
            for (int c : calls) {
                total += c;
            }
            return total;
        }

        @Override
        void clear() {
            java.util.Arrays.fill(calls, 0);
            java.util.Arrays.fill(failed, 0);
            headSecond = Long.MIN_VALUE;
        }

        /**
         * Seconds oldest first, each second's successes before its failures. With {@code dilute}, the
         * seconds before the newest one are preceded by enough successes, in the second that leaves the
         * window just before the newest, that no prefix of them reaches the threshold: the real breaker
         * saw them with calls that have since left the window, and did not trip. Within the newest
         * second the window is exactly what the real breaker saw, and successes first never give a
         * prefix more failures than the real order had.
         */
        @Override
        void replay(Calls out, RecordClock clock, boolean dilute, float failureRateThreshold) {
            if (headSecond == Long.MIN_VALUE) {
                return;
            }
            if (dilute) {
                clock.set((headSecond - seconds) * 1000);
                long dilution = dilution(failureRateThreshold);
                for (long i = 0; i < dilution; i++) {
                    out.call(false);
                }
            }
            for (long s = headSecond - seconds + 1; s <= headSecond; s++) {
                int slot = slot(s);
                clock.set(s * 1000);
                for (int i = 0; i < calls[slot] - failed[slot]; i++) {
                    out.call(false);
                }
                for (int i = 0; i < failed[slot]; i++) {
                    out.call(true);
                }
            }
        }

        /** Successes that keep every prefix of the seconds before the newest under the threshold. */
        private long dilution(float failureRateThreshold) {
            long needed = 0;
            long callsSoFar = 0;
            long failuresSoFar = 0;
            for (long s = headSecond - seconds + 1; s < headSecond; s++) {
                int slot = slot(s);
                callsSoFar += calls[slot];
                failuresSoFar += failed[slot];
                // failures / (dilution + calls) < threshold / 100
                long forThisPrefix = (long) Math.floor(failuresSoFar * 100.0 / failureRateThreshold) - callsSoFar + 1;
                needed = Math.max(needed, forThisPrefix);
            }
            return needed;
        }

        @Override
        int byteSize() {
            return 1 + 4 + 8 + 8 * seconds;
        }

        @Override
        void write(ByteBuffer buffer) {
            buffer.put((byte) 1).putInt(seconds).putLong(headSecond);
            for (int i = 0; i < seconds; i++) {
                buffer.putInt(calls[i]).putInt(failed[i]);
            }
        }

        static Seconds readBody(ByteBuffer buffer, int seconds) {
            Seconds history = new Seconds(seconds);
            history.headSecond = buffer.getLong();
            for (int i = 0; i < seconds; i++) {
                history.calls[i] = buffer.getInt();
                history.failed[i] = buffer.getInt();
            }
            return history;
        }
    }
}
