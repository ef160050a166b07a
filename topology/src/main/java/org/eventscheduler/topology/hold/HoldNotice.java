package org.eventscheduler.topology.hold;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.eventscheduler.topology.WireJson;
import org.eventscheduler.topology.pause.EntityType;

/**
 * The audit record of held work on {@code scheduler.throttled}, keyed by the entity's changelog key: one
 * when an entity starts holding records (its queue was empty), one when it holds none again, with what
 * became of the records held in between. The records themselves wait in the entity's held store, and
 * each ends as a start (or an admitted event) or in the dead-letter topic with its reason; this topic
 * says when and how much, without a second copy of every record.
 *
 * @param event      {@code holding} or {@code drained}
 * @param reason     why the first record of the episode was held ({@code rate-limited}, {@code source-paused}, ...)
 * @param since      when the episode began (the first record held)
 * @param at         when this notice was written (record time)
 * @param held       records held in the episode so far
 * @param released   of them, released onwards
 * @param expired    dead-lettered after {@code hold.max-age}
 * @param overflowed pushed out by a full queue ({@code hold.max-records})
 * @param discarded  discarded on resume or by an operator
 * @param correlationId the correlation id of the record that began the episode
 * @param instance   the instance that wrote it
 */
public record HoldNotice(EntityType entityType, String entityId, Event event, String reason, Instant since,
                         Instant at, long held, long released, long expired, long overflowed, long discarded,
                         String correlationId, String instance) {

    /** What happened to the entity's queue. */
    public enum Event {
        /** It held its first record since it last held none. */
        HOLDING,
        /** It holds none again. */
        DRAINED;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The record key: the entity's changelog key, as on {@code scheduler.paused}. */
    public String key() {
        return entityType.changelogKey(entityId);
    }

    /** JSON, with the wire mapper. */
    public static Serde<HoldNotice> serde() {
        return Serdes.serdeFrom((topic, notice) -> {
            try {
                return WireJson.MAPPER.writeValueAsBytes(notice);
            } catch (IOException e) {
                throw new SerializationException("cannot write the hold notice of " + notice.key(), e);
            }
        }, (Deserializer<HoldNotice>) (topic, bytes) -> {
            try {
                return WireJson.MAPPER.readValue(bytes, HoldNotice.class);
            } catch (IOException e) {
                throw new SerializationException("cannot read a hold notice from " + topic, e);
            }
        });
    }
}
