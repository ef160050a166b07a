package org.eventscheduler.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Names of the record headers this application reads and writes; a contract with producers and consumers. */
public final class SchedulerHeaders {
    /** The correlation id, on every record this application writes about an event; also read on ingress. */
    public static final String CORRELATION_ID = "x-correlation-id";
    /** Why a record went to the throttle topic or the DLQ (a stable reason code). */
    public static final String REASON = "scheduler.reason";
    /** The event source, where it is known. */
    public static final String SOURCE = "scheduler.source";
    /** The trigger a record is about, on workflow starts and held matches. */
    public static final String TRIGGER = "scheduler.trigger";
    /** Where the event that led to a record was read: {@code topic-partition@offset}. */
    public static final String ORIGIN = "scheduler.origin";
    /** Who wrote a trigger definition or its tombstone through the admin API (the token's name). */
    public static final String ACTOR = "scheduler.actor";
    /** When a trigger definition or its tombstone was written through the admin API (ISO-8601). */
    public static final String REQUESTED_AT = "scheduler.requested-at";
    /** On a dead-lettered held record: the entity that held it, e.g. {@code source:orders-service}. */
    public static final String ENTITY = "scheduler.entity";
    /** On a dead-lettered held record: why it had been held ({@code rate-limited}, {@code source-paused}, ...). */
    public static final String HELD_REASON = "scheduler.held-reason";
    /** On a released or dead-lettered held record: how long it was held, in milliseconds. */
    public static final String HELD_MS = "scheduler.held-ms";
    /** Internal: what an internal-topic record is, where a topic carries more than one kind. */
    public static final String KIND = "scheduler.kind";
    /**
     * Internal, on {@code by-source} only: the attributes the source stage decides on, read once before the
     * repartition ({@code ParsedAttributes}), so that the other side does not parse the event again.
     */
    public static final String PARSED = "scheduler.parsed";

    /** CloudEvents Kafka protocol binding, binary mode. */
    public static final String CE_PREFIX = "ce_";
    public static final String CONTENT_TYPE = "content-type";

    private SchedulerHeaders() {
    }

    /** Replaces any header named {@code name} with one holding {@code value} in UTF-8. */
    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The last value of header {@code name} as UTF-8 text. */
    public static Optional<String> lastString(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        return Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
