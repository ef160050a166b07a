package org.eventscheduler.topology.source;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;

/**
 * The sources in each task's paused index (paused, or holding work), in the heap: kept by the task's
 * source limiter (through {@code GuardStores}) and read by its ingress router, which parses an event
 * only when its key names none of them. One per topology: a task's two processors find the same set by
 * its {@link TaskId}. A task runs on one stream thread at a time, so each set is read and written by
 * one thread; only the map of tasks is shared.
 */
final class IndexedSources {
    private final Map<TaskId, Set<String>> byTask = new ConcurrentHashMap<>();

    /** The set of task {@code task}, created empty when it has none. */
    Set<String> of(TaskId task) {
        return byTask.computeIfAbsent(task, t -> new HashSet<>());
    }

    /** Task {@code task} closed here: its set goes (another instance's limiter builds its own). */
    void close(TaskId task) {
        byTask.remove(task);
    }
}
