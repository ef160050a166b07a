package org.eventscheduler.benchmarks.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.lang.management.ManagementFactory;

/**
 * S3: the scheduler's throughput with 1,000 sources against the same number of events from as many
 * distinct sources (each seen once), and the process's resident memory meanwhile, sampled every 250 ms.
 */
record CardinalityScenario(int events, int reps) implements PipelineBench.Scenario {

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

    /** A drain like S1's, sampling the RSS every 250 ms; returns records/s and the largest RSS seen. */
    private double[] drainSampling(Harness harness, Pipeline pipeline, String input, int events) throws Exception {
        AtomicLong maxRss = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!stop.get()) {
                maxRss.accumulateAndGet(residentBytes(), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.start();
        try {
            double rate = drain(harness, pipeline, input, events);
            return new double[] {rate, maxRss.get()};
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
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int rep = -1; rep < reps; rep++) {
            for (String variant : List.of("1,000 sources", events + " sources")) {
                String input = variant.startsWith("1,000") ? few : many;
                double[] run = drainSampling(harness, Pipeline.scheduler(harness.bootstrap, input, Harness.runId(), harness.dir, harness.triggers, Map.of()), input,
                        events);
                System.err.printf(Locale.ROOT, "S3 %s %s: %.0f records/s, max RSS %.0f MiB%n",
                        rep < 0 ? "warm-up" : "rep " + (rep + 1), variant, run[0], run[1] / 1048576);
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
                + "JVM non-heap committed at the end %,d MiB.", events, events, reps, heapMax / 1048576, bound / 1048576,
                nonHeap / 1048576);
        harness.line("");
        harness.line("| sources | records/s median (min–max) | max RSS MiB median (min–max) | ÷ 1,000 sources, per repetition |");
        harness.line("|---|---:|---:|---:|");
        List<double[]> baseline = results.get("1,000 sources");
        for (Map.Entry<String, List<double[]>> variant : results.entrySet()) {
            List<Double> rates = variant.getValue().stream().map(r -> r[0]).toList();
            List<Double> rss = variant.getValue().stream().map(r -> r[1] / 1048576).toList();
            List<Double> ratios = new ArrayList<>();
            for (int rep = 0; rep < reps; rep++) {
                ratios.add(variant.getValue().get(rep)[0] / baseline.get(rep)[0]);
            }
            harness.line("| %s | %s | %s | %s |", variant.getKey(), Stats.spread(rates, "%,.0f"), Stats.spread(rss, "%,.0f"),
                    Stats.spread(ratios, "%.2f"));
        }
    }

}
