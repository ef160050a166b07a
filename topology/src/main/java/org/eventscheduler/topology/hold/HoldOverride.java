package org.eventscheduler.topology.hold;

import java.time.Duration;
import java.util.Optional;

/**
 * Some of the hold settings, laid over the defaults: the {@code hold} block of a source override or a
 * trigger definition.
 */
public record HoldOverride(Optional<Duration> maxAge, Optional<Integer> maxRecords, Optional<OnResume> onResume) {
    public HoldOverride {
        maxAge = maxAge == null ? Optional.empty() : maxAge;
        maxRecords = maxRecords == null ? Optional.empty() : maxRecords;
        onResume = onResume == null ? Optional.empty() : onResume;
    }

    /** The defaults with this override's keys in their place; validated. */
    public HoldSettings applyTo(HoldSettings defaults) {
        return new HoldSettings(maxAge.orElse(defaults.maxAge()), maxRecords.orElse(defaults.maxRecords()),
                onResume.orElse(defaults.onResume()));
    }
}
