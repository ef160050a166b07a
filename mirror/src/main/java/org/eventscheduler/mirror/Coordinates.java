package org.eventscheduler.mirror;

import java.time.Instant;

/** Where a mirrored record was read: its topic, partition and offset (its identity), and its timestamp. */
public record Coordinates(String topic, int partition, long offset, Instant timestamp) {

    /** Whether this record comes after {@code other} in the same partition. */
    public boolean isAfter(Coordinates other) {
        return topic.equals(other.topic) && partition == other.partition ? offset > other.offset
                : !timestamp.isBefore(other.timestamp);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
