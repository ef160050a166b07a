package org.eventscheduler.topology;

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

    /** Stamps the current input coordinates unless the record already carries an origin. */
    public static void stampIfAbsent(Headers headers, ProcessingContext context) {
        if (headers.lastHeader(SchedulerHeaders.ORIGIN) == null) {
            context.recordMetadata().ifPresent(metadata -> SchedulerHeaders.put(headers, SchedulerHeaders.ORIGIN,
                    metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset()));
        }
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
