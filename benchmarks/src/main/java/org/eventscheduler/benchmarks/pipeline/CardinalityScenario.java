package org.eventscheduler.benchmarks.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import com.sun.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.lang.management.ManagementFactory;
import org.apache.kafka.streams.StreamsConfig;
import org.eventscheduler.topology.WireJson;

/**
 * S3: the scheduler's throughput with 1,000 sources against the same number of events from as many
 * distinct sources (each seen once), and the process's resident memory meanwhile, sampled every 250 ms.
 * CPU per record is counted for this JVM (the scheduler, with RocksDB's native threads) and for the
 * broker's, because on two cores the two compete: a run is bound by their sum.
 *
 * @param rocksdbMemoryMib {@code kafka.rocksdb-memory-bytes} in MiB for the whole command (0: the default);
 *                         one per command, because the bound is shared by the process
 * @param cacheMib         {@code statestore.cache.max.bytes} in MiB (-1: Kafka Streams' default)
 */
record CardinalityScenario(int events, int reps, int rocksdbMemoryMib, int cacheMib) implements PipelineBench.Scenario {
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * One drain: its rate, the CPU this JVM and the broker's spent per record, the largest RSS seen, and the
     * longest punctuation (Kafka Streams' {@code punctuate-latency-max} of the stream threads, sampled with
     * the RSS: its samples cover 30 s each).
     */
    private record Run(double recordsPerSecond, double cpuMicrosPerRecord, double brokerCpuMicrosPerRecord,
                       double maxRssBytes, double maxPunctuationMillis) {
    }

    /** The longest punctuation of {@code pipeline}'s stream threads in its metrics' window, ms; 0 when none. */
    private static double longestPunctuation(Pipeline pipeline) {
        double longest = 0;
        for (var metric : pipeline.streams().metrics().entrySet()) {
            if (metric.getKey().name().equals("punctuate-latency-max")
                    && metric.getValue().metricValue() instanceof Double value && !value.isNaN()) {
                longest = Math.max(longest, value);
            }
        }
        return longest;
    }

    @Override
    public void run(Harness harness) throws Exception {
        cardinality(harness, events, reps);
    }

    /** Drains the whole input; records per second from RUNNING until every input of every sub-topology is committed. */
    private double drain(Harness harness, Pipeline pipeline, String input, int events) throws Exception {
        try (pipeline) {
            pipeline.start();
            Harness.awaitRunning(pipeline.streams());
            long t0 = System.nanoTime();
            long t1 = harness.clients.awaitCaughtUp(pipeline.applicationId(), input, Duration.ofMinutes(3));
            return events / ((t1 - t0) / 1e9);
        }
    }

    /** The resident set size of this process, from /proc (bytes). */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** A drain sampling the RSS every 250 ms and counting the CPU of this JVM and of the broker's. */
    private Run drainSampling(Harness harness, Pipeline pipeline, String input, int events) throws Exception {
        AtomicLong maxRss = new AtomicLong();
        java.util.concurrent.atomic.DoubleAccumulator maxPunctuation = new java.util.concurrent.atomic.DoubleAccumulator(
                Math::max, 0);
        AtomicBoolean stop = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!stop.get()) {
                maxRss.accumulateAndGet(residentBytes(), Math::max);
                try {
                    maxPunctuation.accumulate(longestPunctuation(pipeline));
                } catch (RuntimeException notStarted) {
                    // before the pipeline has started (a NullPointerException or the runner's own): nothing to read
                    maxPunctuation.accumulate(0);
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.start();
        try {
            long cpu = OS.getProcessCpuTime();
            Duration brokerCpu = harness.brokerCpu.get();
            double rate = drain(harness, pipeline, input, events);
            double cpuMicros = (OS.getProcessCpuTime() - cpu) / 1e3 / events;
            double brokerMicros = harness.brokerCpu.get().minus(brokerCpu).toNanos() / 1e3 / events;
            return new Run(rate, cpuMicros, brokerMicros, maxRss.get(), maxPunctuation.get());
        } finally {
            stop.set(true);
            sampler.join();
        }
    }

    private void cardinality(Harness harness, int events, int reps) throws Exception {
        String few = "s3-few-" + Harness.runId();
        String many = "s3-many-" + Harness.runId();
        harness.clients.createTopic(few);
        harness.clients.createTopic(many);
        harness.clients.preload(few, events, Harness::steadyEvent);
        harness.clients.preload(many, events, i -> {
            String source = "src-" + i;
            return new BenchClients.Event(source, BenchClients.event(i, source, "type-" + (i % 100)), Harness.T0.toEpochMilli() + i);
        });
        Map<String, String> settings = new HashMap<>();
        if (rocksdbMemoryMib > 0) {
            settings.put("SCHEDULER_KAFKA__ROCKSDB_MEMORY_BYTES", Long.toString(rocksdbMemoryMib * 1048576L));
        }
        if (cacheMib >= 0) {
            settings.put("SCHEDULER_KAFKA__CLIENT_PROPERTIES", WireJson.MAPPER.writeValueAsString(
                    Map.of(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(cacheMib * 1048576L))));
        }
        Map<String, List<Run>> results = new LinkedHashMap<>();
        for (int rep = -1; rep < reps; rep++) {
            Map<String, String> inputs = new LinkedHashMap<>();
            inputs.put("1,000 sources", few);
            inputs.put(String.format(Locale.ROOT, "%,d sources", events), many);
            for (Map.Entry<String, String> entry : inputs.entrySet()) {
                String variant = entry.getKey();
                String input = entry.getValue();
                Run run = drainSampling(harness, Pipeline.scheduler(harness.bootstrap, input, Harness.runId(), harness.dir,
                        harness.triggers, settings), input, events);
                System.err.printf(Locale.ROOT, "S3 %s %s: %.0f records/s, CPU %.1f µs/record (broker %.1f), max RSS %.0f MiB,"
                                + " longest punctuation %.1f ms%n",
                        Harness.round(rep), variant, run.recordsPerSecond(), run.cpuMicrosPerRecord(),
                        run.brokerCpuMicrosPerRecord(), run.maxRssBytes() / 1048576, run.maxPunctuationMillis());
                if (rep >= 0) {
                    results.computeIfAbsent(variant, k -> new ArrayList<>()).add(run);
                }
            }
        }
        long heapMax = Runtime.getRuntime().maxMemory();
        long bound = org.eventscheduler.app.kafka.BoundedRocksDbMemory.configuredBytes();
        long nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted();
        harness.line("S3 source cardinality: %,d events from 1,000 sources against the same number from %,d distinct sources "
                + "(each seen once), drained by the scheduler; a warm-up round, then %d interleaved repetitions. Process "
                + "RSS sampled every 250 ms; heap max %,d MiB, RocksDB bound (kafka.rocksdb-memory-bytes) %,d MiB, "
                + "record cache (statestore.cache.max.bytes) %s, JVM non-heap committed at the end %,d MiB. CPU: this "
                + "JVM's (the scheduler and RocksDB's threads) and the broker's JVM's, per record.", events, events, reps,
                heapMax / 1048576, bound / 1048576, cacheMib < 0 ? "Kafka Streams' default" : cacheMib + " MiB",
                nonHeap / 1048576);
        harness.line("");
        harness.line("| sources | records/s median (min–max) | CPU µs/record | broker CPU µs/record "
                + "| max RSS MiB median (min–max) | longest punctuation ms | ÷ 1,000 sources, per repetition |");
        harness.line("|---|---:|---:|---:|---:|---:|---:|");
        List<Run> baseline = results.get("1,000 sources");
        for (Map.Entry<String, List<Run>> variant : results.entrySet()) {
            List<Run> runs = variant.getValue();
            List<Double> ratios = new ArrayList<>();
            for (int rep = 0; rep < reps; rep++) {
                ratios.add(runs.get(rep).recordsPerSecond() / baseline.get(rep).recordsPerSecond());
            }
            harness.line("| %s | %s | %s | %s | %s | %s | %s |", variant.getKey(),
                    Stats.spread(runs.stream().map(Run::recordsPerSecond).toList(), "%,.0f"),
                    Stats.spread(runs.stream().map(Run::cpuMicrosPerRecord).toList(), "%.1f"),
                    Stats.spread(runs.stream().map(Run::brokerCpuMicrosPerRecord).toList(), "%.1f"),
                    Stats.spread(runs.stream().map(r -> r.maxRssBytes() / 1048576).toList(), "%,.0f"),
                    Stats.spread(runs.stream().map(Run::maxPunctuationMillis).toList(), "%.1f"),
                    Stats.spread(ratios, "%.2f"));
        }
    }

}
