package org.eventscheduler.topology.trigger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The enabled triggers, indexed by what they match so that finding the candidates for an event costs
 * hash lookups, not a scan: by exact source, by source prefix, or any source; within each, by exact
 * type or type prefix. A prefix lookup tries each distinct prefix length in use, so its cost depends
 * on how many different prefix lengths the triggers use, not on how many triggers there are.
 * Immutable; rebuilt by {@link TriggerRegistry} when definitions change.
 */
final class TriggerIndex {
    static final TriggerIndex EMPTY = new TriggerIndex(List.of());

    private final PrefixMap<TypeIndex> bySource = new PrefixMap<>();
    private final TypeIndex anySource = new TypeIndex();
    private final int size;

    TriggerIndex(Collection<Trigger> triggers) {
        int count = 0;
        for (Trigger trigger : triggers) {
            if (!trigger.enabled()) {
                continue;
            }
            TriggerDefinition definition = trigger.definition();
            TypeIndex types;
            if (definition.source().isPresent()) {
                types = bySource.exact.computeIfAbsent(definition.source().get(), s -> new TypeIndex());
            } else if (definition.sourcePrefix().isPresent()) {
                types = bySource.prefixed.computeIfAbsent(definition.sourcePrefix().get(), s -> new TypeIndex());
                bySource.lengths.add(definition.sourcePrefix().get().length());
            } else {
                types = anySource;
            }
            types.add(trigger);
            count++;
        }
        bySource.seal();
        bySource.exact.values().forEach(TypeIndex::seal);
        bySource.prefixed.values().forEach(TypeIndex::seal);
        anySource.seal();
        this.size = count;
    }

    int size() {
        return size;
    }

    /** The enabled triggers whose source and type criteria match, ordered by id. */
    List<Trigger> candidates(String source, String type) {
        List<Trigger> out = new ArrayList<>(2);
        TypeIndex exact = bySource.exact.get(source);
        if (exact != null) {
            exact.collect(type, out);
        }
        for (int length : bySource.lengthsLongestFirst) {
            if (length <= source.length()) {
                TypeIndex prefixed = bySource.prefixed.get(source.substring(0, length));
                if (prefixed != null) {
                    prefixed.collect(type, out);
                }
            }
        }
        anySource.collect(type, out);
        if (out.size() > 1) {
            out.sort(Comparator.comparing(Trigger::id));
        }
        return out;
    }

    /** Keys looked up exactly or by prefix. */
    private static final class PrefixMap<V> {
        final Map<String, V> exact = new HashMap<>();
        final Map<String, V> prefixed = new HashMap<>();
        final TreeSet<Integer> lengths = new TreeSet<>(Comparator.reverseOrder());
        int[] lengthsLongestFirst = new int[0];

        void seal() {
            lengthsLongestFirst = lengths.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Triggers of one source criterion, by type. */
    private static final class TypeIndex {
        private final PrefixMap<List<Trigger>> byType = new PrefixMap<>();

        void add(Trigger trigger) {
            TriggerDefinition definition = trigger.definition();
            if (definition.type().isPresent()) {
                byType.exact.computeIfAbsent(definition.type().get(), t -> new ArrayList<>()).add(trigger);
            } else {
                String prefix = definition.typePrefix().orElseThrow();
                byType.prefixed.computeIfAbsent(prefix, t -> new ArrayList<>()).add(trigger);
                byType.lengths.add(prefix.length());
            }
        }

        void seal() {
            byType.seal();
        }

        void collect(String type, List<Trigger> out) {
            List<Trigger> exact = byType.exact.get(type);
            if (exact != null) {
                out.addAll(exact);
            }
            for (int length : byType.lengthsLongestFirst) {
                if (length <= type.length()) {
                    List<Trigger> prefixed = byType.prefixed.get(type.substring(0, length));
                    if (prefixed != null) {
                        out.addAll(prefixed);
                    }
                }
            }
        }
    }
}
