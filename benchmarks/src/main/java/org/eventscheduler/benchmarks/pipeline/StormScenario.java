package org.eventscheduler.benchmarks.pipeline;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S9 and S10: one source storms, so every event sits in one partition, and the scheduler pauses it after
 * its limit (1,000 per 10 s, action pause: the pause trips at twice the limit) and holds every later
 * event. The figure is the rate through that partition: the events of the preloaded input over the
 * time from the application's first commit to its last input committed, against the identity
 * application on the same input, interleaved and repeated.
 *
 * <ul>
 *   <li>S9 ({@code --invalid-every 0}): every event valid;</li>
 *   <li>S10 ({@code --invalid-every 20}): one event in 20 invalid but with its source readable (no
 *       {@code type}), a failure for its source's breaker where it is decided, then the DLQ. It runs the
 *       storm as S9 does, and a second time with the limit above the storm ("not paused"), so that
 *       every event is decided and every invalid one reaches the breaker: each against the same run on
 *       the clean input.</li>
 * </ul>
 *
 * <p>S9 also runs the floor of the scheduler's dataflow for a held event: a plain Processor API application
 * that reads and writes a source state of the scheduler's size in a cached, changelogged store and
 * appends the event (as the scheduler's {@code HeldRecord}) to a page of a cached held store, with none
 * of the logic.
 *
 * <p>{@code sources.hold.max-records} is raised above the storm, so that what is measured is the path of a
 * held event, not the overflow that a storm longer than the queue (100,000 by default) adds to it. CPU
 * is this JVM's (the applications'), per event.
 */
final class StormScenario implements PipelineBench.Scenario {
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final String SOURCE = "storm-source";

    private final String name;
    private final int events;
    private final int reps;
    private final int invalidEvery;

    /** One run: records a second through the partition, CPU per record. */
    private record Run(double recordsPerSecond, double cpuNanosPerRecord) {
    }

    StormScenario(String name, int events, int reps, int invalidEvery) {
        this.name = name;
        this.events = events;
        this.reps = reps;
        this.invalidEvery = invalidEvery;
    }

    /** Event {@code i} of the storm: 10,000 a second of event time; with {@code invalidEvery}, every such one has no type. */
    static BenchClients.Event stormEvent(int i, int invalidEvery) {
        long timestamp = Harness.T0.toEpochMilli() + i / 10;
        if (invalidEvery > 0 && i % invalidEvery == invalidEvery - 1) {
            return new BenchClients.Event(SOURCE, ("{\"specversion\":\"1.0\",\"id\":\"e-" + i + "\",\"source\":\"" + SOURCE
                    + "\",\"data\":{\"order\":" + i + "}}").getBytes(StandardCharsets.UTF_8), timestamp);
        }
        return new BenchClients.Event(SOURCE, BenchClients.event(i, SOURCE, "type-" + (i % 100)), timestamp);
    }

    @Override
    public void run(Harness harness) throws Exception {
        List<String> inputs = new ArrayList<>();
        String clean = name + "-clean-" + Harness.runId();
        harness.clients.createTopic(clean);
        harness.clients.preload(clean, events, i -> stormEvent(i, 0));
        inputs.add(clean);
        String mixed = "";
        if (invalidEvery > 0) {
            mixed = name + "-mixed-" + Harness.runId();
            harness.clients.createTopic(mixed);
            harness.clients.preload(mixed, events, i -> stormEvent(i, invalidEvery));
            inputs.add(mixed);
        }
        Harness.progress("%s preloaded %,d events of one source%s", name, events,
                invalidEvery > 0 ? " twice (clean, and 1 in " + invalidEvery + " invalid)" : "");
        List<String> variants = invalidEvery > 0
                ? List.of("scheduler, paused, clean", "scheduler, paused, invalid", "scheduler, not paused, clean",
                        "scheduler, not paused, invalid")
                : List.of("identity", "scheduler, paused", "floor, every event held in pages");
        Map<String, List<Run>> results = new LinkedHashMap<>();
        for (int rep = -1; rep < reps; rep++) {
            for (String variant : variants) {
                String input = variant.endsWith("invalid") ? mixed : clean;
                String runId = Harness.runId();
                Run run = measure(harness, create(harness, variant, input, runId), input);
                harness.clients.deleteTopicsOf(runId);
                System.gc();
                Harness.progress("%s %s %s: %,.0f records/s through the partition, %.1f CPU µs/record", name,
                        Harness.round(rep), variant, run.recordsPerSecond(), run.cpuNanosPerRecord() / 1000);
                if (rep >= 0) {
                    results.computeIfAbsent(variant, k -> new ArrayList<>()).add(run);
                }
            }
        }
        report(harness, results);
    }

    private Pipeline create(Harness harness, String variant, String input, String runId) throws Exception {
        if (variant.equals("identity")) {
            return Pipeline.identity(harness.bootstrap, input, runId, harness.dir);
        }
        if (variant.startsWith("floor")) {
            return Pipeline.stormFloor(harness.bootstrap, input, runId, harness.dir, true, true);
        }
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_SOURCES__HOLD__MAX_RECORDS", String.valueOf(events * 2));
        if (variant.contains("not paused")) {
            env.put("SCHEDULER_SOURCES__RATE_LIMIT__MAX_EVENTS", String.valueOf(events * 2));
        }
        return Pipeline.scheduler(harness.bootstrap, input, runId, harness.dir, Pipeline.noTriggers(harness.dir), env);
    }

    /** Runs {@code pipeline} until it has committed all of {@code input}; the rate from its first commit. */
    private Run measure(Harness harness, Pipeline pipeline, String input) throws Exception {
        try (pipeline) {
            pipeline.start();
            Harness.awaitRunning(pipeline.streams());
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            BenchClients.Hop first;
            while ((first = harness.clients.hops(pipeline.applicationId(), input).get(input)).committed() == 0) {
                check(deadline, pipeline);
                Thread.sleep(20);
            }
            long started = System.nanoTime();
            long cpu = OS.getProcessCpuTime();
            while (harness.clients.behind(pipeline.applicationId(), input) > 0) {
                check(deadline, pipeline);
                Thread.sleep(50);
            }
            long finished = first.end() - first.committed();
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Run(finished / seconds, (double) (OS.getProcessCpuTime() - cpu) / finished);
        }
    }

    private static void check(long deadline, Pipeline pipeline) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(pipeline.applicationId() + " did not take the storm within 20 minutes");
        }
    }

    private void report(Harness harness, Map<String, List<Run>> results) {
        harness.line("%s: %,d events of one source, all in one of 4 partitions, preloaded (10,000 a second of event "
                + "time); exactly-once, 1 stream thread; the scheduler with the default limit (1,000 per 10 s, action "
                + "pause) and sources.hold.max-records %,d; each run from its first commit to its last input committed; "
                + "a warm-up round, then %d interleaved repetitions.", name.toUpperCase(java.util.Locale.ROOT), events,
                events * 2, reps);
        harness.line("");
        String baseline = invalidEvery > 0 ? null : "identity";
        harness.line("| application | records/s through the partition, median (min–max) | CPU µs/record | ratio per repetition |");
        harness.line("|---|---:|---:|---:|");
        for (Map.Entry<String, List<Run>> variant : results.entrySet()) {
            List<Run> against = baseline != null ? results.get(baseline)
                    : results.get(variant.getKey().replace("invalid", "clean"));
            List<Double> ratios = new ArrayList<>();
            for (int rep = 0; against != null && rep < variant.getValue().size(); rep++) {
                ratios.add(variant.getValue().get(rep).recordsPerSecond() / against.get(rep).recordsPerSecond());
            }
            harness.line("| %s | %s | %s | %s |", variant.getKey(),
                    Stats.spread(variant.getValue().stream().map(Run::recordsPerSecond).toList(), "%,.0f"),
                    Stats.spread(variant.getValue().stream().map(r -> r.cpuNanosPerRecord() / 1000).toList(), "%.1f"),
                    Stats.spread(ratios, "%.2f") + (baseline != null ? " ÷ identity" : " ÷ the same on the clean input"));
        }
    }
}
