package org.eventscheduler.admin.query;

import java.util.List;

/**
 * {@code GET /admin/paused}: the paused sources and triggers of the whole cluster.
 *
 * @param total     paused entities held by the instances that answered
 * @param entities  the list, capped at the request's limit
 * @param truncated whether the list was capped
 * @param complete  whether every instance answered with its paused entities
 * @param missing   what is missing, and why
 */
public record PausedList(long total, List<PausedEntity> entities, boolean truncated, boolean complete,
                         List<String> missing) {
}
