package org.eventscheduler.topology.pause;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a pause applies to. */
public enum EntityType {
    SOURCE,
    TRIGGER;

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The key of this entity's record in the paused changelog, e.g. {@code source:orders-service}. */
    public String changelogKey(String entityId) {
        return code() + ":" + entityId;
    }
}
