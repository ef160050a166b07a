package org.eventscheduler.admin.query;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.pause.PauseReason;

/**
 * A paused source or trigger, as listed by the health endpoint and {@code GET /admin/paused}.
 *
 * @param entityType source or trigger
 * @param id         the source id or trigger id
 * @param causes     why it is paused
 * @param reason     the reason of the strongest cause (operator, then breaker, then rate), in JSON as its code
 * @param since      when the pause began
 * @param until      when it may end by itself: an operator's until, a rate cooldown, or a breaker's open state
 * @param actor      who paused it: the operator, or {@code scheduler}
 */
public record PausedEntity(String entityType, String id, List<PauseCause> causes, PauseReason reason,
                           Optional<Instant> since, Optional<Instant> until, String actor) {
    public String key() {
        return entityType + ":" + id;
    }
}
