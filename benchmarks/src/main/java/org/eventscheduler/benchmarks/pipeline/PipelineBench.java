package org.eventscheduler.benchmarks.pipeline;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.embedded.Directories;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseRecordSerde;
import org.eventscheduler.topology.pause.PauseState;

/**
 * The pipeline benchmarks: the scheduler against baselines measured in the same run, interleaved and
 * repeated, on a broker in a child JVM. {@code ./scheduler bench s1|s5|s7 [--events N] [--reps R]
 * [--rate R]}. Prints a Markdown table (also written to {@code benchmarks/target/bench-<scenario>.md}).
 */
public final class PipelineBench {
    private static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final BenchClients clients;
    private final String bootstrap;
    private final Path dir;
    private final Path triggers;
    private final StringBuilder report = new StringBuilder();

    private PipelineBench(BenchBroker broker, Path dir) throws Exception {
        this.bootstrap = broker.bootstrapServers();
        this.clients = new BenchClients(bootstrap);
        this.dir = dir;
        this.triggers = Pipeline.hundredTriggers(dir);
    }

    public static void main(String[] args) throws Exception {
        String scenario = args.length > 0 ? args[0] : "";
        Map<String, Integer> options = options(args);
        Path dir = Files.createTempDirectory("event-scheduler-bench-");
        try (BenchBroker broker = BenchBroker.start(dir)) {
            PipelineBench bench = new PipelineBench(broker, dir);
            switch (scenario) {
                case "s1" -> bench.throughput(options.getOrDefault("events", 150_000), options.getOrDefault("reps", 3));
                case "s5" -> bench.latency(options.getOrDefault("rate", 1000), options.getOrDefault("reps", 2),
                        options.getOrDefault("seconds", 20));
                case "s7" -> bench.containment(options.getOrDefault("reps", 2));
                case "s6" -> bench.healthUnderLoad(options.getOrDefault("events", 300_000), options.getOrDefault("reps", 2));
                case "s3" -> bench.cardinality(options.getOrDefault("events", 1_000_000), options.getOrDefault("reps", 2));
                default -> {
                    System.err.println("scheduler: bench needs a scenario: matching, s1, s3, s5, s6, s7");
                    System.exit(2);
                }
            }
            bench.clients.close();
            String markdown = bench.report.toString();
            System.out.println(markdown);
            Path out = Path.of(System.getProperty("scheduler.home", "."), "benchmarks", "target", "bench-" + scenario + ".md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, markdown);
        } finally {
            Directories.deleteRecursively(dir);
        }
        System.exit(0);
    }

    private static Map<String, Integer> options(String[] args) {
        Map<String, Integer> options = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), Integer.parseInt(args[i + 1]));
        }
        return options;
    }

    private static String runId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private void line(String format, Object... args) {
        report.append(String.format(Locale.ROOT, format, args)).append('\n');
        System.err.println(String.format(Locale.ROOT, format, args));
    }

    // ---------------------------------------------------------------- S1: throughput

    /** One throughput run. */
    private record Throughput(double recordsPerSecond, double cpuNanosPerRecord) {
    }

    private interface Variant {
        Pipeline create(String input, String runId) throws Exception;
    }

    private Throughput drain(Pipeline pipeline, String input, int events) throws Exception {
        try (pipeline) {
            pipeline.start();
            awaitRunning(pipeline.streams());
            long cpu0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            long t1 = clients.awaitCaughtUp(pipeline.applicationId(), input, Duration.ofMinutes(3));
            long cpu1 = OS.getProcessCpuTime();
            double seconds = (t1 - t0) / 1e9;
            return new Throughput(events / seconds, (double) (cpu1 - cpu0) / events);
        }
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not RUNNING within 120 s: " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    /** 1,000 sources, 100 event types (one trigger each), 1,000 events per second of event time. */
    private static BenchClients.Event steadyEvent(int i) {
        String source = "src-" + (i % 1000);
        return new BenchClients.Event(source, BenchClients.event(i, source, "type-" + (i % 100)), T0.toEpochMilli() + i);
    }

    /**
     * S1: the identity application and the scheduler without triggers (source stage and
     * {@code events.accepted}) and with 100 triggers (every event matching one), each with 1 and 2
     * stream threads, draining the same preloaded input. A warm-up round (one thread) is not counted;
     * then {@code reps} interleaved rounds. A run ends when every input of every sub-topology is
     * committed (the ingress topic and the repartition topics), not only the ingress topic.
     */
    void throughput(int events, int reps) throws Exception {
        String input = "s1-in-" + runId();
        clients.createTopic(input);
        clients.preload(input, events, PipelineBench::steadyEvent);
        Path none = Pipeline.noTriggers(dir);
        List<Integer> threadCounts = List.of(System.getProperty("bench.threads", "1,2").split(",")).stream()
                .map(String::trim).map(Integer::parseInt).toList();
        Map<String, java.util.function.IntFunction<Variant>> variants = new LinkedHashMap<>();
        variants.put("identity", threads -> (in, id) -> Pipeline.identity(bootstrap, in, id, dir, threads));
        variants.put("scheduler, no triggers", threads -> (in, id) -> Pipeline.scheduler(bootstrap, in, id, dir, none,
                Map.of("SCHEDULER_KAFKA__NUM_STREAM_THREADS", String.valueOf(threads))));
        variants.put("scheduler, 100 triggers", threads -> (in, id) -> Pipeline.scheduler(bootstrap, in, id, dir,
                triggers, Map.of("SCHEDULER_KAFKA__NUM_STREAM_THREADS", String.valueOf(threads))));
        String only = System.getProperty("bench.only", "");
        if (!only.isEmpty()) {
            variants.keySet().retainAll(List.of(only.split(";")));
        }
        // results by thread count, then variant
        Map<Integer, Map<String, List<Throughput>>> results = new LinkedHashMap<>();
        // one warm-up round with one thread, not counted: the first run of each variant in this JVM is 3-5 times slower (JIT)
        for (int rep = -1; rep < reps; rep++) {
            for (int threads : rep < 0 ? List.of(threadCounts.getFirst()) : threadCounts) {
                for (Map.Entry<String, java.util.function.IntFunction<Variant>> variant : variants.entrySet()) {
                    Throughput run = drain(variant.getValue().apply(threads).create(input, runId()), input, events);
                    System.err.printf(Locale.ROOT, "S1 %s %s, %d thread(s): %.0f records/s, %.0f CPU ns/record, %.1f s%n",
                            rep < 0 ? "warm-up" : "rep " + (rep + 1), variant.getKey(), threads, run.recordsPerSecond(),
                            run.cpuNanosPerRecord(), events / run.recordsPerSecond());
                    if (rep >= 0) {
                        results.computeIfAbsent(threads, t -> new LinkedHashMap<>())
                                .computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(run);
                    }
                }
            }
        }
        line("S1 throughput: %,d events (1,000 sources, 100 event types, 1,000 events per second of event time), "
                + "exactly-once, 4 partitions; a warm-up round, then %d interleaved repetitions, each application "
                + "draining the same preloaded input until every sub-topology has committed it.", events, reps);
        line("");
        line("| stream threads | application | records/s median (min–max) | drain s median | CPU µs/record median (min–max) | ÷ identity, per repetition: median (min–max) |");
        line("|---:|---|---:|---:|---:|---:|");
        for (Map.Entry<Integer, Map<String, List<Throughput>>> byThreads : results.entrySet()) {
            List<Throughput> identity = byThreads.getValue().get("identity");
            for (Map.Entry<String, List<Throughput>> variant : byThreads.getValue().entrySet()) {
                List<Double> rates = variant.getValue().stream().map(Throughput::recordsPerSecond).toList();
                List<Double> drains = rates.stream().map(rate -> events / rate).toList();
                List<Double> cpu = variant.getValue().stream().map(t -> t.cpuNanosPerRecord() / 1000).toList();
                List<Double> ratios = new ArrayList<>();
                for (int rep = 0; identity != null && rep < reps; rep++) {
                    ratios.add(variant.getValue().get(rep).recordsPerSecond() / identity.get(rep).recordsPerSecond());
                }
                line("| %d | %s | %s | %s | %s | %s |", byThreads.getKey(), variant.getKey(), Stats.spread(rates, "%,.0f"),
                        Stats.spread(drains, "%.1f"), Stats.spread(cpu, "%.1f"),
                        ratios.isEmpty() ? "" : Stats.spread(ratios, "%.2f"));
            }
        }
    }

    // ---------------------------------------------------------------- S3: source cardinality

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
    private double[] drainSampling(Pipeline pipeline, String input, int events) throws Exception {
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
            Throughput run = drain(pipeline, input, events);
            return new double[] {run.recordsPerSecond(), maxRss.get()};
        } finally {
            stop.set(true);
            sampler.join();
        }
    }

    void cardinality(int events, int reps) throws Exception {
        String few = "s3-few-" + runId();
        String many = "s3-many-" + runId();
        clients.createTopic(few);
        clients.createTopic(many);
        clients.preload(few, events, PipelineBench::steadyEvent);
        clients.preload(many, events, i -> {
            String source = "src-" + i;
            return new BenchClients.Event(source, BenchClients.event(i, source, "type-" + (i % 100)), T0.toEpochMilli() + i);
        });
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int rep = -1; rep < reps; rep++) {
            for (String variant : List.of("1,000 sources", events + " sources")) {
                String input = variant.startsWith("1,000") ? few : many;
                double[] run = drainSampling(Pipeline.scheduler(bootstrap, input, runId(), dir, triggers, Map.of()), input,
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
        line("S3 source cardinality: %,d events from 1,000 sources against the same number from %,d distinct sources "
                + "(each seen once), drained by the scheduler; a warm-up round, then %d interleaved repetitions. Process "
                + "RSS sampled every 250 ms; heap max %,d MiB, RocksDB bound (kafka.rocksdb-memory-bytes) %,d MiB, "
                + "JVM non-heap committed at the end %,d MiB.", events, events, reps, heapMax / 1048576, bound / 1048576,
                nonHeap / 1048576);
        line("");
        line("| sources | records/s median (min–max) | max RSS MiB median (min–max) | ÷ 1,000 sources, per repetition |");
        line("|---|---:|---:|---:|");
        List<double[]> baseline = results.get("1,000 sources");
        for (Map.Entry<String, List<double[]>> variant : results.entrySet()) {
            List<Double> rates = variant.getValue().stream().map(r -> r[0]).toList();
            List<Double> rss = variant.getValue().stream().map(r -> r[1] / 1048576).toList();
            List<Double> ratios = new ArrayList<>();
            for (int rep = 0; rep < reps; rep++) {
                ratios.add(variant.getValue().get(rep)[0] / baseline.get(rep)[0]);
            }
            line("| %s | %s | %s | %s |", variant.getKey(), Stats.spread(rates, "%,.0f"), Stats.spread(rss, "%,.0f"),
                    Stats.spread(ratios, "%.2f"));
        }
    }

    // ---------------------------------------------------------------- S6: health under load

    private static final String VIEWER_TOKEN = "bench-viewer-token-0123456789";

    /** Three instances of one application in this JVM, each with its admin server on a free port. */
    private List<org.eventscheduler.app.kafka.SchedulerInstance> startCluster(String input, String id) throws Exception {
        List<org.eventscheduler.app.kafka.SchedulerInstance> instances = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            Map<String, String> env = new java.util.HashMap<>();
            env.put("SCHEDULER_KAFKA__BOOTSTRAP_SERVERS", bootstrap);
            env.put("SCHEDULER_KAFKA__APPLICATION_ID", "s6-" + id);
            env.put("SCHEDULER_KAFKA__STATE_DIR", dir.resolve("state-s6-" + id + "-" + n).toString());
            env.put("SCHEDULER_INSTANCE_ID", "s6-" + id + "-" + n);
            env.put("SCHEDULER_ADMIN__PORT", "0");
            env.put("SCHEDULER_ADMIN__ADVERTISED_HOST", "localhost");
            env.put("SCHEDULER_ADMIN__PEER_TOKEN", "bench-peer-token-0123456789");
            env.put("SCHEDULER_ADMIN__REQUESTS_PER_SECOND", "1000");
            env.put("SCHEDULER_ADMIN__TOKENS", "[{\"name\":\"bench\",\"role\":\"viewer\",\"token\":\"" + VIEWER_TOKEN + "\"}]");
            env.put("SCHEDULER_TRIGGERS__APPLY_ON_START", triggers.toString());
            env.put("SCHEDULER_TOPICS__INGRESS", input);
            for (String topic : new String[] {"accepted", "throttled", "dlq", "paused", "triggers", "control",
                    "workflow-starts", "start-results"}) {
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
    private Thread healthQueries(int port, int perSecond, List<Long> latencies, AtomicBoolean stop) {
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

    void healthUnderLoad(int events, int reps) throws Exception {
        String input = "s6-in-" + runId();
        clients.createTopic(input);
        clients.preload(input, events, PipelineBench::steadyEvent);
        List<Double> quietRates = new ArrayList<>();
        List<Double> queriedRates = new ArrayList<>();
        List<Double> loadedP99 = new ArrayList<>();
        List<Double> idleP99 = new ArrayList<>();
        for (int rep = -1; rep < reps; rep++) {
            for (boolean queried : List.of(false, true)) {
                String id = runId();
                List<org.eventscheduler.app.kafka.SchedulerInstance> cluster = startCluster(input, id);
                try {
                    List<Long> latencies = new ArrayList<>();
                    AtomicBoolean stop = new AtomicBoolean();
                    Thread queries = queried ? healthQueries(cluster.getFirst().adminPort(), 50, latencies, stop) : null;
                    long t0 = System.nanoTime();
                    long t1 = clients.awaitCaughtUp("s6-" + id, input, Duration.ofMinutes(5));
                    stop.set(true);
                    if (queries != null) {
                        queries.join();
                    }
                    double rate = events / ((t1 - t0) / 1e9);
                    if (queried) {
                        List<Long> idle = new ArrayList<>();
                        AtomicBoolean stopIdle = new AtomicBoolean();
                        Thread idleQueries = healthQueries(cluster.getFirst().adminPort(), 50, idle, stopIdle);
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
        line("S6 health under load: three instances of one application in one JVM drain %,d events, with and without "
                + "GET /admin/event-health 50 times a second against one of them; a warm-up round, then %d interleaved "
                + "repetitions (quiet, queried).", events, reps);
        line("");
        line("| measure | median (min–max) |");
        line("|---|---:|");
        line("| records/s, not queried | %s |", Stats.spread(quietRates, "%,.0f"));
        line("| records/s, queried 50/s | %s |", Stats.spread(queriedRates, "%,.0f"));
        List<Double> ratios = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            ratios.add(queriedRates.get(rep) / quietRates.get(rep));
        }
        line("| queried ÷ not queried, per repetition | %s |", Stats.spread(ratios, "%.3f"));
        line("| health p99 ms while draining | %s |", Stats.spread(loadedP99, "%.0f"));
        line("| health p99 ms idle | %s |", Stats.spread(idleP99, "%.0f"));
    }

    // ---------------------------------------------------------------- S5: latency

    /** Produces {@code rate} events a second for {@code seconds}, stamped with the send time. */
    private void produceLive(String input, int rate, int seconds, java.util.function.LongFunction<BenchClients.Event> events)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = clients.producer()) {
            long started = System.nanoTime();
            long total = (long) rate * seconds;
            for (long i = 0; i < total; i++) {
                BenchClients.Event event = events.apply(i);
                producer.send(new ProducerRecord<>(input, null, System.currentTimeMillis(),
                        event.source().getBytes(StandardCharsets.UTF_8), event.value()));
                long due = started + (long) ((i + 1) * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            producer.flush();
        }
    }

    /** Reads {@code topic} until stopped, recording (receive time − record timestamp) of records after {@code from}. */
    private Thread latencyReader(String topic, long fromMillis, List<Long> latencies, AtomicBoolean stop,
                                 java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> counted) {
        Thread thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("latency-" + runId())) {
                consumer.subscribe(List.of(topic));
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.currentTimeMillis();
                        if (record.timestamp() >= fromMillis && counted.test(record)) {
                            synchronized (latencies) {
                                latencies.add(now - record.timestamp());
                            }
                        }
                    }
                }
            }
        }, "latency-reader");
        thread.start();
        return thread;
    }

    void latency(int rate, int reps, int seconds) throws Exception {
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int rep = -1; rep < reps; rep++) {
            for (String variant : List.of("identity", "scheduler")) {
                String id = runId();
                String input = "s5-in-" + id;
                clients.createTopic(input);
                // live traffic puts 1 % of the rate on each trigger: raise the trigger limit so that every event starts
                Pipeline pipeline = variant.equals("identity") ? Pipeline.identity(bootstrap, input, id, dir)
                        : Pipeline.scheduler(bootstrap, input, id, dir, triggers,
                        Map.of("SCHEDULER_TRIGGERS__RATE_LIMIT__MAX_EVENTS", "10000000"));
                try (pipeline) {
                    pipeline.start();
                    awaitRunning(pipeline.streams());
                    List<Long> latencies = new ArrayList<>();
                    AtomicBoolean stop = new AtomicBoolean();
                    long warmUpUntil = System.currentTimeMillis() + 2000 + 3000;
                    Thread reader = latencyReader(pipeline.output(), warmUpUntil, latencies, stop, r -> true);
                    Thread.sleep(2000);
                    produceLive(input, rate, seconds, i -> {
                        String source = "src-" + (i % 1000);
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
        line("S5 end-to-end latency: produce to read_committed consume, %,d events/s for %d s (the first 3 s not "
                + "counted), identity output vs the scheduler's workflow.starts (every event starts one workflow; trigger "
                + "limits raised out of the way); a warm-up round, then %d interleaved repetitions.", rate, seconds, reps);
        line("");
        line("| application | records counted | p50 ms median (min–max) | p99 ms median (min–max) | p99 ÷ identity's, per repetition |");
        line("|---|---:|---:|---:|---:|");
        for (Map.Entry<String, List<double[]>> variant : results.entrySet()) {
            List<Double> p50 = variant.getValue().stream().map(r -> r[0]).toList();
            List<Double> p99 = variant.getValue().stream().map(r -> r[1]).toList();
            List<Double> ratios = new ArrayList<>();
            for (int rep = 0; rep < reps; rep++) {
                ratios.add(variant.getValue().get(rep)[1] / results.get("identity").get(rep)[1]);
            }
            List<Double> counted = variant.getValue().stream().map(r -> r[2]).toList();
            line("| %s | %s | %s | %s | %s |", variant.getKey(), Stats.spread(counted, "%,.0f"), Stats.spread(p50, "%.0f"),
                    Stats.spread(p99, "%.0f"), Stats.spread(ratios, "%.2f"));
        }
    }

    // ---------------------------------------------------------------- S7: containment

    void containment(int reps) throws Exception {
        int calmRate = 200;
        int stormRate = 10 * Pipeline.SOURCE_LIMIT / 10;
        List<double[]> storms = new ArrayList<>();
        List<Double> calmP99Storm = new ArrayList<>();
        List<Double> calmP99Quiet = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            for (boolean storm : List.of(true, false)) {
                String id = runId();
                String input = "s7-in-" + id;
                clients.createTopic(input);
                Pipeline.SchedulerPipeline pipeline = (Pipeline.SchedulerPipeline) Pipeline.scheduler(bootstrap, input, id,
                        dir, triggers, Map.of());
                try (pipeline) {
                    pipeline.start();
                    awaitRunning(pipeline.streams());
                    AtomicLong firstStormSend = new AtomicLong();
                    AtomicLong firstStormEventTime = new AtomicLong();
                    AtomicLong pauseSeen = new AtomicLong();
                    AtomicLong pausedAt = new AtomicLong();
                    AtomicBoolean stop = new AtomicBoolean();
                    Thread pauses = new Thread(() -> {
                        PauseRecordSerde serde = new PauseRecordSerde();
                        try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("pauses-" + runId())) {
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
                    Thread reader = latencyReader(pipeline.config().topics().accepted(), windowStart, calm, stop,
                            r -> !new String(r.key(), StandardCharsets.UTF_8).equals("storm"));
                    Thread.sleep(1000);
                    Thread calmTraffic = new Thread(() -> paced(input, calmRate, 20, i -> {
                        String source = "calm-" + (i % 20);
                        return new BenchClients.Event(source, BenchClients.event(i, source, "type-" + (i % 100)), 0);
                    }), "calm-traffic");
                    calmTraffic.start();
                    if (storm) {
                        Thread.sleep(5000);
                        firstStormSend.set(System.currentTimeMillis());
                        firstStormEventTime.set(firstStormSend.get());
                        paced(input, stormRate, 10, i -> new BenchClients.Event("storm",
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
        line("S7 containment: a source storming at 10 times its limit (%,d events/s against %,d per 10 s) beside "
                + "20 calm sources at %d events/s on the same partitions; %d interleaved repetitions (storm, none).",
                stormRate, Pipeline.SOURCE_LIMIT, calmRate, reps);
        line("");
        line("| measure | median (min–max) |");
        line("|---|---:|");
        line("| first storm event to its pause, event time (ms) | %s |", Stats.spread(storms.stream().map(s -> s[0]).toList(), "%.0f"));
        line("| first storm event sent to pause record consumed, wall time (ms) | %s |",
                Stats.spread(storms.stream().map(s -> s[1]).toList(), "%.0f"));
        line("| calm sources' p99 latency during the storm (ms) | %s |", Stats.spread(calmP99Storm, "%.0f"));
        line("| calm sources' p99 latency without a storm (ms) | %s |", Stats.spread(calmP99Quiet, "%.0f"));
        List<Double> ratios = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            ratios.add(calmP99Storm.get(rep) / calmP99Quiet.get(rep));
        }
        line("| ratio, per repetition | %s |", Stats.spread(ratios, "%.2f"));
    }

    /** {@link #produceLive}, with failures turned into unchecked exceptions for use in a thread. */
    private void paced(String input, int rate, int seconds, java.util.function.LongFunction<BenchClients.Event> events) {
        try {
            produceLive(input, rate, seconds, events);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("producing to " + input + " failed", e);
        }
    }
}
