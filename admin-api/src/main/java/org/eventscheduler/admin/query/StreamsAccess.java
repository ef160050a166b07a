package org.eventscheduler.admin.query;

import java.util.Collection;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.StreamsMetadata;

/** What the query code needs from the local Kafka Streams instance: its state, the cluster's metadata, its stores. */
public interface StreamsAccess {

    KafkaStreams.State state();

    /** This instance's {@code application.server}. */
    HostInfo self();

    /** Every instance of the application in the current assignment, with what it hosts. */
    Collection<StreamsMetadata> instances();

    /** Which instance owns {@code key} of {@code store}; {@link KeyQueryMetadata#NOT_AVAILABLE} while rebalancing. */
    KeyQueryMetadata ownerOf(String store, String key);

    /** A local store; throws {@link org.apache.kafka.streams.errors.InvalidStateStoreException} while it is not queryable. */
    <T> T store(StoreQueryParameters<T> parameters);

    /** The access of a running {@link KafkaStreams}. */
    static StreamsAccess of(KafkaStreams streams, HostInfo self) {
        return new StreamsAccess() {
            @Override
            public KafkaStreams.State state() {
                return streams.state();
            }

            @Override
            public HostInfo self() {
                return self;
            }

            @Override
            public Collection<StreamsMetadata> instances() {
                return streams.metadataForAllStreamsClients();
            }

            @Override
            public KeyQueryMetadata ownerOf(String store, String key) {
                return streams.queryMetadataForKey(store, key, org.apache.kafka.common.serialization.Serdes.String().serializer());
            }

            @Override
            public <T> T store(StoreQueryParameters<T> parameters) {
                return streams.store(parameters);
            }
        };
    }
}
