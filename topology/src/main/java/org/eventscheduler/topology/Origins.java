package org.eventscheduler.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * The {@code scheduler.origin} header: where the event behind a record was read
 * ({@code topic-partition@offset}), stamped once on the way in so that every output record, even after
 * a repartition, can be traced to its input.
 */
public final class Origins {
    private Origins() {
    }

    /** The {@code topic-partition@} of the partition read last on this thread, as bytes. */
    private static final ThreadLocal<Prefix> LAST_PREFIX = new ThreadLocal<>();

    private record Prefix(String topic, int partition, byte[] bytes) {
    }

    /**
     * Stamps the current input coordinates unless the record already carries an origin. Every event of a
     * storm is stamped, so the bytes are written directly: the prefix of its partition once, the offset's
     * digits each time.
     */
    public static void stampIfAbsent(Headers headers, ProcessingContext context) {
        if (headers.lastHeader(SchedulerHeaders.ORIGIN) == null) {
            context.recordMetadata().ifPresent(metadata ->
                    headers.add(SchedulerHeaders.ORIGIN, of(metadata.topic(), metadata.partition(), metadata.offset())));
        }
    }

    /** {@code topic-partition@offset} in UTF-8. */
    static byte[] of(String topic, int partition, long offset) {
        Prefix prefix = LAST_PREFIX.get();
        if (prefix == null || prefix.partition() != partition || !prefix.topic().equals(topic)) {
            prefix = new Prefix(topic, partition, (topic + "-" + partition + "@").getBytes(StandardCharsets.UTF_8));
            LAST_PREFIX.set(prefix);
        }
        if (offset < 0) {
            return (new String(prefix.bytes(), StandardCharsets.UTF_8) + offset).getBytes(StandardCharsets.UTF_8);
        }
        int digits = 1;
        for (long rest = offset / 10; rest > 0; rest /= 10) {
            digits++;
        }
        byte[] bytes = new byte[prefix.bytes().length + digits];
        System.arraycopy(prefix.bytes(), 0, bytes, 0, prefix.bytes().length);
        long rest = offset;
        for (int at = bytes.length - 1; at >= prefix.bytes().length; at--) {
            bytes[at] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return bytes;
    }

    /** A step that stamps the origin before a record leaves for a repartition topic. */
    public static <K, V> FixedKeyProcessor<K, V, V> stamp() {
        return new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<K, V> context;

            @Override
            public void init(FixedKeyProcessorContext<K, V> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<K, V> record) {
                stampIfAbsent(record.headers(), context);
                context.forward(record);
            }
        };
    }
}
