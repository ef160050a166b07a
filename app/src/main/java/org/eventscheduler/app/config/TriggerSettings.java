package org.eventscheduler.app.config;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.nio.file.Path;
import java.util.Optional;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HoldSettings;
import org.eventscheduler.topology.trigger.SharedTriggerPath;
import org.eventscheduler.topology.trigger.TriggerDefaults;

/**
 * Trigger settings: the defaults a definition's own {@code rate-limit} and {@code breaker} keys
 * override, and a file of definitions to apply at start-up.
 *
 * @param rateLimit    the rate limit of a trigger that gives none
 * @param breaker      the breaker of a trigger; a definition's {@code breaker} keys are laid over it
 * @param hold         the bounds of a trigger's held starts; a definition's {@code hold} keys are laid over them
 * @param applyOnStart a YAML file of trigger definitions written to the triggers topic at start-up; empty: none
 * @param sharedPath   how shared triggers' matches reach their starts: {@code hop} (the default) or
 *                     {@code granted-budget}
 */
public record TriggerSettings(RateLimit rateLimit, BreakerSettings breaker, HoldSettings hold, String applyOnStart,
                              SharedTriggerPath sharedPath) {
    public TriggerSettings {
        require(sharedPath != null, "shared-path", "is required (hop or granted-budget)");
        require(rateLimit != null, "rate-limit", "is required");
        require(breaker != null, "breaker", "is required");
        require(hold != null, "hold", "is required");
        applyOnStart = applyOnStart == null ? "" : applyOnStart.trim();
    }

    public TriggerDefaults defaults() {
        return new TriggerDefaults(rateLimit, breaker, hold);
    }

    public Optional<Path> applyOnStartFile() {
        return applyOnStart.isEmpty() ? Optional.empty() : Optional.of(Path.of(applyOnStart));
    }
}
