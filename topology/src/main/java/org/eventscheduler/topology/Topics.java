package org.eventscheduler.topology;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.util.List;
import java.util.Map;

/**
 * The names of the topics the topology reads and writes. Internal topics (repartition, changelogs)
 * are named by Kafka Streams from the application id and {@link StoreNames}.
 *
 * @param ingress   CloudEvents from upstream services
 * @param accepted  the validated, admitted events
 * @param throttled events a safeguard held back, with their original value and headers and a reason header
 * @param dlq       records that failed validation or processing, with the reason and the original coordinates
 * @param paused    the compacted changelog of paused entities, key {@code source:<id>} or {@code trigger:<id>}
 * @param triggers  the compacted trigger definitions, key = trigger id, a tombstone deletes
 * @param control   operator commands (pause, resume), key = the entity's changelog key
 * @param workflowStarts one record per (event, trigger) match that starts a workflow, key = trigger id
 * @param startResults   the workflow engine's answers to starts, {@code {eventId, triggerId, status, error}}
 * @param triggerGrants  the scheduler's own: budget a shared trigger's home grants to the source partitions, each
 *                       record written to the partition it is for (as many partitions as {@code ingress})
 */
public record Topics(String ingress, String accepted, String throttled, String dlq, String paused, String triggers,
                     String control, String workflowStarts, String startResults, String triggerGrants) {
    public Topics {
        requireName(ingress, "ingress");
        requireName(accepted, "accepted");
        requireName(throttled, "throttled");
        requireName(dlq, "dlq");
        requireName(paused, "paused");
        requireName(triggers, "triggers");
        requireName(control, "control");
        requireName(workflowStarts, "workflow-starts");
        requireName(startResults, "start-results");
        requireName(triggerGrants, "trigger-grants");
        require(List.of(ingress, accepted, throttled, dlq, paused, triggers, control, workflowStarts, startResults,
                        triggerGrants).stream().distinct().count() == 10,
                "topics", "every topic needs its own name");
    }

    /** Topic names by their configuration key. */
    public Map<String, String> byKey() {
        return Map.of("ingress", ingress, "accepted", accepted, "throttled", throttled, "dlq", dlq,
                "paused", paused, "triggers", triggers, "control", control, "workflow-starts", workflowStarts,
                "start-results", startResults, "trigger-grants", triggerGrants);
    }

    private static void requireName(String name, String key) {
        require(name != null && name.matches("[a-zA-Z0-9._-]{1,249}"), key,
                "must be a Kafka topic name (letters, digits, '.', '_', '-'; at most 249), was " + name);
    }
}
