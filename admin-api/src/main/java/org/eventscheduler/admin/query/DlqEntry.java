package org.eventscheduler.admin.query;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A dead-lettered record, decoded for reading: where it is in the DLQ, why it is there, where it came
 * from, its headers (without the stack trace) and the start of its value.
 *
 * @param dlqPosition     {@code topic-partition@offset} in the DLQ
 * @param reason          the {@code scheduler.reason} code
 * @param origin          the ingress record behind it, {@code topic-partition@offset}
 * @param failedAt        where Kafka Streams failed: topic, partition and offset
 * @param valuePreview    the value as text (hex when it is not UTF-8), cut at the preview size
 * @param valueBytes      the whole value's size
 */
public record DlqEntry(String dlqPosition, Instant timestamp, String reason, Optional<String> correlationId,
                       Optional<String> source, Optional<String> origin, Optional<String> failedAt,
                       Optional<String> exception, Optional<String> message, Map<String, String> headers,
                       Optional<String> key, String valuePreview, int valueBytes) {
}
