package org.eventscheduler.benchmarks.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;

/**
 * S6: three instances of one application in this JVM drain a preloaded input, with and without
 * {@code GET /admin/event-health} 50 times a second against one of them.
 */
record HealthUnderLoadScenario(int events, int reps) implements PipelineBench.Scenario {

    @Override
    public void run(Harness harness) throws Exception {
        healthUnderLoad(harness, events, reps);
    }

    private static final String VIEWER_TOKEN = "bench-viewer-token-0123456789";

    /** Three instances of one application in this JVM, each with its admin server on a free port. */
    private List<org.eventscheduler.app.kafka.SchedulerInstance> startCluster(Harness harness, String input, String id) throws Exception {
        List<org.eventscheduler.app.kafka.SchedulerInstance> instances = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            Map<String, String> env = new java.util.HashMap<>();
            env.put("SCHEDULER_KAFKA__BOOTSTRAP_SERVERS", harness.bootstrap);
            env.put("SCHEDULER_KAFKA__APPLICATION_ID", "s6-" + id);
            env.put("SCHEDULER_KAFKA__STATE_DIR", harness.dir.resolve("state-s6-" + id + "-" + n).toString());
            env.put("SCHEDULER_INSTANCE_ID", "s6-" + id + "-" + n);
            env.put("SCHEDULER_ADMIN__PORT", "0");
            env.put("SCHEDULER_ADMIN__ADVERTISED_HOST", "localhost");
            env.put("SCHEDULER_ADMIN__PEER_TOKEN", "bench-peer-token-0123456789");
            env.put("SCHEDULER_ADMIN__REQUESTS_PER_SECOND", "1000");
            env.put("SCHEDULER_ADMIN__TOKENS", "[{\"name\":\"bench\",\"role\":\"viewer\",\"token\":\"" + VIEWER_TOKEN + "\"}]");
            env.put("SCHEDULER_TRIGGERS__APPLY_ON_START", harness.triggers.toString());
            env.put("SCHEDULER_TOPICS__INGRESS", input);
            for (String topic : new String[] {"accepted", "throttled", "dlq", "paused", "triggers", "control",
                    "workflow-starts", "start-results", "trigger-grants"}) {
                env.put("SCHEDULER_TOPICS__" + topic.toUpperCase().replace('-', '_'), topic + "-s6-" + id);
            }
            instances.add(org.eventscheduler.app.kafka.SchedulerInstance.start(
                    org.eventscheduler.app.config.ConfigLoader.load(java.util.Optional.empty(), env), false));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (instances.stream().anyMatch(i -> i.runner().state() != KafkaStreams.State.RUNNING)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the three instances did not all reach RUNNING");
            }
            Thread.sleep(50);
        }
        return instances;
    }

    /** GETs /admin/event-health at {@code perSecond} until stopped, recording each answer's latency (ms). */
    private Thread healthQueries(Harness harness, int port, int perSecond, List<Long> latencies, AtomicBoolean stop) {
        Thread thread = new Thread(() -> {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://localhost:" + port + "/admin/event-health"))
                    .header("Authorization", "Bearer " + VIEWER_TOKEN).build();
            long started = System.nanoTime();
            for (long i = 0; !stop.get(); i++) {
                long sent = System.nanoTime();
                try {
                    client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (latencies) {
                    latencies.add((System.nanoTime() - sent) / 1_000_000);
                }
                long wait = started + (long) ((i + 1) * 1e9 / perSecond) - System.nanoTime();
                if (wait > 1_000_000) {
                    try {
                        Thread.sleep(wait / 1_000_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "health-queries");
        thread.start();
        return thread;
    }

    private void healthUnderLoad(Harness harness, int events, int reps) throws Exception {
        String input = "s6-in-" + Harness.runId();
        harness.clients.createTopic(input);
        harness.clients.preload(input, events, Harness::steadyEvent);
        List<Double> quietRates = new ArrayList<>();
        List<Double> queriedRates = new ArrayList<>();
        List<Double> loadedP99 = new ArrayList<>();
        List<Double> idleP99 = new ArrayList<>();
        for (int rep = -1; rep < reps; rep++) {
            for (boolean queried : List.of(false, true)) {
                String id = Harness.runId();
                List<org.eventscheduler.app.kafka.SchedulerInstance> cluster = startCluster(harness, input, id);
                try {
                    List<Long> latencies = new ArrayList<>();
                    AtomicBoolean stop = new AtomicBoolean();
                    Thread queries = queried ? healthQueries(harness, cluster.getFirst().adminPort(), 50, latencies, stop) : null;
                    long t0 = System.nanoTime();
                    long t1 = harness.clients.awaitCaughtUp("s6-" + id, input, Duration.ofMinutes(5));
                    stop.set(true);
                    if (queries != null) {
                        queries.join();
                    }
                    double rate = events / ((t1 - t0) / 1e9);
                    if (queried) {
                        List<Long> idle = new ArrayList<>();
                        AtomicBoolean stopIdle = new AtomicBoolean();
                        Thread idleQueries = healthQueries(harness, cluster.getFirst().adminPort(), 50, idle, stopIdle);
                        Thread.sleep(5000);
                        stopIdle.set(true);
                        idleQueries.join();
                        System.err.printf(Locale.ROOT, "S6 %s queried: %.0f records/s; health p99 %.0f ms under load "
                                        + "(%d answers), %.0f ms idle%n", rep < 0 ? "warm-up" : "rep " + (rep + 1), rate,
                                Stats.percentile(latencies, 99), latencies.size(), Stats.percentile(idle, 99));
                        if (rep >= 0) {
                            queriedRates.add(rate);
                            loadedP99.add(Stats.percentile(latencies, 99));
                            idleP99.add(Stats.percentile(idle, 99));
                        }
                    } else {
                        System.err.printf(Locale.ROOT, "S6 %s quiet: %.0f records/s%n", rep < 0 ? "warm-up" : "rep " + (rep + 1),
                                rate);
                        if (rep >= 0) {
                            quietRates.add(rate);
                        }
                    }
                } finally {
                    for (var instance : cluster) {
                        instance.close();
                    }
                }
            }
        }
        harness.line("S6 health under load: three instances of one application in one JVM drain %,d events, with and without "
                + "GET /admin/event-health 50 times a second against one of them; a warm-up round, then %d interleaved "
                + "repetitions (quiet, queried).", events, reps);
        harness.line("");
        harness.line("| measure | median (min–max) |");
        harness.line("|---|---:|");
        harness.line("| records/s, not queried | %s |", Stats.spread(quietRates, "%,.0f"));
        harness.line("| records/s, queried 50/s | %s |", Stats.spread(queriedRates, "%,.0f"));
        List<Double> ratios = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            ratios.add(queriedRates.get(rep) / quietRates.get(rep));
        }
        harness.line("| queried ÷ not queried, per repetition | %s |", Stats.spread(ratios, "%.3f"));
        harness.line("| health p99 ms while draining | %s |", Stats.spread(loadedP99, "%.0f"));
        harness.line("| health p99 ms idle | %s |", Stats.spread(idleP99, "%.0f"));
    }

}
