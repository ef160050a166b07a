package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The value of a {@code workflow.starts} record (key: the trigger id): start {@code workflow} with
 * {@code input}, because {@code triggerId} matched the event {@code eventId}. A held start (trigger
 * paused or over its limit) goes to {@code scheduler.throttled} in the same form.
 */
public record WorkflowStart(String workflow, String triggerId, String eventId, String source, String type,
                            String correlationId, JsonNode input) {
}
