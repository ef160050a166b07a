package org.eventscheduler.admin.query;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /admin/{sources|triggers}/{id}/held}: what one source or trigger holds back, from the
 * instance that owns it.
 *
 * @param entityType   source or trigger
 * @param id           the source id or trigger id
 * @param state        PAUSED or ACTIVE
 * @param records      held in all
 * @param kept         of them, kept by a resume ({@code hold.on-resume: keep}) until an operator acts
 * @param oldestHeldAt when the oldest was held (record time)
 * @param oldestAgeSeconds how long the oldest has waited, by this instance's clock
 * @param nextCheck    when its held work is next looked at: a release as its window makes room, an
 *                     operator's paced release, or an expiry
 * @param first        the first records in the order they go on (kept ones first), at most the request's limit
 * @param servedBy     the instance that answered
 */
public record HeldQueue(String entityType, String id, String state, long records, long kept,
                        Optional<Instant> oldestHeldAt, Optional<Double> oldestAgeSeconds, Optional<Instant> nextCheck,
                        List<Entry> first, String servedBy) {

    /**
     * One held record.
     *
     * @param heldAt        when it was held (record time)
     * @param reason        why: {@code rate-limited}, {@code source-paused}, {@code trigger-paused}, ...
     * @param kept          whether a resume kept it (it waits for an operator)
     * @param correlationId its correlation id
     * @param key           its key, as text
     * @param valuePreview  the start of its value, as text (hex when it is not UTF-8)
     * @param valueBytes    the whole value's size
     */
    public record Entry(Instant heldAt, String reason, boolean kept, Optional<String> correlationId, String key,
                        String valuePreview, int valueBytes) {
    }
}
