package org.eventscheduler.admin.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.eventscheduler.topology.config.InvalidConfigException;

/** What a token may do: a viewer reads, an operator reads and acts. */
public enum Role {
    VIEWER, OPERATOR;

    public boolean allows(Role needed) {
        return ordinal() >= needed.ordinal();
    }

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role fromCode(String code) {
        for (Role role : values()) {
            if (role.code().equals(code)) {
                return role;
            }
        }
        throw new InvalidConfigException("role", "must be viewer or operator, was " + code);
    }
}
