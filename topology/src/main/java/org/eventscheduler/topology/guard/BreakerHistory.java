package org.eventscheduler.topology.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The calls a circuit breaker has recorded since its last transition, in a form small enough to store
 * with every event: for a count-based window the last N outcomes as bits, for a time-based window one
 * (calls, failures) bucket per second. Replaying it into a fresh resilience4j breaker rebuilds the
 * breaker's window, so a breaker survives restarts and rebalances with its history, not empty.
 */
abstract sealed class BreakerHistory {

    static BreakerHistory empty(BreakerSettings settings) {
        return settings.slidingWindowType() == BreakerSettings.WindowType.COUNT_BASED
                ? new Outcomes(settings.slidingWindowSize())
                : new Seconds(settings.slidingWindowSize());
    }

    abstract void record(long timestampMillis, boolean failure);

    /** Failures currently in the history. */
    abstract int failures();

    /** Calls currently in the history. */
    abstract int calls();

    abstract void clear();

    /** Feeds the recorded calls, oldest first, into {@code breaker}, moving {@code clock} along. */
    abstract void replay(CircuitBreaker breaker, RecordClock clock);

    abstract int byteSize();

    abstract void write(ByteBuffer buffer);

    /** Reads a history written by {@link #write}; one that does not fit {@code settings} (reconfigured) is empty. */
    static BreakerHistory read(ByteBuffer buffer, BreakerSettings settings) {
        byte kind = buffer.get();
        int size = buffer.getInt();
        BreakerHistory stored = kind == 0 ? Outcomes.readBody(buffer, size) : Seconds.readBody(buffer, size);
        BreakerHistory expected = empty(settings);
        return stored.getClass() == expected.getClass() && size == settingsSize(settings) ? stored : expected;
    }

    private static int settingsSize(BreakerSettings settings) {
        return settings.slidingWindowSize();
    }

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
        private final long[] bits;
        private final int capacity;
        private int start;
        private int size;
        private int failures;

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
        }

        @Override
        void replay(CircuitBreaker breaker, RecordClock clock) {
            for (int i = 0; i < size; i++) {
                feed(breaker, get((start + i) % capacity));
            }
        }

        @Override
        int byteSize() {
            return 1 + 4 + 4 + 4 + 8 * bits.length;
        }

        @Override
        void write(ByteBuffer buffer) {
            buffer.put((byte) 0).putInt(capacity).putInt(start).putInt(size);
            for (long word : bits) {
                buffer.putLong(word);
            }
        }

        static Outcomes readBody(ByteBuffer buffer, int capacity) {
            Outcomes outcomes = new Outcomes(capacity);
            outcomes.start = buffer.getInt();
            outcomes.size = buffer.getInt();
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
        void record(long timestampMillis, boolean failure) {
            long second = Math.floorDiv(timestampMillis, 1000);
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
            } else if (second <= headSecond - seconds) {
                return;
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

        @Override
        void replay(CircuitBreaker breaker, RecordClock clock) {
            if (headSecond == Long.MIN_VALUE) {
                return;
            }
            for (long s = headSecond - seconds + 1; s <= headSecond; s++) {
                int slot = slot(s);
                clock.set(s * 1000);
                for (int i = 0; i < failed[slot]; i++) {
                    feed(breaker, true);
                }
                for (int i = 0; i < calls[slot] - failed[slot]; i++) {
                    feed(breaker, false);
                }
            }
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
