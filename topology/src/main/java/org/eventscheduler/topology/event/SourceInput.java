package org.eventscheduler.topology.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What reaches the source limiter, partitioned by source: a valid event, an invalid event whose
 * source could be read (it counts against the source's breaker, then goes to the DLQ), an operator
 * command for a source, or the unparsed event of a source that is paused for every record it gets.
 */
public sealed interface SourceInput permits IngressEvent, RejectedEvent, SourceControl, UnparsedEvent {

    /** The source this input is about. */
    String source();

    /** The source id encoded as a record key would be: UTF-8 bytes. */
    default byte[] sourceKey() {
        return source().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether a record key already routes this input to its source's partition: the producer used the
     * source id as the key (and the default partitioner), so no repartition is needed.
     */
    default boolean isKeyedBySource(byte[] key) {
        return key != null && Arrays.equals(key, sourceKey());
    }
}
