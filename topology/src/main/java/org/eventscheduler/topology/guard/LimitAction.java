package org.eventscheduler.topology.guard;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.eventscheduler.topology.config.InvalidConfigException;

/** What happens when an entity goes over its rate limit. */
public enum LimitAction {
    /** Events over the limit go to the throttle topic; the entity stays active. */
    THROTTLE,
    /** Events over the limit are throttled, and an entity that stays over it is paused: all its events are held. */
    PAUSE,
    /** Decide and record as {@link #PAUSE} would (changelog record flagged shadow, log line), divert nothing. */
    SHADOW;

    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static LimitAction fromConfig(String name) {
        return Arrays.stream(values())
                .filter(action -> action.configName().equals(name))
                .findFirst()
                .orElseThrow(() -> new InvalidConfigException("action", "must be one of "
                        + Arrays.stream(values()).map(LimitAction::configName).collect(Collectors.joining(", "))
                        + ", was " + name));
    }
}
