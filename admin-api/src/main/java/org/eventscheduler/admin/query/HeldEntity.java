package org.eventscheduler.admin.query;

import java.time.Instant;
import java.util.Optional;

/**
 * A source or trigger that holds records back, as listed by {@code GET /admin/held} and the health endpoint.
 *
 * @param entityType   source or trigger
 * @param id           the source id or trigger id
 * @param state        PAUSED or ACTIVE (an active entity holds what is over its limit)
 * @param records      held in all
 * @param kept         of them, kept by a resume until an operator acts
 * @param oldestHeldAt when the oldest was held (record time)
 * @param nextCheck    when its held work is next looked at
 */
public record HeldEntity(String entityType, String id, String state, long records, long kept,
                         Optional<Instant> oldestHeldAt, Optional<Instant> nextCheck) {
    public String key() {
        return entityType + ":" + id;
    }
}
