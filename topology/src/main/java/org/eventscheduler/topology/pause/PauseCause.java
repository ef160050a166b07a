package org.eventscheduler.topology.pause;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Why an entity is paused. An entity is paused while at least one cause holds; each clears on its own terms. */
public enum PauseCause {
    /** Over its rate limit; clears after the cooldown once the rate is back under the resume threshold. */
    RATE,
    /** Its circuit breaker is open (or half-open); clears when the breaker closes. */
    BREAKER,
    /** An operator paused it; clears on an operator resume or at the pause's own {@code until}. */
    OPERATOR;

    /** The cause's bit in a set of causes kept as an {@code int} (as {@code GuardState} keeps them). */
    public int bit() {
        return 1 << ordinal();
    }

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static PauseCause fromCode(String code) {
        for (PauseCause cause : values()) {
            if (cause.code().equals(code)) {
                return cause;
            }
        }
        throw new IllegalArgumentException("unknown pause cause " + code);
    }

    /** The causes in a set kept as an {@code int}, in declaration order. */
    public static List<PauseCause> of(int bits) {
        List<PauseCause> causes = new ArrayList<>(3);
        for (PauseCause cause : values()) {
            if ((bits & cause.bit()) != 0) {
                causes.add(cause);
            }
        }
        return causes;
    }
}
