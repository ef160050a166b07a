package org.eventscheduler.benchmarks.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * S5: end-to-end latency, produce to read_committed consume, of the identity's output and of the
 * scheduler's {@code workflow.starts}, under live traffic at a fixed rate.
 */
record LatencyScenario(int rate, int reps, int seconds) implements PipelineBench.Scenario {

    @Override
    public void run(Harness harness) throws Exception {
        latency(harness, rate, reps, seconds);
    }

    private void latency(Harness harness, int rate, int reps, int seconds) throws Exception {
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int rep = -1; rep < reps; rep++) {
            for (String variant : List.of("identity", "scheduler, cross-source triggers", "scheduler, source-pinned triggers",
                    "scheduler, cross-source triggers, granted budget")) {
                String id = Harness.runId();
                String input = "s5-in-" + id;
                harness.clients.createTopic(input);
                // live traffic puts 1 % of the rate on each source and each trigger: raise both limits so that every
                // event is admitted and starts
                Pipeline pipeline = variant.equals("identity") ? Pipeline.identity(harness.bootstrap, input, id, harness.dir)
                        : Pipeline.scheduler(harness.bootstrap, input, id, harness.dir,
                        variant.endsWith("source-pinned triggers") ? Pipeline.hundredPinnedTriggers(harness.dir) : harness.triggers,
                        Map.of("SCHEDULER_TRIGGERS__RATE_LIMIT__MAX_EVENTS", "10000000",
                                "SCHEDULER_SOURCES__RATE_LIMIT__MAX_EVENTS", "10000000",
                                "SCHEDULER_TRIGGERS__SHARED_PATH", variant.endsWith("granted budget") ? "granted-budget" : "hop"));
                try (pipeline) {
                    pipeline.start();
                    Harness.awaitRunning(pipeline.streams());
                    List<Long> latencies = new ArrayList<>();
                    AtomicBoolean stop = new AtomicBoolean();
                    long warmUpUntil = System.currentTimeMillis() + 2000 + 3000;
                    Thread reader = harness.latencyReader(pipeline.output(), warmUpUntil, latencies, stop, r -> true);
                    Thread.sleep(2000);
                    harness.produceLive(input, rate, seconds, i -> {
                        // 100 sources, 100 types: every event matches one cross-source trigger (t-N, on type-N)
                        // or one source-pinned trigger (p-N, on src-N), whichever the variant defines
                        String source = "src-" + (i % 100);
                        return new BenchClients.Event(source, BenchClients.event(i, source, "type-" + (i % 100)), 0);
                    });
                    Thread.sleep(3000);
                    stop.set(true);
                    reader.join();
                    double p50 = Stats.percentile(latencies, 50);
                    double p99 = Stats.percentile(latencies, 99);
                    System.err.printf(Locale.ROOT, "S5 %s %s: %d samples, p50 %.0f ms, p99 %.0f ms%n",
                            rep < 0 ? "warm-up" : "rep " + (rep + 1), variant, latencies.size(), p50, p99);
                    if (rep >= 0) {
                        results.computeIfAbsent(variant, k -> new ArrayList<>()).add(new double[] {p50, p99, latencies.size()});
                    }
                }
            }
        }
        harness.line("S5 end-to-end latency: produce to read_committed consume, %,d events/s for %d s (the first 3 s not "
                + "counted), identity output vs the scheduler's workflow.starts (100 sources; every event starts one workflow, "
                + "of 100 cross-source triggers, one per event type, or of 100 source-pinned triggers, one per source; "
                + "source and trigger limits raised out of the way); a warm-up round, then %d interleaved repetitions.", rate, seconds, reps);
        harness.line("");
        harness.line("| application | records counted | p50 ms median (min–max) | p99 ms median (min–max) | p99 ÷ identity's, per repetition |");
        harness.line("|---|---:|---:|---:|---:|");
        for (Map.Entry<String, List<double[]>> variant : results.entrySet()) {
            List<Double> p50 = variant.getValue().stream().map(r -> r[0]).toList();
            List<Double> p99 = variant.getValue().stream().map(r -> r[1]).toList();
            List<Double> ratios = new ArrayList<>();
            for (int rep = 0; rep < reps; rep++) {
                ratios.add(variant.getValue().get(rep)[1] / results.get("identity").get(rep)[1]);
            }
            List<Double> counted = variant.getValue().stream().map(r -> r[2]).toList();
            harness.line("| %s | %s | %s | %s | %s |", variant.getKey(), Stats.spread(counted, "%,.0f"), Stats.spread(p50, "%.0f"),
                    Stats.spread(p99, "%.0f"), Stats.spread(ratios, "%.2f"));
        }
    }

}
