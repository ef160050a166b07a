package org.eventscheduler.app.kafka;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB state store in the process ({@code rocksdb.config.setter}):
 * one LRU block cache of {@code kafka.rocksdb-memory-bytes} shared by all stores, memtables counted
 * against it through a write-buffer manager (a quarter of it), index and filter blocks inside it. Without
 * this, each store (and each segment of each store) has its own cache and memtables, and memory grows
 * with the number of stores and keys. The Kafka Streams documentation's recipe for bounded memory.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** The Streams configuration key that carries the bound (set by {@link SchedulerRunner}). */
    public static final String MEMORY_BYTES_CONFIG = "scheduler.rocksdb.memory.bytes";
    private static final double INDEX_FILTER_BLOCK_RATIO = 0.1;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;
    private static long configuredBytes;

    /** The shared cache and write-buffer manager, created once per process with the first bound seen. */
    private static synchronized void ensureShared(long bytes) {
        if (cache == null) {
            cache = new LRUCache(bytes, -1, false, INDEX_FILTER_BLOCK_RATIO);
            writeBufferManager = new WriteBufferManager(bytes / 4, cache);
            configuredBytes = bytes;
        }
    }

    /** The bound in force in this process (0 before the first store opened). */
    public static synchronized long configuredBytes() {
        return configuredBytes;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object configured = configs.get(MEMORY_BYTES_CONFIG);
        long bytes = configured == null ? 64L * 1024 * 1024 : Long.parseLong(configured.toString());
        ensureShared(bytes);
        // Kafka Streams hands over options with its block-based table config; anything else gets a fresh one
        BlockBasedTableConfig table = options.tableFormatConfig() instanceof BlockBasedTableConfig given ? given
                : new BlockBasedTableConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBufferManager);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer manager are shared by every store: they live as long as the process
    }
}
