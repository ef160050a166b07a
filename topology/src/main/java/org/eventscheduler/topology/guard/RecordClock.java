package org.eventscheduler.topology.guard;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that reads the record time it was last set to, so that resilience4j's circuit breaker (its
 * sliding time window and its wait in the open state) runs on record time: the same input gives the
 * same transitions. One per processor instance, i.e. per task and stream thread.
 */
final class RecordClock extends Clock {
    private long millis;

    void set(long recordTimeMillis) {
        this.millis = recordTimeMillis;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("record time has no zone");
    }
}
