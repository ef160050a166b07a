package org.eventscheduler.benchmarks.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.utils.Utils;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseRecordSerde;
import org.eventscheduler.topology.pause.PauseState;

/**
 * S7: containment of a storm. The scheduler's own maximum rate for one partition is measured first (a
 * preloaded backlog of admitted events of one partition's sources, drained with limits out of the way);
 * then one source storms at twice that rate (or {@code --storm-rate}) for 20 s, beside calm sources at
 * 200 events/s in all, half of them on the storm's partition and half on the others, with the shipped
 * limits and 100 triggers. Each repetition runs the same traffic once with the storm and once without.
 *
 * <ul>
 *   <li>the storm's pause: event time from its first event, wall time until the pause record is read;</li>
 *   <li>calm sources on other partitions: p99 latency (send to {@code events.accepted}) over the storm's
 *       20 s against the same sources over the same seconds of the run without a storm;</li>
 *   <li>calm sources on the storm's partition: how long after the pause their p99, second by second, is
 *       back within 1.2 × their p99 without a storm and stays so until the storm ends.</li>
 * </ul>
 */
record ContainmentScenario(int reps, int stormRate) implements PipelineBench.Scenario {
    private static final int CALM_RATE = 200;
    private static final int CALM_SOURCES = 20;
    private static final int SECONDS = 30;
    private static final int STORM_FROM = 5;
    private static final int STORM_SECONDS = 20;
    private static final String STORM = "storm";

    /** A calm record read from {@code events.accepted}: when it was sent, its latency, whether it shares the storm's partition. */
    private record Sample(long sentAt, long latency, boolean sharesPartition) {
    }

    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % BenchClients.PARTITIONS;
    }

    /** Calm source names: half on the storm's partition, half on the others. */
    private static List<String> calmSources() {
        int stormPartition = partitionOf(STORM);
        List<String> same = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; same.size() < CALM_SOURCES / 2 || others.size() < CALM_SOURCES / 2; i++) {
            String name = "calm-" + i;
            List<String> group = partitionOf(name) == stormPartition ? same : others;
            if (group.size() < CALM_SOURCES / 2) {
                group.add(name);
            }
        }
        List<String> all = new ArrayList<>(same);
        all.addAll(others);
        return all;
    }

    @Override
    public void run(Harness harness) throws Exception {
        int rate = stormRate > 0 ? stormRate : 2 * (int) partitionMaximum(harness);
        List<String> calm = calmSources();
        int stormPartition = partitionOf(STORM);
        List<double[]> pauses = new ArrayList<>();
        List<Double> othersStorm = new ArrayList<>();
        List<Double> othersQuiet = new ArrayList<>();
        List<Double> sameQuiet = new ArrayList<>();
        List<Double> recoveries = new ArrayList<>();
        List<Double> achievedRates = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            double[] quietWindow = new double[2];
            List<Sample> quiet = runOnce(harness, calm, false, rate, quietWindow, new double[1]);
            double[] pause = new double[2];
            double[] achieved = new double[1];
            List<Sample> storm = runOnce(harness, calm, true, rate, pause, achieved);
            long stormStart = (long) pause[1];
            long quietStart = (long) quietWindow[1];
            double othersQuietP99 = p99(quiet, false, quietStart, quietStart + STORM_SECONDS * 1000L);
            double othersStormP99 = p99(storm, false, stormStart, stormStart + STORM_SECONDS * 1000L);
            double sameQuietP99 = p99(quiet, true, 0, Long.MAX_VALUE);
            double recovery = recovery(storm, sameQuietP99, (long) pause[0], stormStart + STORM_SECONDS * 1000L);
            Harness.progress("S7 rep %d: the storm partition's calm p99 by second after the pause: %s", rep + 1,
                    bySecond(storm, (long) pause[0], stormStart + STORM_SECONDS * 1000L));
            pauses.add(new double[] {pause[0] - stormStart});
            othersStorm.add(othersStormP99);
            othersQuiet.add(othersQuietP99);
            sameQuiet.add(sameQuietP99);
            recoveries.add(recovery);
            achievedRates.add(achieved[0]);
            Harness.progress("S7 rep %d: storm %,.0f events/s (asked %,d), paused %,.0f ms after its first event was sent; "
                            + "other partitions p99 %.0f ms (without a storm %.0f); storm's partition p99 without a storm "
                            + "%.0f ms, back within 1.2 x of it %.1f s after the pause", rep + 1, achieved[0], rate,
                    pause[0] - stormStart, othersStormP99, othersQuietP99, sameQuietP99, recovery / 1000);
        }
        harness.line("S7 containment: one source (partition %d of %d) storms at %,d events/s for %d s, twice the scheduler's "
                        + "own maximum rate for one partition (measured first in the same run, 100 triggers, limits out of the "
                        + "way) unless --storm-rate says otherwise; beside it %d calm sources at %d events/s in all, %d on the "
                        + "storm's partition and %d on the others; the shipped limits (1,000 per 10 s, action pause) and 100 "
                        + "triggers; %d repetitions, each once with the storm and once without.", stormPartition,
                BenchClients.PARTITIONS, rate, STORM_SECONDS, CALM_SOURCES, CALM_RATE, CALM_SOURCES / 2, CALM_SOURCES / 2,
                reps);
        harness.line("");
        harness.line("| measure | median (min–max) |");
        harness.line("|---|---:|");
        harness.line("| storm rate reached by the harness's producer (events/s) | %s |", Stats.spread(achievedRates, "%,.0f"));
        harness.line("| first storm event sent to its pause record read, wall time (ms) | %s |",
                Stats.spread(pauses.stream().map(p -> p[0]).toList(), "%.0f"));
        harness.line("| other partitions: calm p99 during the storm (ms) | %s |", Stats.spread(othersStorm, "%.0f"));
        harness.line("| other partitions: calm p99 without a storm, same seconds (ms) | %s |", Stats.spread(othersQuiet, "%.0f"));
        List<Double> ratios = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            ratios.add(othersStorm.get(rep) / othersQuiet.get(rep));
        }
        harness.line("| other partitions: ratio, per repetition (target ≤ 1.2) | %s |", Stats.spread(ratios, "%.2f"));
        harness.line("| storm's partition: calm p99 without a storm (ms) | %s |", Stats.spread(sameQuiet, "%.0f"));
        harness.line("| storm's partition: back within 1.2 × that p99 after the pause (s; target ≤ 10) | %s |",
                Stats.spread(recoveries.stream().map(r -> r / 1000).toList(), "%.1f"));
    }

    /** The storm partition's calm p99 of each second from {@code from} to {@code until}, for the progress line. */
    private static String bySecond(List<Sample> samples, long from, long until) {
        TreeMap<Long, List<Long>> bySecond = new TreeMap<>();
        for (Sample sample : samples) {
            if (sample.sharesPartition() && sample.sentAt() >= from && sample.sentAt() < until) {
                bySecond.computeIfAbsent((sample.sentAt() - from) / 1000, k -> new ArrayList<>()).add(sample.latency());
            }
        }
        StringBuilder line = new StringBuilder();
        bySecond.forEach((second, latencies) -> line.append(second).append(':')
                .append(Math.round(Stats.percentile(latencies, 99))).append(' '));
        return line.toString().trim();
    }

    /** The p99 latency of the calm samples of one group sent in {@code [from, to)}; NaN when none. */
    private static double p99(List<Sample> samples, boolean sharesPartition, long from, long to) {
        return Stats.percentile(samples.stream().filter(s -> s.sharesPartition() == sharesPartition
                && s.sentAt() >= from && s.sentAt() < to).map(Sample::latency).toList(), 99);
    }

    /**
     * How long after {@code pausedAt} the storm partition's calm sources are back: the start of the first
     * second from which every second up to {@code until} has a p99 within 1.2 × {@code calmP99}; the whole
     * span when they never are.
     */
    private static double recovery(List<Sample> samples, double calmP99, long pausedAt, long until) {
        TreeMap<Long, List<Long>> bySecond = new TreeMap<>();
        for (Sample sample : samples) {
            if (sample.sharesPartition() && sample.sentAt() >= pausedAt && sample.sentAt() < until) {
                bySecond.computeIfAbsent((sample.sentAt() - pausedAt) / 1000, k -> new ArrayList<>()).add(sample.latency());
            }
        }
        long back = until - pausedAt;
        for (Map.Entry<Long, List<Long>> second : bySecond.descendingMap().entrySet()) {
            if (Stats.percentile(second.getValue(), 99) > 1.2 * calmP99) {
                break;
            }
            back = second.getKey() * 1000;
        }
        return back;
    }

    /**
     * One run: the calm traffic for {@link #SECONDS} s and, with {@code storm}, the storm from second
     * {@link #STORM_FROM}; fills {@code pause} with (pause record read, first storm event sent) in wall
     * time and {@code achieved} with the storm's rate as sent.
     */
    private List<Sample> runOnce(Harness harness, List<String> calm, boolean storm, int rate, double[] pause,
                                 double[] achieved) throws Exception {
        String id = Harness.runId();
        String input = "s7-in-" + id;
        harness.clients.createTopic(input);
        Pipeline.SchedulerPipeline pipeline = (Pipeline.SchedulerPipeline) Pipeline.scheduler(harness.bootstrap, input, id,
                harness.dir, harness.triggers, Map.of());
        List<Sample> samples = new ArrayList<>();
        try (pipeline) {
            pipeline.start();
            Harness.awaitRunning(pipeline.streams());
            AtomicLong pauseSeen = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread pauses = new Thread(() -> {
                PauseRecordSerde serde = new PauseRecordSerde();
                try (KafkaConsumer<byte[], byte[]> consumer = harness.clients.consumer("pauses-" + Harness.runId())) {
                    consumer.subscribe(List.of(pipeline.config().topics().paused()));
                    while (!stop.get()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                            PauseRecord change = serde.deserializer().deserialize(record.topic(), record.value());
                            if (change.key().equals("source:" + STORM) && change.state() == PauseState.PAUSED) {
                                pauseSeen.compareAndSet(0, System.currentTimeMillis());
                            }
                        }
                    }
                }
            }, "pause-reader");
            pauses.start();
            int stormPartition = partitionOf(STORM);
            Thread reader = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = harness.clients.consumer("latency-" + Harness.runId())) {
                    consumer.subscribe(List.of(pipeline.config().topics().accepted()));
                    while (!stop.get()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                            String source = new String(record.key(), StandardCharsets.UTF_8);
                            if (!source.equals(STORM)) {
                                long now = System.currentTimeMillis();
                                synchronized (samples) {
                                    samples.add(new Sample(record.timestamp(), now - record.timestamp(),
                                            partitionOf(source) == stormPartition));
                                }
                            }
                        }
                    }
                }
            }, "latency-reader");
            reader.start();
            Thread.sleep(1000);
            long started = System.currentTimeMillis();
            Thread calmTraffic = new Thread(() -> harness.paced(input, CALM_RATE, SECONDS, i -> {
                String source = calm.get((int) (i % calm.size()));
                return new BenchClients.Event(source, BenchClients.event(i, source, "type-" + (i % 100)), 0);
            }), "calm-traffic");
            calmTraffic.start();
            Thread.sleep(STORM_FROM * 1000L);
            pause[1] = System.currentTimeMillis();
            if (storm) {
                long sent = System.nanoTime();
                harness.paced(input, rate, STORM_SECONDS, i -> new BenchClients.Event(STORM,
                        BenchClients.event(i, STORM, "type-" + (i % 100)), 0));
                achieved[0] = (double) rate * STORM_SECONDS / ((System.nanoTime() - sent) / 1e9);
            } else {
                pause[1] = started + STORM_FROM * 1000L;
            }
            calmTraffic.join();
            harness.clients.awaitCaughtUp(pipeline.applicationId(), input, Duration.ofMinutes(5));
            Thread.sleep(2000);
            stop.set(true);
            reader.join();
            pauses.join();
            pause[0] = pauseSeen.get();
        }
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    /**
     * The scheduler's own maximum rate for one partition: 300,000 admitted events of 100 sources of the
     * storm's partition, preloaded, drained with limits out of the way (100 triggers, as in the runs).
     */
    private static double partitionMaximum(Harness harness) throws Exception {
        int stormPartition = partitionOf(STORM);
        List<String> sources = new ArrayList<>();
        for (int i = 0; sources.size() < 100; i++) {
            if (partitionOf("max-" + i) == stormPartition) {
                sources.add("max-" + i);
            }
        }
        String input = "s7-max-" + Harness.runId();
        harness.clients.createTopic(input);
        int events = 300_000;
        harness.clients.preload(input, events, i -> {
            String source = sources.get(i % sources.size());
            return new BenchClients.Event(source, BenchClients.event(i, source, "type-" + (i % 100)),
                    Harness.T0.toEpochMilli() + i);
        });
        Pipeline pipeline = Pipeline.scheduler(harness.bootstrap, input, Harness.runId(), harness.dir, harness.triggers,
                Map.of("SCHEDULER_SOURCES__RATE_LIMIT__MAX_EVENTS", "100000000"));
        try (pipeline) {
            pipeline.start();
            Harness.awaitRunning(pipeline.streams());
            long started = System.nanoTime();
            long finished = harness.clients.awaitCaughtUp(pipeline.applicationId(), input, Duration.ofMinutes(10));
            double rate = events / ((finished - started) / 1e9);
            Harness.progress("S7 the scheduler's maximum for one partition: %,.0f events/s", rate);
            return rate;
        }
    }
}
