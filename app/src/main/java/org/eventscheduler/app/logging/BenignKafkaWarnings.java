package org.eventscheduler.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import org.slf4j.Marker;

/**
 * Drops two warnings of Kafka's clients that say nothing an operator can act on (registered in
 * {@code logback.xml}), and lets every other line through:
 * <ul>
 *   <li>the metadata response's "recoverable issue" when it names only Kafka Streams' repartition topics
 *       as unknown: at an application's first start its consumer subscribes before the group's leader
 *       has created them, and asks again until they exist;</li>
 *   <li>"Attempting to close NetworkClient that has already been closed", which a broker's controller
 *       channel prints when it stops.</li>
 * </ul>
 * A repartition topic that goes missing later stops Kafka Streams with its own error, which this does
 * not touch.
 */
public final class BenignKafkaWarnings extends TurboFilter {
    private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || logger == null || !NETWORK_CLIENT.equals(logger.getName()) || format == null) {
            return FilterReply.NEUTRAL;
        }
        return isBenign(format, params) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    /** Whether a warning of Kafka's {@code NetworkClient}, {@code format} with {@code params}, is one of the two. */
    static boolean isBenign(String format, Object[] params) {
        if (format.contains("Attempting to close NetworkClient that has already been closed")) {
            return true;
        }
        if (!format.contains("reported a recoverable issue")) {
            return false;
        }
        if (params != null && params.length > 0 && params[params.length - 1] instanceof Map<?, ?> errors) {
            return onlyUnknownRepartitionTopics(errors.toString());
        }
        // Kafka's clients log through their LogContext, which formats the message before logback sees it
        return onlyUnknownRepartitionTopics(format.substring(format.lastIndexOf(" : ") + 3));
    }

    /** Whether {@code errors}, a map as {@code {topic=ERROR, ...}}, names only repartition topics as unknown. */
    private static boolean onlyUnknownRepartitionTopics(String errors) {
        String entries = errors.strip();
        if (!entries.startsWith("{") || !entries.endsWith("}") || entries.length() < 3) {
            return false;
        }
        for (String entry : entries.substring(1, entries.length() - 1).split(", ")) {
            int equals = entry.lastIndexOf('=');
            if (equals < 0 || !entry.substring(0, equals).endsWith("-repartition")
                    || !"UNKNOWN_TOPIC_OR_PARTITION".equals(entry.substring(equals + 1))) {
                return false;
            }
        }
        return true;
    }
}
