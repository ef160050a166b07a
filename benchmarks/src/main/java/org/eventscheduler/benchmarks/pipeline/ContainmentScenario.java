package org.eventscheduler.benchmarks.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseRecordSerde;
import org.eventscheduler.topology.pause.PauseState;

/**
 * S7: a source storming at ten times its limit beside calm sources on the same partitions: how soon
 * the storm is paused, and what it does to the calm sources' latency.
 */
record ContainmentScenario(int reps) implements PipelineBench.Scenario {

    @Override
    public void run(Harness harness) throws Exception {
        containment(harness, reps);
    }

    private void containment(Harness harness, int reps) throws Exception {
        int calmRate = 200;
        int stormRate = 10 * Pipeline.SOURCE_LIMIT / 10;
        List<double[]> storms = new ArrayList<>();
        List<Double> calmP99Storm = new ArrayList<>();
        List<Double> calmP99Quiet = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            for (boolean storm : List.of(true, false)) {
                String id = Harness.runId();
                String input = "s7-in-" + id;
                harness.clients.createTopic(input);
                Pipeline.SchedulerPipeline pipeline = (Pipeline.SchedulerPipeline) Pipeline.scheduler(harness.bootstrap, input, id,
                        harness.dir, harness.triggers, Map.of());
                try (pipeline) {
                    pipeline.start();
                    Harness.awaitRunning(pipeline.streams());
                    AtomicLong firstStormSend = new AtomicLong();
                    AtomicLong firstStormEventTime = new AtomicLong();
                    AtomicLong pauseSeen = new AtomicLong();
                    AtomicLong pausedAt = new AtomicLong();
                    AtomicBoolean stop = new AtomicBoolean();
                    Thread pauses = new Thread(() -> {
                        PauseRecordSerde serde = new PauseRecordSerde();
                        try (KafkaConsumer<byte[], byte[]> consumer = harness.clients.consumer("pauses-" + Harness.runId())) {
                            consumer.subscribe(List.of(pipeline.config().topics().paused()));
                            while (!stop.get()) {
                                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                                    PauseRecord change = serde.deserializer().deserialize(record.topic(), record.value());
                                    if (change.key().equals("source:storm") && change.state() == PauseState.PAUSED
                                            && pauseSeen.get() == 0) {
                                        pauseSeen.set(System.currentTimeMillis());
                                        pausedAt.set(change.pausedAt().orElseThrow().toEpochMilli());
                                    }
                                }
                            }
                        }
                    }, "pause-reader");
                    pauses.start();
                    List<Long> calm = new ArrayList<>();
                    long windowStart = System.currentTimeMillis() + 5000;
                    Thread reader = harness.latencyReader(pipeline.config().topics().accepted(), windowStart, calm, stop,
                            r -> !new String(r.key(), StandardCharsets.UTF_8).equals("storm"));
                    Thread.sleep(1000);
                    Thread calmTraffic = new Thread(() -> harness.paced(input, calmRate, 20, i -> {
                        String source = "calm-" + (i % 20);
                        return new BenchClients.Event(source, BenchClients.event(i, source, "type-" + (i % 100)), 0);
                    }), "calm-traffic");
                    calmTraffic.start();
                    if (storm) {
                        Thread.sleep(5000);
                        firstStormSend.set(System.currentTimeMillis());
                        firstStormEventTime.set(firstStormSend.get());
                        harness.paced(input, stormRate, 10, i -> new BenchClients.Event("storm",
                                BenchClients.event(i, "storm", "type-" + (i % 100)), 0));
                    }
                    calmTraffic.join();
                    Thread.sleep(3000);
                    stop.set(true);
                    reader.join();
                    pauses.join();
                    List<Long> window;
                    synchronized (calm) {
                        window = new ArrayList<>(calm);
                    }
                    double p99 = Stats.percentile(window, 99);
                    if (storm) {
                        calmP99Storm.add(p99);
                        storms.add(new double[] {pausedAt.get() - firstStormEventTime.get(), pauseSeen.get() - firstStormSend.get()});
                        System.err.printf(Locale.ROOT, "S7 rep %d storm: pause after %d ms event time, seen after %d ms; calm p99 %.0f ms%n",
                                rep + 1, pausedAt.get() - firstStormEventTime.get(), pauseSeen.get() - firstStormSend.get(), p99);
                    } else {
                        calmP99Quiet.add(p99);
                        System.err.printf(Locale.ROOT, "S7 rep %d no storm: calm p99 %.0f ms%n", rep + 1, p99);
                    }
                }
            }
        }
        harness.line("S7 containment: a source storming at 10 times its limit (%,d events/s against %,d per 10 s) beside "
                + "20 calm sources at %d events/s on the same partitions; %d interleaved repetitions (storm, none).",
                stormRate, Pipeline.SOURCE_LIMIT, calmRate, reps);
        harness.line("");
        harness.line("| measure | median (min–max) |");
        harness.line("|---|---:|");
        harness.line("| first storm event to its pause, event time (ms) | %s |", Stats.spread(storms.stream().map(s -> s[0]).toList(), "%.0f"));
        harness.line("| first storm event sent to pause record consumed, wall time (ms) | %s |",
                Stats.spread(storms.stream().map(s -> s[1]).toList(), "%.0f"));
        harness.line("| calm sources' p99 latency during the storm (ms) | %s |", Stats.spread(calmP99Storm, "%.0f"));
        harness.line("| calm sources' p99 latency without a storm (ms) | %s |", Stats.spread(calmP99Quiet, "%.0f"));
        List<Double> ratios = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            ratios.add(calmP99Storm.get(rep) / calmP99Quiet.get(rep));
        }
        harness.line("| ratio, per repetition | %s |", Stats.spread(ratios, "%.2f"));
    }

}
