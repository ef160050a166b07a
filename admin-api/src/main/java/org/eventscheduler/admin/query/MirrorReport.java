package org.eventscheduler.admin.query;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The Postgres mirror as one instance runs it.
 *
 * @param state        what the mirror is doing
 * @param lagRecords   records not yet mirrored in the partitions this instance mirrors
 * @param breakerState the breaker around the database: {@code closed}, {@code open}, {@code half_open}
 * @param lastError    the last database failure while backing off
 * @param lastCommit   when a batch was last written
 */
public record MirrorReport(State state, long lagRecords, String breakerState, Optional<String> lastError,
                           Optional<Instant> lastCommit) {

    public static MirrorReport off() {
        return new MirrorReport(State.OFF, 0, "closed", Optional.empty(), Optional.empty());
    }

    /**
     * What the mirror is doing, as the API reports it: the mirror's own states (the admin API does not
     * depend on the mirror module), in JSON as their lower-case codes.
     */
    public enum State {
        /** Started, not yet caught up once. */
        STARTING,
        /** Consuming and writing. */
        RUNNING,
        /** The database failed: consumption stopped (nothing skipped) until the breaker lets a batch through again. */
        BACKING_OFF,
        /** Closed. */
        STOPPED,
        /** Not configured ({@code mirror.jdbc-url} empty) or running in another process. */
        OFF;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static State fromCode(String code) {
            for (State state : values()) {
                if (state.code().equals(code)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("unknown mirror state " + code);
        }
    }
}
