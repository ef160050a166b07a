package org.eventscheduler.benchmarks.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * S8: a trigger with {@code action: throttle} at {@value #LIMIT} starts per 10 s takes a burst of
 * matches all at once. It starts the first {@value #LIMIT} at once and holds the rest, releasing them as
 * its window makes room: how long until the last start, how many starts any 10 s held (never more
 * than the limit), and the CPU a held-then-released start costs against one started directly (the same
 * burst under a limit it never reaches).
 *
 * <p>CPU is the scheduler's own: the CPU time of its threads (every thread named after its application
 * id: the stream thread, whose RocksDB calls run on it, its producer's network thread, the state updater,
 * the global thread, its clients' threads; not the harness's producer or reader, nor the broker, which
 * runs in its own JVM), from the burst's first record to its last start, less what the same threads
 * spend in as long with no input (punctuations, commits, polls; measured over the 20 s before the burst).
 */
record BacklogScenario(int burst, int reps) implements PipelineBench.Scenario {
    static final int LIMIT = 1000;
    private static final int SOURCES = 100;
    private static final Duration WINDOW = Duration.ofSeconds(10);
    /** How long each scheduler runs with no input before the burst, to measure what its threads spend idle. */
    private static final Duration IDLE = Duration.ofSeconds(20);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One burst: its starts' record times, CPU spent (ns) and wall time (ns) from producing it to its last start read. */
    private record Drain(List<Long> startTimes, long cpuNanos, long wallNanos, double idleNanosPerSecond) {
        double spanSeconds() {
            return (startTimes.stream().mapToLong(Long::longValue).max().orElseThrow()
                    - startTimes.stream().mapToLong(Long::longValue).min().orElseThrow()) / 1000.0;
        }
    }

    @Override
    public void run(Harness harness) throws Exception {
        List<Double> spans = new ArrayList<>();
        List<Long> busiest = new ArrayList<>();
        List<Long> bucketed = new ArrayList<>();
        List<Double> heldMicros = new ArrayList<>();
        List<Double> directMicros = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> idlePerSecond = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            Drain held = drain(harness, LIMIT);
            Drain direct = drain(harness, 100 * burst);
            double directNet = (direct.cpuNanos() - direct.idleNanosPerSecond() * direct.wallNanos() / 1e9) / burst;
            // the first LIMIT of the held run start directly: what is left is the held-then-released ones'
            double heldNet = (held.cpuNanos() - held.idleNanosPerSecond() * held.wallNanos() / 1e9 - LIMIT * directNet)
                    / (burst - LIMIT);
            double idle = held.idleNanosPerSecond();
            spans.add(held.spanSeconds());
            busiest.add(busiestWindow(held.startTimes()));
            heldMicros.add(heldNet / 1e3);
            directMicros.add(directNet / 1e3);
            ratios.add(heldNet / directNet);
            idlePerSecond.add(idle / 1e6);
            bucketed.add(busiestBucketWindow(held.startTimes()));
            Harness.progress("S8 rep %d: last start %.1f s after the first, busiest window %d starts (any 10 s: %d), "
                            + "CPU held %.1f µs, direct %.1f µs (%.2f x); idle %.1f ms CPU/s (raw: held %.1f s, "
                            + "direct %.1f s, over %.0f s and %.0f s)", rep + 1,
                    held.spanSeconds(), busiestBucketWindow(held.startTimes()), busiestWindow(held.startTimes()),
                    heldNet / 1e3, directNet / 1e3, heldNet / directNet, idle / 1e6, held.cpuNanos() / 1e9,
                    direct.cpuNanos() / 1e9, held.wallNanos() / 1e9, direct.wallNanos() / 1e9);
        }
        double ideal = (Math.ceil((double) burst / LIMIT) - 1) * WINDOW.toSeconds();
        harness.line("S8 backlog: a trigger with action: throttle at %,d starts per 10 s (1 s buckets) takes a burst of "
                + "%,d matches from %d sources at once; %d repetitions. Ideal: the first %,d at once, then %,d each time "
                + "the window makes room, the last %.0f s after the first (%,d / %,d per 10 s = %.0f s of capacity).",
                LIMIT, burst, SOURCES, reps, LIMIT, LIMIT, ideal, burst, LIMIT, burst * 10.0 / LIMIT);
        harness.line("");
        harness.line("| measure | median (min–max) |");
        harness.line("|---|---:|");
        harness.line("| first start to last start, record time (s; ideal %.0f) | %s |", ideal, Stats.spread(spans, "%.1f"));
        harness.line("| most starts in a window of the rate window (10 consecutive 1 s buckets; limit %,d) | %s |", LIMIT,
                Stats.spread(bucketed.stream().map(Long::doubleValue).toList(), "%.0f"));
        harness.line("| most starts in any 10 s interval | %s |",
                Stats.spread(busiest.stream().map(Long::doubleValue).toList(), "%.0f"));
        harness.line("| CPU per start held, then released (µs) | %s |", Stats.spread(heldMicros, "%.1f"));
        harness.line("| CPU per start admitted directly (µs) | %s |", Stats.spread(directMicros, "%.1f"));
        harness.line("| ratio, per repetition (target ≤ 2) | %s |", Stats.spread(ratios, "%.2f"));
        harness.line("| subtracted: the held run's scheduler idle, before its burst (ms/s) | %s |",
                Stats.spread(idlePerSecond, "%.1f"));
    }

    /** The trigger file: one trigger on every burst event, throttled at {@code limit} starts per 10 s. */
    private static Path trigger(Harness harness, int limit) throws java.io.IOException {
        Path file = harness.dir.resolve("s8-trigger-" + limit + ".yaml");
        Files.writeString(file, "- {id: burst, type: burst, workflow: w, rate-limit: {max-events: " + limit
                + ", action: throttle}}\n");
        return file;
    }

    private void preload(Harness harness, String topic) throws Exception {
        long at = System.currentTimeMillis();
        harness.clients.preload(topic, burst, i -> {
            String source = "burst-" + (i % SOURCES);
            return new BenchClients.Event(source, BenchClients.event(i, source, "burst"), at);
        });
    }

    /** The burst through a scheduler whose trigger allows {@code limit} starts per 10 s, to its last start. */
    private Drain drain(Harness harness, int limit) throws Exception {
        String id = Harness.runId();
        String input = "s8-in-" + id;
        harness.clients.createTopic(input);
        Pipeline.SchedulerPipeline pipeline = (Pipeline.SchedulerPipeline) Pipeline.scheduler(harness.bootstrap, input,
                id, harness.dir, trigger(harness, limit), Map.of());
        try (pipeline) {
            pipeline.start();
            Harness.awaitRunning(pipeline.streams());
            List<Long> starts = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = harness.clients.consumer("s8-starts-" + Harness.runId())) {
                    consumer.subscribe(List.of(pipeline.config().topics().workflowStarts()));
                    while (!stop.get()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                            synchronized (starts) {
                                starts.add(record.timestamp());
                            }
                        }
                    }
                }
            }, "s8-start-reader");
            reader.start();
            Thread.sleep(3000);
            // what its threads spend with no input, measured first
            long idleCpu = cpuOf(pipeline.applicationId());
            long idleStarted = System.nanoTime();
            Thread.sleep(IDLE.toMillis());
            double idle = (cpuOf(pipeline.applicationId()) - idleCpu) / ((System.nanoTime() - idleStarted) / 1e9);
            long cpu = cpuOf(pipeline.applicationId());
            long started = System.nanoTime();
            preload(harness, input);
            long deadline = System.nanoTime() + Duration.ofSeconds(3L * burst / LIMIT * 10 + 120).toNanos();
            while (true) {
                synchronized (starts) {
                    if (starts.size() >= burst) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    stop.set(true);
                    throw new IllegalStateException("S8: only " + starts.size() + " of " + burst + " started in time");
                }
                Thread.sleep(100);
            }
            long cpuNanos = cpuOf(pipeline.applicationId()) - cpu;
            long wallNanos = System.nanoTime() - started;
            stop.set(true);
            reader.join();
            synchronized (starts) {
                if (starts.size() != burst) {
                    throw new IllegalStateException("S8: " + starts.size() + " starts of a burst of " + burst);
                }
                return new Drain(List.copyOf(starts), cpuNanos, wallNanos, idle);
            }
        }
    }

    /** CPU time so far of the live threads named after {@code applicationId}. */
    private static long cpuOf(String applicationId) {
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains(applicationId)) {
                long cpu = THREADS.getThreadCpuTime(thread.threadId());
                total += Math.max(0, cpu);
            }
        }
        return total;
    }

    /** The most records in a window of 10 consecutive 1 s buckets (the rate window). */
    static long busiestBucketWindow(List<Long> times) {
        java.util.TreeMap<Long, Long> perBucket = new java.util.TreeMap<>();
        times.forEach(t -> perBucket.merge(Math.floorDiv(t, 1000L), 1L, Long::sum));
        long busiest = 0;
        for (long first : perBucket.keySet()) {
            busiest = Math.max(busiest, perBucket.subMap(first, first + WINDOW.toSeconds()).values().stream()
                    .mapToLong(Long::longValue).sum());
        }
        return busiest;
    }

    /** The most records in any 10 s interval {@code [t, t + 10 s)}, t at a record. */
    static long busiestWindow(List<Long> times) {
        List<Long> sorted = times.stream().sorted().toList();
        long busiest = 0;
        int tail = 0;
        for (int head = 0; head < sorted.size(); head++) {
            while (sorted.get(head) - sorted.get(tail) >= WINDOW.toMillis()) {
                tail++;
            }
            busiest = Math.max(busiest, head - tail + 1);
        }
        return busiest;
    }
}
