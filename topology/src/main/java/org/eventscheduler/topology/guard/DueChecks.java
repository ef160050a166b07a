package org.eventscheduler.topology.guard;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The paused index of one task ordered by when each entry is next due, so that a tick reads the
 * entries due by now instead of walking the whole index. Derived state, in the heap: read once from
 * the paused index when the task starts (after its stores are restored) and kept in step with it by
 * {@link GuardStores}, which writes both. An entry that only a record can change
 * ({@link Long#MAX_VALUE}) is never due and not kept. About 100 bytes of heap per entry.
 */
final class DueChecks {
    private final NavigableMap<Long, Set<String>> byDue = new TreeMap<>();

    /** The due checks of every entry of {@code paused}; each entry's id also goes to {@code indexed}. */
    static DueChecks of(KeyValueStore<String, Long> paused, java.util.function.Consumer<String> indexed) {
        DueChecks checks = new DueChecks();
        try (KeyValueIterator<String, Long> entries = paused.all()) {
            while (entries.hasNext()) {
                KeyValue<String, Long> entry = entries.next();
                checks.add(entry.key, entry.value);
                indexed.accept(entry.key);
            }
        }
        return checks;
    }

    /** {@code id}'s entry moved from {@code previous} to {@code next} (either {@link EntityGuard#NOT_PAUSED}). */
    void move(String id, long previous, long next) {
        remove(id, previous);
        add(id, next);
    }

    /**
     * Takes the ids due by {@code now} out, oldest due first: {@link GuardStores#tickDue} adds each back at
     * its next check once it has looked at it (one whose look fails comes back with its next record).
     */
    List<String> takeDueBy(long now) {
        List<String> due = new ArrayList<>();
        NavigableMap<Long, Set<String>> head = byDue.headMap(now, true);
        for (Map.Entry<Long, Set<String>> entry : head.entrySet()) {
            due.addAll(entry.getValue());
        }
        head.clear();
        return due;
    }

    private void remove(String id, long at) {
        Set<String> ids = byDue.get(at);
        if (ids != null && ids.remove(id) && ids.isEmpty()) {
            byDue.remove(at);
        }
    }

    void add(String id, long at) {
        if (at != EntityGuard.NOT_PAUSED && at != Long.MAX_VALUE) {
            byDue.computeIfAbsent(at, k -> new HashSet<>()).add(id);
        }
    }
}
