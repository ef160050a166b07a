package org.eventscheduler.topology.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.config.NamingConvention;
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
 *   <li>a gauge may not end in {@code count}: it is exported ending in {@code current} instead. That is
 *       the registry's naming convention, not a filter: a filter would rename the meter itself, and
 *       Micrometer's Kafka binder, which looks its meters up by their own names on every refresh, would
 *       no longer find them and register them again (a warning a minute after start);
 *   <li>a meter without a description gets its name as its help text.
 * </ul>
 */
public final class PrometheusNaming implements MeterFilter {
    private PrometheusNaming() {
    }

    /** Installs the rules on {@code registry}: the filter, and the naming convention over its own. */
    public static <R extends MeterRegistry> R applyTo(R registry) {
        NamingConvention exported = registry.config().namingConvention();
        registry.config().meterFilter(new PrometheusNaming())
                .namingConvention(new NamingConvention() {
                    @Override
                    public String name(String name, Meter.Type type, String baseUnit) {
                        return exported.name(gaugeName(name, type), type, baseUnit);
                    }

                    @Override
                    public String tagKey(String key) {
                        return exported.tagKey(key);
                    }

                    @Override
                    public String tagValue(String value) {
                        return exported.tagValue(value);
                    }
                });
        return registry;
    }

    /** A library gauge named {@code ….count} as {@code ….current}; every other name as it is. */
    static String gaugeName(String name, Meter.Type type) {
        if (type == Meter.Type.GAUGE && name.endsWith(".count") && !name.startsWith("scheduler.")) {
            return name.substring(0, name.length() - ".count".length()) + ".current";
        }
        return name;
    }
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
        if (id.getDescription() != null && !id.getDescription().isBlank()) {
            return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                gaugeName(id.getName(), id.getType()).replace('.', ' '), id.getType());
    }
}
