package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eventscheduler.app.it.KafkaTestClients.header;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.ops.OpsAssets;
import org.eventscheduler.app.ops.Promtool;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.pause.EntityType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drives a known input through one instance and compares every scheduler metric of a real
 * {@code /metrics} scrape with what the topology did, record for record; checks the scrape with
 * {@code promtool check metrics}; checks that docs/operations/metrics.md names exactly the metrics the
 * application emits; and keeps the scrape in {@code target/scrape/metrics.prom} for the checks of the
 * operations assets.
 */
class ObservabilityIT {
    static final Path SCRAPE = Path.of("target/scrape/metrics.prom");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static EmbeddedKafkaBroker broker;
    private static SchedulerInstance instance;
    private static SchedulerConfig config;

    private static List<ConsumerRecord<byte[], byte[]>> accepted;
    /** What the storm holds once everything was processed. */
    private static final List<HeldRecord> held = new java.util.ArrayList<>();
    private static List<ConsumerRecord<byte[], byte[]>> dead;
    private static List<ConsumerRecord<byte[], byte[]>> starts;

    @BeforeAll
    static void drive() throws Exception {
        broker = EmbeddedKafkaBroker.start(0);
        Path dir = Files.createTempDirectory("observability-it-");
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, """
                - id: t-calm
                  source-prefix: calm-
                  type: t
                  workflow: w
                - id: t-picky
                  source: calm-0
                  type: t
                  workflow: w
                  input: {fields: {sku: /data/sku}}
                """);
        instance = SchedulerInstance.start(AdminApiIT.config(broker, "observability-it-" + UUID.randomUUID().toString().substring(0, 8),
                dir.resolve("state"), triggers, Map.of("SCHEDULER_METRICS__REFRESH_INTERVAL", "500ms")), false);
        assertThat(instance.runner().awaitRunning(TIMEOUT)).isTrue();
        config = instance.config();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < 3000; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes("storm"),
                        AdminApiIT.event("s-" + i, "storm", "page.viewed")));
            }
            for (int i = 0; i < 100; i++) {
                String source = "calm-" + (i % 5);
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes(source),
                        AdminApiIT.event(source + "-" + i, source, "t")));
            }
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes("legacy"),
                        AdminApiIT.bytes("{\"specversion\":\"1.0\",\"id\":\"bad-" + i + "\",\"source\":\"legacy\"}")));
            }
            for (int i = 0; i < 2; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes("junk"), new byte[] {(byte) 0xFF}));
            }
            // a definition written past the API's validation: no type, so every instance rejects it
            producer.send(new ProducerRecord<>(config.topics().triggers(), AdminApiIT.bytes("t-broken"),
                    AdminApiIT.bytes("{\"id\":\"t-broken\",\"workflow\":\"w\"}")));
        }
        accepted = KafkaTestClients.readCommitted(broker.bootstrapServers(), config.topics().accepted(), 1100, TIMEOUT, Duration.ofSeconds(1));
        Polling.await("the storm holds 2,000 events", TIMEOUT, () -> {
            try {
                held.clear();
                held.addAll(HeldWorkProbe.held(instance.runner().streams(), EntityType.SOURCE, "storm"));
                return held.size() == 2000;
            } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                return false;
            }
        });
        dead = KafkaTestClients.readCommitted(broker.bootstrapServers(), config.topics().dlq(), 25, TIMEOUT, Duration.ofSeconds(1));
        starts = KafkaTestClients.readCommitted(broker.bootstrapServers(), config.topics().workflowStarts(), 100, TIMEOUT, Duration.ofSeconds(1));
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (ConsumerRecord<byte[], byte[]> start : starts) {
                String json = new String(start.value(), StandardCharsets.UTF_8);
                String eventId = json.replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1");
                producer.send(new ProducerRecord<>(config.topics().startResults(), start.key(), AdminApiIT.bytes(
                        "{\"eventId\":\"" + eventId + "\",\"triggerId\":\"t-calm\",\"status\":\"STARTED\"}")));
            }
            producer.send(new ProducerRecord<>(config.topics().startResults(), AdminApiIT.bytes("ghost"), AdminApiIT.bytes(
                    "{\"eventId\":\"e\",\"triggerId\":\"ghost\",\"status\":\"FAILED\"}")));
        }
    }

    @AfterAll
    static void stop() {
        instance.close();
        broker.close();
    }

    private static String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + instance.adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The value of one sample, e.g. {@code scheduler_dlq_events_total{reason="oversize"}}; 0 when absent. */
    static double sample(String scrape, String name, String labels) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{" + Pattern.quote(labels) + "\\}")
                + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    /** The sum of every sample of a metric, whatever its labels. */
    static double sum(String scrape, String name) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
        double total = 0;
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(2));
        }
        return total;
    }

    /** Scrapes until {@code check} holds, or fails after the deadline with the last scrape. */
    private static String awaitScrape(Function<String, Boolean> check) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = scrape();
            if (check.apply(last)) {
                return last;
            }
        }
        throw new AssertionError("the metrics did not settle:\n" + last);
    }

    private static double count(Long value) {
        return value == null ? 0 : value;
    }

    private static Map<String, Long> countBy(List<ConsumerRecord<byte[], byte[]>> records, String header) {
        return records.stream().collect(Collectors.groupingBy(r -> header(r, header), TreeMap::new, Collectors.counting()));
    }

    @Test
    void everyDecisionMetricEqualsWhatTheTopologyDid() throws Exception {
        String metrics = awaitScrape(s -> sample(s, "scheduler_start_results_total", "outcome=\"success\"") == 100
                && sample(s, "scheduler_paused_entities", "entity_type=\"source\"") == 2
                && sample(s, "scheduler_trigger_definitions_rejected_total", "") >= 1);
        Files.createDirectories(SCRAPE.getParent());
        Files.writeString(SCRAPE, metrics);

        Map<String, Long> throttledByReason = held.stream().collect(java.util.stream.Collectors.groupingBy(
                HeldRecord::reason, java.util.stream.Collectors.counting()));
        Map<String, Long> deadByReason = countBy(dead, SchedulerHeaders.REASON);
        assertThat(accepted).hasSize(1100);
        assertThat(sample(metrics, "scheduler_ingress_events_total", "outcome=\"accepted\"")).isEqualTo(accepted.size());
        assertThat(sample(metrics, "scheduler_ingress_events_total", "outcome=\"throttled\"")).isEqualTo(count(throttledByReason.get("rate-limited")));
        assertThat(sample(metrics, "scheduler_ingress_events_total", "outcome=\"paused_source\"")).isEqualTo(count(throttledByReason.get("source-paused")));
        assertThat(sample(metrics, "scheduler_ingress_events_total", "outcome=\"invalid\"")).isEqualTo(5);
        for (Map.Entry<String, Long> reason : deadByReason.entrySet()) {
            assertThat(sample(metrics, "scheduler_dlq_events_total", "reason=\"" + reason.getKey() + "\""))
                    .as(reason.getKey()).isEqualTo(count(reason.getValue()));
        }
        assertThat(sum(metrics, "scheduler_dlq_events_total")).isEqualTo(dead.size());
        assertThat(deadByReason).containsEntry("trigger-input-unavailable", 20L).containsEntry("undecodable", 2L)
                .containsEntry("missing-attribute", 3L);
        for (String reason : List.of("rate-limited", "source-paused")) {
            assertThat(sample(metrics, "scheduler_throttled_events_total", "entity_type=\"source\",reason=\"" + reason + "\""))
                    .isEqualTo(count(throttledByReason.get(reason)));
        }
        assertThat(sample(metrics, "scheduler_workflow_starts_total", "")).isEqualTo(starts.size());
        assertThat(sum(metrics, "scheduler_trigger_matches_total"))
                .as("starts; events t-picky cannot use never reach the trigger stage").isEqualTo(100);
        assertThat(sample(metrics, "scheduler_start_results_total", "outcome=\"unknown\"")).isEqualTo(1);
        assertThat(sample(metrics, "scheduler_throttle_actions_total", "action=\"pause\",entity_type=\"source\",reason=\"rate-limit-exceeded\""))
                .isEqualTo(1);
        assertThat(sample(metrics, "scheduler_throttle_actions_total", "action=\"throttle\",entity_type=\"source\",reason=\"over-limit\""))
                .isEqualTo(1);
        assertThat(sum(metrics, "scheduler_source_events_total")).as("every valid event once").isEqualTo(3100);
        assertThat(sample(metrics, "scheduler_ingress_lag_seconds_count", "")).isEqualTo(3100);
        // from offsets: under exactly-once the transaction markers of the DLQ partitions are counted too
        assertThat(sample(metrics, "scheduler_dlq_retained_records", "")).isBetween((double) dead.size(), dead.size() + 20.0);
        assertThat(sample(metrics, "scheduler_breakers", "entity_type=\"source\",state=\"open\"")).isEqualTo(1);
        assertThat(sample(metrics, "scheduler_breaker_transitions_total", "entity_type=\"source\",to_state=\"open\""))
                .as("calm-0's breaker opened once: t-picky cannot use its events").isEqualTo(1);
        assertThat(sum(metrics, "scheduler_breaker_transitions_total")).as("and nothing else moved").isEqualTo(1);
        assertThat(sample(metrics, "scheduler_trigger_definitions_rejected_total", "")).as("t-broken").isEqualTo(1);
        assertThat(sample(metrics, "scheduler_paused_entities", "entity_type=\"trigger\""))
                .as("no source can pause a trigger others use").isEqualTo(0);
        // the storm's pause began at an event time of this run: its age is within the run, never negative
        assertThat(metrics).contains("scheduler_paused_longest_seconds{entity_type=\"source\"}");
        assertThat(sample(metrics, "scheduler_paused_longest_seconds", "entity_type=\"source\""))
                .isBetween(0.0, (double) TIMEOUT.toSeconds() * 3);
        assertThat(metrics).contains("scheduler_ingress_partition_lag_records{partition=\"0\"}");
        assertThat(metrics).contains("kafka_stream_").contains("jvm_memory_used_bytes").contains("process_cpu_usage")
                .contains("resilience4j_ratelimiter_available_permissions");
    }

    @Test
    void theScrapePassesPromtool() throws Exception {
        String metrics = scrape();
        Path file = Files.createTempFile("scrape-", ".prom");
        Files.writeString(file, metrics);
        Promtool.Result check = Promtool.run(List.of("check", "metrics"), file);
        assertThat(check.status()).as(check.output()).isZero();
    }

    @Test
    void everyMetricTheDashboardAndTheRulesReadExistsInTheScrape() throws Exception {
        Set<String> scraped = OpsAssets.scrapedNames(awaitScrape(s -> s.contains("scheduler_health_level")));
        Set<String> recorded = OpsAssets.rules().stream().filter(r -> !r.isAlert()).map(OpsAssets.Rule::name)
                .collect(Collectors.toSet());
        Set<String> builtIn = Set.of("up", "ALERTS");
        Set<String> read = new TreeSet<>();
        OpsAssets.rules().forEach(rule -> read.addAll(OpsAssets.metricNames(rule.expr())));
        OpsAssets.dashboardExpressions().values().forEach(exprs -> exprs.forEach(e -> read.addAll(OpsAssets.metricNames(e))));
        assertThat(read).as("the dashboard and rules read metrics").hasSizeGreaterThan(20);
        Set<String> unknown = read.stream()
                .filter(name -> !scraped.contains(name) && !recorded.contains(name) && !builtIn.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(unknown).as("metrics read by ops/ that the application does not emit").isEmpty();
    }

    @Test
    void theMetricsCatalogueNamesExactlyWhatIsEmitted() throws Exception {
        String metrics = awaitScrape(s -> s.contains("scheduler_paused_entities"));
        Set<String> emitted = new TreeSet<>();
        Matcher family = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        while (family.find()) {
            emitted.add(family.group(1));
        }
        String catalogue = Files.readString(Path.of("../docs/operations/metrics.md"));
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("^\\| `([a-z_0-9*]+)` \\|", Pattern.MULTILINE).matcher(catalogue);
        while (row.find()) {
            documented.add(row.group(1));
        }
        Set<String> prefixes = documented.stream().filter(d -> d.endsWith("*"))
                .map(d -> d.substring(0, d.length() - 1)).collect(Collectors.toSet());
        Set<String> exact = documented.stream().filter(d -> !d.endsWith("*")).collect(Collectors.toSet());
        Set<String> undocumented = emitted.stream()
                .filter(name -> !exact.contains(name) && prefixes.stream().noneMatch(name::startsWith))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(undocumented).as("emitted but not in docs/operations/metrics.md").isEmpty();
        Set<String> missing = exact.stream().filter(name -> !emitted.contains(name)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(missing).as("in docs/operations/metrics.md but not emitted").isEmpty();
        for (String prefix : prefixes) {
            assertThat(emitted).as("documented family " + prefix + "*").anyMatch(name -> name.startsWith(prefix));
        }
    }
}
