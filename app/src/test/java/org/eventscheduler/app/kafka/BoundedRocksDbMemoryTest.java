package org.eventscheduler.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Every store of the process gets the one shared, bounded block cache. */
class BoundedRocksDbMemoryTest {
    @Test
    void twoStoresShareOneCacheOfTheConfiguredSize() throws Exception {
        RocksDB.loadLibrary();
        long bound = 16L * 1024 * 1024;
        Map<String, Object> configs = Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, Long.toString(bound));
        Path dir = Files.createTempDirectory("rocksdb-bound-");
        try (Options first = new Options().setCreateIfMissing(true); Options second = new Options().setCreateIfMissing(true)) {
            new BoundedRocksDbMemory().setConfig("first", first, configs);
            new BoundedRocksDbMemory().setConfig("second", second, configs);
            try (RocksDB a = RocksDB.open(first, dir.resolve("a").toString());
                 RocksDB b = RocksDB.open(second, dir.resolve("b").toString())) {
                long capacity = BoundedRocksDbMemory.configuredBytes();
                assertThat(capacity).isEqualTo(bound);
                assertThat(a.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(bound);
                assertThat(b.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(bound);
                for (int i = 0; i < 1000; i++) {
                    a.put(("k" + i).getBytes(), new byte[100]);
                }
                a.flush(new org.rocksdb.FlushOptions().setWaitForFlush(true));
                a.get("k1".getBytes());
                // store b holds nothing: what its cache holds is store a's (blocks and memtable reservations)
                assertThat(b.getLongProperty("rocksdb.block-cache-usage"))
                        .as("what store a caches is in store b's cache too: one cache").isPositive();
            }
        }
    }
}
