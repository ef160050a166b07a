package org.eventscheduler.app.kafka;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * The options of every RocksDB state store of the scheduler ({@code rocksdb.config.setter}): memory
 * bounded by {@link BoundedRocksDbMemory}, and a bloom filter on every level, the last one included.
 *
 * <p>Kafka Streams turns {@code optimize_filters_for_hits} on, which builds no filter for the last level,
 * where most of a store's keys are: right for stores whose lookups find their key. The scheduler looks
 * up every event's source, and the first event of a source (or its first after the idle scan forgot it)
 * finds nothing; without the last level's filter, each such miss reads an index and a data block of the
 * largest file. Measured in S3 (docs/benchmarks.md): with a million distinct sources these misses were the
 * largest single item of the state-store work (3.5 µs of the stream thread's 31.7 µs per record; 1.7 µs
 * with the filter). The filters cost about 10 bits per key, inside the bounded cache.
 */
public final class RocksDbStoreOptions implements RocksDBConfigSetter {
    private final BoundedRocksDbMemory memory = new BoundedRocksDbMemory();

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        memory.setConfig(storeName, options, configs);
        options.setOptimizeFiltersForHits(false);
    }

    @Override
    public void close(String storeName, Options options) {
        memory.close(storeName, options);
    }
}
