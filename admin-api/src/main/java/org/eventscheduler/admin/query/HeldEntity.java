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

    /**
     * This entity's held work together with {@code other}'s, held for the same entity elsewhere (a shared
     * trigger's matches wait in every source task that made them): the records added up, the oldest and
     * the next check the earliest, paused if either says so.
     */
    public HeldEntity with(HeldEntity other) {
        return new HeldEntity(entityType, id, "PAUSED".equals(state) || "PAUSED".equals(other.state) ? "PAUSED" : state,
                records + other.records, kept + other.kept, earliest(oldestHeldAt, other.oldestHeldAt),
                earliest(nextCheck, other.nextCheck));
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isPresent() && b.get().isBefore(a.get()) ? b : a;
    }
}
