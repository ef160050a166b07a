package org.eventscheduler.mirror;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.eventscheduler.topology.failure.Failures;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseRecordSerde;

/** Decodes what the mirror reads: records of the paused changelog and of the DLQ. */
public final class MirrorRecords {
    /** Headers Kafka Streams puts on a DLQ record. */
    static final String ERRORS_TOPIC = "__streams.errors.topic";
    static final String ERRORS_PARTITION = "__streams.errors.partition";
    static final String ERRORS_OFFSET = "__streams.errors.offset";
    static final String ERRORS_EXCEPTION = "__streams.errors.exception";
    static final String ERRORS_MESSAGE = "__streams.errors.message";

    private final String pausedTopic;
    private final String dlqTopic;
    private final int dlqPayloadBytes;
    private final PauseRecordSerde serde = new PauseRecordSerde();

    public MirrorRecords(String pausedTopic, String dlqTopic, int dlqPayloadBytes) {
        this.pausedTopic = pausedTopic;
        this.dlqTopic = dlqTopic;
        this.dlqPayloadBytes = dlqPayloadBytes;
    }

    public MirroredRecord decode(ConsumerRecord<byte[], byte[]> record) {
        Coordinates at = new Coordinates(record.topic(), record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()));
        if (record.topic().equals(pausedTopic)) {
            return pauseChange(at, record);
        }
        if (record.topic().equals(dlqTopic)) {
            return deadLetter(at, record);
        }
        return new MirroredRecord.Unreadable(at, "not a topic the mirror reads");
    }

    private MirroredRecord pauseChange(Coordinates at, ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
            int colon = key.indexOf(':');
            try {
                return new MirroredRecord.Tombstone(at, EntityType.fromCode(colon < 0 ? key : key.substring(0, colon)),
                        key.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                return new MirroredRecord.Unreadable(at, "tombstone with key '" + key + "': " + e.getMessage());
            }
        }
        try {
            PauseRecord change = serde.deserializer().deserialize(record.topic(), record.value());
            return new MirroredRecord.PauseChange(at, change, new String(record.value(), StandardCharsets.UTF_8));
        } catch (SerializationException | IllegalArgumentException | NullPointerException e) {
            return new MirroredRecord.Unreadable(at, "not a pause record: " + rootMessage(e));
        }
    }

    private MirroredRecord deadLetter(Coordinates at, ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        String origin = SchedulerHeaders.lastString(headers, SchedulerHeaders.ORIGIN).orElse(at.toString());
        int valueBytes = record.value() == null ? 0 : record.value().length;
        Optional<String> payload = Optional.empty();
        if (dlqPayloadBytes > 0 && record.value() != null) {
            payload = Optional.of(new String(record.value(), 0, Math.min(valueBytes, dlqPayloadBytes),
                    StandardCharsets.UTF_8));
        }
        return new MirroredRecord.DeadLetterSummary(at,
                SchedulerHeaders.lastString(headers, SchedulerHeaders.REASON).orElse("unknown"),
                SchedulerHeaders.lastString(headers, SchedulerHeaders.SOURCE),
                SchedulerHeaders.lastString(headers, SchedulerHeaders.CORRELATION_ID).orElse(origin),
                SchedulerHeaders.lastString(headers, SchedulerHeaders.ORIGIN),
                SchedulerHeaders.lastString(headers, ERRORS_TOPIC),
                SchedulerHeaders.lastString(headers, ERRORS_PARTITION).flatMap(MirrorRecords::parseInt),
                SchedulerHeaders.lastString(headers, ERRORS_OFFSET).flatMap(MirrorRecords::parseLong),
                SchedulerHeaders.lastString(headers, ERRORS_EXCEPTION),
                SchedulerHeaders.lastString(headers, ERRORS_MESSAGE),
                valueBytes, payload);
    }

    private static Optional<Integer> parseInt(String text) {
        try {
            return Optional.of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String rootMessage(Throwable e) {
        return String.valueOf(Failures.rootCause(e).getMessage());
    }
}
