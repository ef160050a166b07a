package org.eventscheduler.benchmarks.pipeline;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.eventscheduler.topology.WireJson;

/**
 * S1: how many records a second each application finishes, side by side on one preloaded input: the
 * identity application (source to sink, bytes), the scheduler without triggers (source stage and
 * {@code events.accepted}) and with 100 triggers (every event matching one, so every event also crosses
 * {@code by-trigger} and writes a workflow start), each with 1 and 2 stream threads, interleaved.
 *
 * <p>Each run drains a fixed window of wall time ({@code --seconds}, 20 by default) after its first
 * commit and a 2 s settling pause, from an input large enough that no application reaches its end: the
 * rate is the records committed during the window by the slowest input of the application (the
 * ingress topic, and each repartition topic that carries records), so a run with triggers counts only
 * events whose {@code by-trigger} hop is committed too. CPU and bytes allocated are those of this JVM
 * (the applications; the broker runs in its own) over the same window, per finished record.
 */
final class ThroughputScenario implements PipelineBench.Scenario {
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final Duration SETTLE = Duration.ofSeconds(2);

    /** Every variant S1 knows; the first three are measured unless {@code -Dbench.only} names others. */
    private static final List<String> VARIANTS = List.of("identity", "scheduler, no triggers", "scheduler, 100 triggers",
            "scheduler, no triggers, accepted off", "scheduler, 100 triggers, accepted off",
            "scheduler, no triggers, task idling 0", "scheduler, 100 triggers, task idling 0",
            "scheduler, every event held", "floor, every event to a topic", "floor, every event held",
            "scheduler, 100 source-pinned triggers", "floor, 100 triggers' dataflow",
            "floor, 100 source-pinned triggers' dataflow", "scheduler, 100 triggers, granted budget");

    private final int events;
    private final int reps;
    private final Duration window;
    private final int commitIntervalMs;
    private final int lingerMs;
    /** The input's number of sources ({@code --sources}, 1,000 by default). */
    private final int sources;
    /**
     * {@code --drain 1}: the rate is the whole input taken through every hop (from the first commit to the
     * last input of every sub-topology committed), not what the slowest input committed in the window:
     * the sustainable rate of an application one of whose hops falls behind.
     */
    private final boolean drain;

    /** One run's figures over its window. */
    private record Run(double recordsPerSecond, double cpuNanosPerRecord, double bytesPerRecord) {
    }

    /** What this JVM and the application's inputs looked like at one instant. */
    private record Sample(long nanos, long cpuNanos, long allocatedBytes, Map<String, BenchClients.Hop> hops) {
    }

    /** {@code commitIntervalMs} 0 and {@code lingerMs} -1: the applications' own defaults. */
    ThroughputScenario(int events, int reps, int seconds, int commitIntervalMs, int lingerMs) {
        this(events, reps, seconds, commitIntervalMs, lingerMs, 1000, false);
    }

    ThroughputScenario(int events, int reps, int seconds, int commitIntervalMs, int lingerMs, int sources,
                       boolean drain) {
        this.sources = sources;
        this.drain = drain;
        this.events = events;
        this.reps = reps;
        this.window = Duration.ofSeconds(seconds);
        this.commitIntervalMs = commitIntervalMs;
        this.lingerMs = lingerMs;
    }

    @Override
    public void run(Harness harness) throws Exception {
        String input = "s1-in-" + Harness.runId();
        harness.clients.createTopic(input);
        long preloadStart = System.nanoTime();
        harness.clients.preload(input, events, i -> Harness.steadyEvent(i, sources));
        Harness.progress("S1 preloaded %,d events in %.0f s", events, (System.nanoTime() - preloadStart) / 1e9);
        List<Integer> threadCounts = List.of(System.getProperty("bench.threads", "1,2").split(",")).stream()
                .map(String::trim).map(Integer::parseInt).toList();
        String only = System.getProperty("bench.only", "");
        List<String> variants = only.isEmpty() ? VARIANTS.subList(0, 3) : List.of(only.split(";"));
        for (String variant : variants) {
            if (!VARIANTS.contains(variant)) {
                throw new IllegalArgumentException("bench.only names an unknown S1 variant '" + variant + "'; known: " + VARIANTS);
            }
        }
        Map<Integer, Map<String, List<Run>>> results = new LinkedHashMap<>();
        // a warm-up round with one thread, not counted: the first run of each variant in this JVM is slower (JIT)
        for (int rep = -1; rep < reps; rep++) {
            for (int threads : rep < 0 ? List.of(threadCounts.getFirst()) : threadCounts) {
                for (String variant : variants) {
                    String runId = Harness.runId();
                    Run run = measure(harness, create(harness, variant, input, runId, threads), input);
                    harness.clients.deleteTopicsOf(runId);
                    System.gc();
                    Harness.progress("S1 %s %s, %d thread(s): %,.0f records/s, %.1f CPU µs/record, %,.0f bytes/record",
                            Harness.round(rep), variant, threads, run.recordsPerSecond(), run.cpuNanosPerRecord() / 1000,
                            run.bytesPerRecord());
                    if (rep >= 0) {
                        results.computeIfAbsent(threads, t -> new LinkedHashMap<>())
                                .computeIfAbsent(variant, k -> new ArrayList<>()).add(run);
                    }
                }
            }
        }
        report(harness, results);
    }

    private Pipeline create(Harness harness, String variant, String input, String runId, int threads) throws Exception {
        if (variant.equals("identity")) {
            Map<String, Object> overrides = new HashMap<>();
            if (commitIntervalMs > 0) {
                overrides.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
            }
            if (lingerMs >= 0) {
                overrides.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), lingerMs);
            }
            return Pipeline.identity(harness.bootstrap, input, runId, harness.dir, threads, overrides);
        }
        if (variant.endsWith("triggers' dataflow")) {
            return TriggerFloor.build(harness.bootstrap, input, runId, harness.dir, variant.contains("pinned"));
        }
        if (variant.startsWith("floor, ")) {
            return Pipeline.stormFloor(harness.bootstrap, input, runId, harness.dir, variant.endsWith("held"));
        }
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_KAFKA__NUM_STREAM_THREADS", String.valueOf(threads));
        Map<String, String> clientProperties = new LinkedHashMap<>();
        if (commitIntervalMs > 0) {
            clientProperties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(commitIntervalMs));
        }
        if (lingerMs >= 0) {
            clientProperties.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), String.valueOf(lingerMs));
        }
        if (variant.endsWith("task idling 0")) {
            // the Kafka Streams default, which the scheduler's own default (-1) replaced
            clientProperties.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0");
        }
        if (!clientProperties.isEmpty()) {
            env.put("SCHEDULER_KAFKA__CLIENT_PROPERTIES", WireJson.MAPPER.writeValueAsString(clientProperties));
        }
        if (variant.endsWith("every event held")) {
            // the storm path: one event per source per window goes on, every other one is held (action throttle)
            env.put("SCHEDULER_SOURCES__RATE_LIMIT__MAX_EVENTS", "1");
            env.put("SCHEDULER_SOURCES__RATE_LIMIT__ACTION", "throttle");
        }
        if (variant.endsWith("granted budget")) {
            // shared triggers start in the source tasks from budget their homes grant (triggers.shared-path)
            env.put("SCHEDULER_TRIGGERS__SHARED_PATH", "granted-budget");
        }
        if (variant.endsWith("accepted off")) {
            env.put("SCHEDULER_INGRESS__PUBLISH_ACCEPTED", "false");
        }
        Path triggers = variant.contains("source-pinned") ? Pipeline.hundredPinnedTriggers(harness.dir)
                : variant.contains("100 triggers") ? harness.triggers : Pipeline.noTriggers(harness.dir);
        return Pipeline.scheduler(harness.bootstrap, input, runId, harness.dir, triggers, env);
    }

    private Run measure(Harness harness, Pipeline pipeline, String input) throws Exception {
        if (drain) {
            return drain(harness, pipeline, input);
        }
        try (pipeline) {
            pipeline.start();
            Harness.awaitRunning(pipeline.streams());
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (harness.clients.hops(pipeline.applicationId(), input).get(input).committed() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(pipeline.applicationId() + " committed nothing within 120 s");
                }
                Thread.sleep(50);
            }
            Thread.sleep(SETTLE.toMillis());
            Sample start = sample(harness, pipeline, input);
            Thread.sleep(window.toMillis());
            Sample end = sample(harness, pipeline, input);
            if (end.hops().get(input).behind() == 0) {
                throw new IllegalStateException(pipeline.applicationId() + " drained all " + events + " events before its "
                        + window.toSeconds() + " s window closed: preload more (--events)");
            }
            long finished = Long.MAX_VALUE;
            for (Map.Entry<String, BenchClients.Hop> hop : end.hops().entrySet()) {
                if (hop.getValue().end() > 0) {
                    finished = Math.min(finished, hop.getValue().committed() - start.hops().get(hop.getKey()).committed());
                }
            }
            double seconds = (end.nanos() - start.nanos()) / 1e9;
            return new Run(finished / seconds, (double) (end.cpuNanos() - start.cpuNanos()) / finished,
                    (double) (end.allocatedBytes() - start.allocatedBytes()) / finished);
        }
    }

    /** The whole input through every hop: from the first commit until nothing of any hop is left uncommitted. */
    private Run drain(Harness harness, Pipeline pipeline, String input) throws Exception {
        try (pipeline) {
            pipeline.start();
            Harness.awaitRunning(pipeline.streams());
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            Sample start;
            while ((start = sample(harness, pipeline, input)).hops().get(input).committed() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(pipeline.applicationId() + " committed nothing within 30 minutes");
                }
                Thread.sleep(20);
            }
            while (harness.clients.behind(pipeline.applicationId(), input) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(pipeline.applicationId() + " did not drain within 30 minutes");
                }
                Thread.sleep(50);
            }
            Sample end = sample(harness, pipeline, input);
            long finished = events - start.hops().get(input).committed();
            double seconds = (end.nanos() - start.nanos()) / 1e9;
            return new Run(finished / seconds, (double) (end.cpuNanos() - start.cpuNanos()) / finished,
                    (double) (end.allocatedBytes() - start.allocatedBytes()) / finished);
        }
    }

    private static Sample sample(Harness harness, Pipeline pipeline, String input) throws Exception {
        Map<String, BenchClients.Hop> hops = harness.clients.hops(pipeline.applicationId(), input);
        return new Sample(System.nanoTime(), OS.getProcessCpuTime(), THREADS.getTotalThreadAllocatedBytes(), hops);
    }

    private void report(Harness harness, Map<Integer, Map<String, List<Run>>> results) {
        harness.line("S1 throughput: %,d events preloaded (%,d sources, 100 event types, 1,000 events per second of "
                + "event time, keyed by source), exactly-once, 4 partitions%s; %s; a warm-up round, then %d interleaved "
                + "repetitions.", events, sources,
                (commitIntervalMs > 0 ? ", commit.interval.ms " + commitIntervalMs : "")
                        + (lingerMs >= 0 ? ", producer linger.ms " + lingerMs : ""),
                drain ? "each run takes the whole input through every hop, from its first commit to the last input of "
                        + "every sub-topology committed (the sustainable rate)"
                        : String.format(java.util.Locale.ROOT, "each run measured over %d s of wall time after its first "
                        + "commit and %d s of settling, the slowest of its inputs (ingress and repartition topics) "
                        + "counted", window.toSeconds(), SETTLE.toSeconds()), reps);
        harness.line("");
        harness.line("| stream threads | application | records/s median (min–max) | CPU µs/record median (min–max) "
                + "| bytes allocated/record median (min–max) | ÷ identity, per repetition: median (min–max) |");
        harness.line("|---:|---|---:|---:|---:|---:|");
        for (Map.Entry<Integer, Map<String, List<Run>>> byThreads : results.entrySet()) {
            List<Run> identity = byThreads.getValue().get("identity");
            for (Map.Entry<String, List<Run>> variant : byThreads.getValue().entrySet()) {
                List<Run> runs = variant.getValue();
                List<Double> ratios = new ArrayList<>();
                for (int rep = 0; identity != null && rep < runs.size(); rep++) {
                    ratios.add(runs.get(rep).recordsPerSecond() / identity.get(rep).recordsPerSecond());
                }
                harness.line("| %d | %s | %s | %s | %s | %s |", byThreads.getKey(), variant.getKey(),
                        Stats.spread(runs.stream().map(Run::recordsPerSecond).toList(), "%,.0f"),
                        Stats.spread(runs.stream().map(r -> r.cpuNanosPerRecord() / 1000).toList(), "%.1f"),
                        Stats.spread(runs.stream().map(Run::bytesPerRecord).toList(), "%,.0f"),
                        ratios.isEmpty() ? "" : Stats.spread(ratios, "%.2f"));
            }
        }
    }
}
