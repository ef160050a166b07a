package org.eventscheduler.topology.control;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.eventscheduler.topology.pause.EntityType;

/**
 * An operator command on {@code scheduler.control}: pause or resume a source or trigger, or release or
 * discard what it holds. Key: the entity's changelog key ({@code source:<id>}, {@code trigger:<id>}).
 *
 * @param action      pause, resume, release or discard
 * @param entityType  source or trigger
 * @param entityId    the source id or trigger id
 * @param actor       who asked (audited in the changelog record)
 * @param reason      why, in their words
 * @param until       for a pause: when it ends by itself; a pause without it lasts until an operator resume
 * @param requestedAt when the command was issued
 * @param rate        for a release: at most this many records a second; a release without it lets everything
 *                    go on as fast as the stage looks ({@code 1,000} a look)
 */
public record ControlCommand(Action action, EntityType entityType, String entityId, String actor, String reason,
                             Optional<Instant> until, Instant requestedAt, Optional<Integer> rate) {

    /** The fastest paced release, records a second. */
    public static final int MAX_RATE = 100_000;

    /** A command without a release rate. */
    public ControlCommand(Action action, EntityType entityType, String entityId, String actor, String reason,
                          Optional<Instant> until, Instant requestedAt) {
        this(action, entityType, entityId, actor, reason, until, requestedAt, Optional.empty());
    }

    /** What an operator can do. */
    public enum Action {
        /** Hold every record of the entity, until a resume or {@code until}. */
        PAUSE,
        /** Clear every pause cause; what it held comes back by its {@code hold.on-resume}. */
        RESUME,
        /** Let everything it holds go on now, kept records first, whatever its pause and window. */
        RELEASE,
        /** Dead-letter everything it holds, reason {@code discarded-by-operator}. */
        DISCARD;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Action fromCode(String code) {
            for (Action action : values()) {
                if (action.code().equals(code)) {
                    return action;
                }
            }
            throw new IllegalArgumentException("action must be pause, resume, release or discard, was " + code);
        }
    }

    /** The longest actor, reason or entity id accepted. */
    public static final int MAX_TEXT = 512;

    public ControlCommand {
        requireText(entityId, "entityId");
        requireText(actor, "actor");
        if (action == null || entityType == null || requestedAt == null) {
            throw new IllegalArgumentException("action, entityType and requestedAt are required");
        }
        reason = reason == null ? "" : reason;
        if (reason.length() > MAX_TEXT) {
            throw new IllegalArgumentException("reason is longer than " + MAX_TEXT + " characters");
        }
        until = until == null ? Optional.empty() : until;
        if (action != Action.PAUSE && until.isPresent()) {
            throw new IllegalArgumentException("until applies to pause only");
        }
        rate = rate == null ? Optional.empty() : rate;
        if (action != Action.RELEASE && rate.isPresent()) {
            throw new IllegalArgumentException("rate applies to release only");
        }
        if (rate.isPresent() && (rate.get() < 1 || rate.get() > MAX_RATE)) {
            throw new IllegalArgumentException("rate must be between 1 and " + MAX_RATE + " records a second, was "
                    + rate.get());
        }
    }

    /** The key of the command on the control topic. */
    public String key() {
        return entityType.changelogKey(entityId);
    }

    private static void requireText(String text, String name) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException(name + " is longer than " + MAX_TEXT + " characters");
        }
    }
}
