package org.eventscheduler.mirror;

import com.fasterxml.jackson.annotation.JsonCreator;

/** A password or similar: its value is never part of {@code toString()}, so it never reaches a log line. */
public record Secret(String value) {
    public Secret {
        value = value == null ? "" : value;
    }

    @JsonCreator
    public static Secret of(String value) {
        return new Secret(value);
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "(none)" : "(hidden)";
    }
}
