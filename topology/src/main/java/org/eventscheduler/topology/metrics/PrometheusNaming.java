package org.eventscheduler.topology.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps the scrape within Prometheus' naming rules (as {@code promtool check metrics} checks them) for
 * the library meters that break them; the application's own meters are named right and left alone.
 *
 * <ul>
 *   <li>meters in nanoseconds or milliseconds (Kafka clients' {@code *_time_ns_total},
 *       {@code process.cpu.time}) are dropped: Prometheus wants seconds, and a rename cannot convert
 *       the values;
 *   <li>a gauge may not end in {@code count}: it ends in {@code current} instead;
 *   <li>a meter without a description gets its name as its help text.
 * </ul>
 */
public final class PrometheusNaming implements MeterFilter {
    private static final Pattern SUB_SECOND_SEGMENT = Pattern.compile("(^|\\.)(ns|ms)(\\.|$)");
    private static final Set<String> SUB_SECOND_UNITS = Set.of("ns", "ms", "nanoseconds", "milliseconds");

    private static boolean own(Meter.Id id) {
        return id.getName().startsWith("scheduler.");
    }

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        if (!own(id) && (SUB_SECOND_SEGMENT.matcher(id.getName()).find()
                || (id.getBaseUnit() != null && SUB_SECOND_UNITS.contains(id.getBaseUnit())))) {
            return MeterFilterReply.DENY;
        }
        return MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        if (own(id)) {
            return id;
        }
        String name = id.getName();
        if (id.getType() == Meter.Type.GAUGE && name.endsWith(".count")) {
            name = name.substring(0, name.length() - ".count".length()) + ".current";
        }
        String description = id.getDescription() == null || id.getDescription().isBlank()
                ? name.replace('.', ' ') : id.getDescription();
        if (name.equals(id.getName()) && description.equals(id.getDescription())) {
            return id;
        }
        return new Meter.Id(name, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
    }
}
