package org.eventscheduler.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;

/** A lookup of a key that is not there is answered by a bloom filter, also when the data is in the last level. */
class RocksDbStoreOptionsTest {
    @Test
    void aMissInTheLastLevelIsAnsweredByItsFilter() throws Exception {
        RocksDB.loadLibrary();
        Path dir = Files.createTempDirectory("rocksdb-options-");
        try (Statistics statistics = new Statistics();
             BloomFilter filter = new BloomFilter();
             FlushOptions flush = new FlushOptions().setWaitForFlush(true);
             Options options = new Options().setCreateIfMissing(true)) {
            // what Kafka Streams sets before it calls the config setter (its stores' OPTIONS files say optimize_filters_for_hits=true)
            options.setCompactionStyle(CompactionStyle.UNIVERSAL);
            options.setOptimizeFiltersForHits(true);
            options.setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter));
            new RocksDbStoreOptions().setConfig("source-states", options, Map.of());
            options.setStatistics(statistics);
            try (RocksDB db = RocksDB.open(options, dir.toString())) {
                for (int i = 0; i < 10_000; i++) {
                    db.put(("src-" + i).getBytes(StandardCharsets.UTF_8), new byte[100]);
                }
                db.flush(flush);
                db.compactRange();
                assertThat(db.getProperty("rocksdb.num-files-at-level" + (options.numLevels() - 1)))
                        .as("the keys are in the last level").isNotEqualTo("0");
                long before = statistics.getTickerCount(TickerType.BLOOM_FILTER_USEFUL);
                for (int i = 0; i < 1_000; i++) {
                    // inside the file's key range, so that only its filter can tell the key is not there
                    assertThat(db.get(("src-" + i + "-new").getBytes(StandardCharsets.UTF_8))).isNull();
                }
                assertThat(statistics.getTickerCount(TickerType.BLOOM_FILTER_USEFUL) - before)
                        .as("misses answered by the last level's filter, without reading its blocks")
                        .isGreaterThan(900);
            }
        }
    }
}
