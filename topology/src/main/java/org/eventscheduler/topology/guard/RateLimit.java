package org.eventscheduler.topology.guard;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

/**
 * At most {@code maxEvents} per rate window, and what to do past that.
 *
 * @param maxEvents events allowed in one window ({@code rate-window.size})
 * @param action    what happens past the limit
 */
public record RateLimit(long maxEvents, LimitAction action) {
    public RateLimit {
        require(maxEvents > 0, "max-events", "must be a positive number of events, was " + maxEvents);
        require(action != null, "action", "is required (throttle, pause or shadow)");
    }
}
