package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.eventscheduler.topology.config.InvalidConfigException;

/**
 * How a shared trigger's matches (a source prefix, or any source) reach the start of their workflows
 * ({@code triggers.shared-path}; docs/triggers.md). Pinned triggers start in their source's task either way.
 */
public enum SharedTriggerPath {
    /** Every match crosses {@code by-trigger} to the trigger's home, which starts it: the default (docs/benchmarks.md). */
    HOP,
    /** The source tasks start matches from budget the trigger's home grants them; demands and grants cross. */
    GRANTED_BUDGET;

    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static SharedTriggerPath fromConfig(String name) {
        return Arrays.stream(values())
                .filter(path -> path.configName().equals(name))
                .findFirst()
                .orElseThrow(() -> new InvalidConfigException("shared-path", "must be one of "
                        + Arrays.stream(values()).map(SharedTriggerPath::configName).collect(Collectors.joining(", "))
                        + ", was " + name));
    }
}
