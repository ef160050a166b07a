package org.eventscheduler.topology.hold;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.eventscheduler.topology.config.InvalidConfigException;

/** What happens to an entity's held records when it resumes ({@code hold.on-resume}). */
public enum OnResume {
    /** They come back at the entity's limit, oldest first, ahead of what arrives after the resume. */
    RELEASE,
    /** Each goes to the dead-letter topic, reason {@code discarded-on-resume}. */
    DISCARD,
    /** They stay held, apart from new work, until an operator releases or discards them (or they expire). */
    KEEP;

    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static OnResume fromConfig(String name) {
        return Arrays.stream(values())
                .filter(mode -> mode.configName().equals(name))
                .findFirst()
                .orElseThrow(() -> new InvalidConfigException("on-resume", "must be one of "
                        + Arrays.stream(values()).map(OnResume::configName).collect(Collectors.joining(", "))
                        + ", was " + name));
    }
}
