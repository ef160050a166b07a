package org.eventscheduler.admin.query;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /admin/held}: what the sources and triggers of the whole cluster hold back.
 *
 * @param entities         entities holding records, in the instances that answered
 * @param records          records they hold in all
 * @param oldestHeldAt     when the oldest of them was held
 * @param oldestAgeSeconds how long it has waited, by the answering instance's clock
 * @param list             the entities, those waiting longest first, capped at the request's limit
 * @param truncated        whether the list was capped
 * @param complete         whether every instance answered with its held work
 * @param missing          what is missing, and why
 */
public record HeldList(long entities, long records, Optional<Instant> oldestHeldAt, Optional<Double> oldestAgeSeconds,
                       List<HeldEntity> list, boolean truncated, boolean complete, List<String> missing) {
}
