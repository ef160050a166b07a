package org.eventscheduler.admin.query;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eventscheduler.topology.SchedulerHeaders;

/**
 * Reads the dead-letter topic newest first, with filters: each partition is read backwards in chunks
 * from its end (or from {@code since}), at most {@code maxScan} records in all, so one request stays
 * bounded however large the topic is. Read-only.
 */
public final class DlqReader implements AutoCloseable {
    private static final int CHUNK = 500;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final int previewBytes;
    private final int maxScan;

    public DlqReader(Properties clientProperties, String topic, int previewBytes, int maxScan) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, CHUNK);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.previewBytes = previewBytes;
        this.maxScan = maxScan;
    }

    /** Filters of a DLQ query; empty ones match everything. */
    public record Filter(int limit, Optional<String> reason, Optional<String> source, Optional<Instant> since) {
    }

    public synchronized List<DlqEntry> newest(Filter filter, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        if (partitions.isEmpty()) {
            return List.of();
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        Map<TopicPartition, Long> floor = new TreeMap<>(Comparator.comparing(TopicPartition::partition));
        floor.putAll(begin);
        filter.since().ifPresent(since -> {
            Map<TopicPartition, Long> query = new java.util.HashMap<>();
            partitions.forEach(p -> query.put(p, since.toEpochMilli()));
            consumer.offsetsForTimes(query, timeout).forEach((p, found) ->
                    floor.put(p, found == null ? end.get(p) : Math.max(begin.get(p), ((OffsetAndTimestamp) found).offset())));
        });
        List<DlqEntry> matches = new ArrayList<>();
        int budget = Math.max(CHUNK, maxScan / partitions.size());
        for (TopicPartition partition : partitions) {
            long upper = end.get(partition);
            int scanned = 0;
            List<DlqEntry> found = new ArrayList<>();
            while (upper > floor.get(partition) && found.size() < filter.limit() && scanned < budget
                    && System.nanoTime() < deadline) {
                long lower = Math.max(floor.get(partition), upper - CHUNK);
                found.addAll(0, readRange(partition, lower, upper, filter, deadline));
                scanned += (int) (upper - lower);
                upper = lower;
            }
            matches.addAll(found);
        }
        return matches.stream()
                .sorted(Comparator.comparing(DlqEntry::timestamp).reversed())
                .limit(filter.limit())
                .toList();
    }

    private List<DlqEntry> readRange(TopicPartition partition, long from, long to, Filter filter, long deadline) {
        consumer.seek(partition, from);
        List<DlqEntry> entries = new ArrayList<>();
        while (consumer.position(partition) < to && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() >= to) {
                    break;
                }
                DlqEntry entry = decode(record);
                if (filter.reason().map(entry.reason()::equals).orElse(true)
                        && filter.source().map(source -> entry.source().map(source::equals).orElse(false)).orElse(true)
                        && filter.since().map(since -> !entry.timestamp().isBefore(since)).orElse(true)) {
                    entries.add(entry);
                }
            }
        }
        return entries;
    }

    private DlqEntry decode(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new TreeMap<>();
        for (Header header : record.headers()) {
            if (!header.key().equals("__streams.errors.stacktrace")) {
                headers.put(header.key(), text(header.value(), previewBytes));
            }
        }
        Optional<String> failedAt = Optional.ofNullable(headers.get("__streams.errors.topic"))
                .map(t -> t + "-" + headers.getOrDefault("__streams.errors.partition", "?") + "@"
                        + headers.getOrDefault("__streams.errors.offset", "?"));
        byte[] value = record.value() == null ? new byte[0] : record.value();
        return new DlqEntry(record.topic() + "-" + record.partition() + "@" + record.offset(),
                Instant.ofEpochMilli(record.timestamp()), headers.getOrDefault(SchedulerHeaders.REASON, "unknown"),
                Optional.ofNullable(headers.get(SchedulerHeaders.CORRELATION_ID)),
                Optional.ofNullable(headers.get(SchedulerHeaders.SOURCE)),
                Optional.ofNullable(headers.get(SchedulerHeaders.ORIGIN)), failedAt,
                Optional.ofNullable(headers.get("__streams.errors.exception")),
                Optional.ofNullable(headers.get("__streams.errors.message")),
                headers.entrySet().stream()
                        .filter(e -> !e.getKey().startsWith("__streams.errors."))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b, TreeMap::new)),
                Optional.ofNullable(record.key()).map(key -> text(key, previewBytes)),
                text(value, previewBytes), value.length);
    }

    static String text(byte[] bytes, int max) {
        if (bytes == null) {
            return "";
        }
        byte[] shown = bytes.length > max ? java.util.Arrays.copyOf(bytes, max) : bytes;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(shown)).toString();
            return bytes.length > max ? text + "…" : text;
        } catch (CharacterCodingException e) {
            if (bytes.length > max) {
                // cut inside a character: show what decodes leniently
                return new String(shown, StandardCharsets.UTF_8) + "…";
            }
            return "0x" + HexFormat.of().formatHex(shown);
        }
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
