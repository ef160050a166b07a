package org.eventscheduler.topology.pause;

import com.fasterxml.jackson.annotation.JsonCreator;
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

    @JsonCreator
    public static EntityType fromCode(String code) {
        for (EntityType type : values()) {
            if (type.code().equals(code)) {
                return type;
            }
        }
        throw new IllegalArgumentException("entity type must be source or trigger, was " + code);
    }

    /** The key of this entity's record in the paused changelog, e.g. {@code source:orders-service}. */
    public String changelogKey(String entityId) {
        return code() + ":" + entityId;
    }
}
