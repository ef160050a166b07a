package org.eventscheduler.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.junit.jupiter.api.Test;

/**
 * The operations assets are part of the product: the rules pass promtool and their unit tests, every
 * alert is complete and has its runbook section, the dashboard is complete, the Docker stack refers
 * to files that exist and configures instances the application accepts. (That every metric they name
 * exists in a real scrape is checked by ObservabilityIT, which has one.)
 */
class OpsAssetsTest {
    private static final Pattern RUNBOOK_URL =
            Pattern.compile("^https://\\S+/docs/operations/event-scheduler\\.md#([a-z0-9-]+)$");

    @Test
    void theRulesPassPromtoolAndTheirUnitTests() throws Exception {
        Promtool.Result check = Promtool.run("check", "rules", OpsAssets.RULES.toString());
        assertThat(check.status()).as(check.output()).isZero();
        Promtool.Result test = Promtool.run("test", "rules", OpsAssets.RULE_TESTS.toString());
        assertThat(test.status()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void thePrometheusConfigurationOfTheStackPassesPromtool() throws Exception {
        Promtool.Result check = Promtool.run("check", "config", OpsAssets.PROMETHEUS_CONFIG.toString());
        assertThat(check.status()).as(check.output()).isZero();
        assertThat(check.output()).contains("1 rule files found");
    }

    @Test
    void everyAlertIsCompleteAndPointsAtItsRunbookSection() {
        List<OpsAssets.Rule> alerts = OpsAssets.alerts();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(12);
        for (OpsAssets.Rule alert : alerts) {
            String name = alert.name();
            assertThat(alert.fields().get("for")).as(name + " for").isNotNull();
            assertThat(alert.labels().get("severity")).as(name + " severity").isIn("warning", "critical");
            String summary = alert.annotations().get("summary");
            assertThat(summary).as(name + " summary: one sentence").isNotBlank().endsWith(".")
                    .doesNotContain("{{").matches("[^.]*(\\.\\d[^.]*|,[^.]*)*\\.");
            assertThat(alert.annotations().get("description")).as(name + " description: templated with the value, formatted")
                    .contains("{{").contains("$value").containsPattern("printf|humanize");
            Matcher url = RUNBOOK_URL.matcher(alert.annotations().getOrDefault("runbook_url", ""));
            assertThat(url.matches()).as(name + " runbook_url " + alert.annotations().get("runbook_url")).isTrue();
            assertThat(url.group(1)).isEqualTo(name.toLowerCase(Locale.ROOT));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasAUnitTestThatSeesItPendingThenFiring() {
        Map<String, Object> tests = OpsAssets.yaml(OpsAssets.RULE_TESTS);
        Set<String> firing = new TreeSet<>();
        Set<String> quietBeforeFor = new TreeSet<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
                List<Object> expected = (List<Object>) check.getOrDefault("exp_alerts", List.of());
                String alert = (String) check.get("alertname");
                if (expected.isEmpty() && !String.valueOf(test.get("name")).startsWith("a healthy")) {
                    quietBeforeFor.add(alert);
                } else if (!expected.isEmpty()) {
                    firing.add(alert);
                }
            }
        }
        Set<String> alerts = OpsAssets.alerts().stream().map(OpsAssets.Rule::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(firing).as("alerts with a test that sees them fire").isEqualTo(alerts);
        assertThat(quietBeforeFor).as("alerts with a test that sees nothing before `for`").isEqualTo(alerts);
    }

    @Test
    void theRunbookHasASectionForEveryAlertAndAnAlertForEverySection() throws Exception {
        String runbook = Files.readString(OpsAssets.RUNBOOK);
        String alertsPart = runbook.substring(runbook.indexOf("\n## Alerts"));
        Set<String> sections = new TreeSet<>();
        Matcher heading = Pattern.compile("^### (\\S+)$", Pattern.MULTILINE).matcher(alertsPart);
        while (heading.find()) {
            sections.add(heading.group(1));
        }
        Set<String> alerts = OpsAssets.alerts().stream().map(OpsAssets.Rule::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(sections).isEqualTo(alerts);
        for (String alert : alerts) {
            String section = alertsPart.substring(alertsPart.indexOf("### " + alert + "\n"));
            int next = section.indexOf("\n### ", 4);
            section = next < 0 ? section : section.substring(0, next);
            assertThat(section).as(alert).contains("**Meaning.**", "**Impact.**", "**Diagnosis.**", "**Mitigation.**");
            String diagnosis = section.substring(section.indexOf("**Diagnosis.**"), section.indexOf("**Mitigation.**"));
            assertThat(diagnosis).as(alert + ": Diagnosis has commands to paste (a ```bash or ```sql block)")
                    .containsPattern("```(bash|sql)\n");
            assertThat(runbook).as("the alert table links " + alert)
                    .contains("[" + alert + "](#" + alert.toLowerCase(Locale.ROOT) + ")");
        }
    }

    @Test
    void theDashboardAnswersIsItHealthyFirstAndDescribesEveryPanel() {
        JsonNode dashboard = OpsAssets.dashboard();
        List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).containsExactly("datasource", "instance", "source", "trigger");

        List<String> rows = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            if (p.path("type").asText().equals("row")) {
                rows.add(p.path("title").asText());
            }
        });
        assertThat(rows).containsExactly("Is it healthy?", "Ingress", "Trigger matches and workflow starts",
                "Throttling and pauses", "Held work", "Circuit breakers", "Dead letters", "PostgreSQL mirror", "Kafka Streams",
                "JVM");

        List<String> topRow = new ArrayList<>();
        boolean inTopRow = false;
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                inTopRow = panel.path("title").asText().equals("Is it healthy?");
                continue;
            }
            assertThat(panel.path("description").asText()).as(panel.path("title").asText()).isNotBlank();
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            if (inTopRow) {
                topRow.add(panel.path("title").asText());
            }
        }
        assertThat(topRow).containsExactly("Health", "Instances RUNNING", "Max ingress lag", "Paused entities", "DLQ rate");

        OpsAssets.dashboardExpressions().forEach((title, exprs) -> exprs.forEach(expr -> {
            if (expr.matches(".*by \\((source|trigger)\\).*")) {
                assertThat(expr).as(title + ": per-key series are bounded").startsWith("topk(");
            }
            assertThat(expr).as(title + ": filtered by the instance variable").contains("$instance");
        }));
    }

    @Test
    void theRecordingRulesTheDashboardMightUseExist() {
        Set<String> recorded = OpsAssets.rules().stream().filter(r -> !r.isAlert()).map(OpsAssets.Rule::name)
                .collect(Collectors.toSet());
        OpsAssets.dashboardExpressions().values().stream().flatMap(List::stream)
                .flatMap(expr -> OpsAssets.metricNames(expr).stream())
                .filter(name -> name.contains(":"))
                .forEach(name -> assertThat(recorded).contains(name));
        OpsAssets.alerts().forEach(alert -> assertThat(OpsAssets.metricNames(alert.expr()))
                .as(alert.name() + " reads raw metrics (recording rules would be seen a step late)")
                .noneMatch(name -> name.contains(":")));
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        assertThat(OpsAssets.metricNames("topk(10, sum by (source) (rate(scheduler_source_events_total{instance=~\"$instance\", "
                + "source=~\"$source\"}[$__rate_interval])))")).containsExactly("scheduler_source_events_total");
        assertThat(OpsAssets.metricNames("sum(a_total) - sum(a_total offset 1h) > 1000 and on (x) up == 0"))
                .containsExactly("a_total", "up");
        assertThat(OpsAssets.metricNames("histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) * 60"))
                .containsExactly("x_bucket");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDockerStackRefersToFilesThatExist() throws Exception {
        Path docker = OpsAssets.ROOT.resolve("docker");
        List<String> dockerfile = Files.readAllLines(docker.resolve("Dockerfile"));
        List<String> copied = new ArrayList<>();
        for (String line : dockerfile) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                String[] parts = line.substring(5).trim().split("\\s+");
                copied.addAll(List.of(parts).subList(0, parts.length - 1));
            }
        }
        assertThat(copied).contains("scheduler", "docker/scheduler.yaml", "mvnw");
        copied.forEach(source -> assertThat(OpsAssets.ROOT.resolve(source)).as("COPY " + source).exists());
        assertThat(dockerfile).anyMatch(line -> line.startsWith("USER ") && !line.contains("root"));
        assertThat(dockerfile).anyMatch(line -> line.startsWith("FROM eclipse-temurin:21-jre"));
        assertThat(String.join("\n", dockerfile)).contains("app/target/agent/").contains("\"./scheduler\", \"run\"");

        Map<String, Object> compose = OpsAssets.yaml(docker.resolve("compose.yaml"));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).containsKeys("kafka", "postgres", "scheduler-1", "scheduler-2", "prometheus", "grafana",
                "otel-collector", "jaeger");
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            for (Object volume : (List<Object>) service.getValue().getOrDefault("volumes", List.of())) {
                String host = String.valueOf(volume).split(":")[0];
                if (host.startsWith(".")) {
                    assertThat(docker.resolve(host).normalize()).as(service.getKey() + " mounts " + host).exists();
                }
            }
            Map<String, Object> build = (Map<String, Object>) service.getValue().get("build");
            if (build != null) {
                Path context = docker.resolve((String) build.get("context")).normalize();
                assertThat(context.resolve((String) build.get("dockerfile"))).exists();
            }
        }
        assertThat(OpsAssets.ROOT.resolve("ops/prometheus/prometheus.yml")).exists();
        assertThat(OpsAssets.ROOT.resolve("ops/grafana/provisioning/dashboards/event-scheduler.yaml")).exists();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDockerStackRunsTheKafkaVersionTheProjectIsBuiltAndTestedWith() throws Exception {
        Matcher version = Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>")
                .matcher(Files.readString(OpsAssets.ROOT.resolve("pom.xml")));
        assertThat(version.find()).as("pom.xml names kafka.version").isTrue();
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>)
                OpsAssets.yaml(OpsAssets.ROOT.resolve("docker/compose.yaml")).get("services");
        assertThat(services.get("kafka").get("image")).as("the compose file's broker")
                .isEqualTo("apache/kafka:" + version.group(1));
    }

    @Test
    void theDockerBuildContextLeavesOutBuildOutputsAndLocalStateButNotWhatTheImageCopies() throws Exception {
        List<Pattern> ignored = new ArrayList<>();
        for (String line : Files.readAllLines(OpsAssets.ROOT.resolve(".dockerignore"))) {
            String pattern = line.trim();
            if (!pattern.isEmpty() && !pattern.startsWith("#")) {
                assertThat(pattern).as("no exceptions (!) in .dockerignore: this check reads it simply").doesNotStartWith("!");
                ignored.add(dockerIgnorePattern(pattern));
            }
        }
        for (String local : List.of(".git", "target", "app/target", "topology/target/classes", "var", "var/state",
                "app/var/state", "deploy/kubernetes/validate/node_modules", ".idea", "app/app.iml", "app/scheduler.log")) {
            assertThat(excluded(ignored, local)).as(local + " is left out of the build context").isTrue();
        }
        for (String line : Files.readAllLines(OpsAssets.ROOT.resolve("docker/Dockerfile"))) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                String[] parts = line.substring(5).trim().split("\\s+");
                for (String source : List.of(parts).subList(0, parts.length - 1)) {
                    try (Stream<Path> files = Files.walk(OpsAssets.ROOT.resolve(source))) {
                        files.map(file -> OpsAssets.ROOT.relativize(file).toString())
                                .filter(file -> !file.matches("(.*/)?target(/.*)?"))
                                .forEach(file -> assertThat(excluded(ignored, file))
                                        .as("COPY " + source + ": " + file + " is in the build context").isFalse());
                    }
                }
            }
        }
    }

    /** A .dockerignore line as Docker reads it: relative to the context, {@code **} any folders, {@code *} within one. */
    private static Pattern dockerIgnorePattern(String line) {
        String glob = line.replaceAll("^/+", "").replaceAll("/+$", "");
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (glob.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (glob.startsWith("**", i)) {
                regex.append(".*");
                i += 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** Whether Docker leaves {@code path} out: it, or a folder it is in, matches a pattern. */
    private static boolean excluded(List<Pattern> ignored, String path) {
        for (String prefix = path; !prefix.isEmpty();
             prefix = prefix.contains("/") ? prefix.substring(0, prefix.lastIndexOf('/')) : "") {
            String candidate = prefix;
            if (ignored.stream().anyMatch(pattern -> pattern.matcher(candidate).matches())) {
                return true;
            }
        }
        return false;
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachInstanceOfTheStackHasAConfigurationTheApplicationAccepts() {
        Path docker = OpsAssets.ROOT.resolve("docker");
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>)
                OpsAssets.yaml(docker.resolve("compose.yaml")).get("services");
        Set<String> instanceIds = new TreeSet<>();
        Set<String> peerTokens = new TreeSet<>();
        for (String name : List.of("scheduler-1", "scheduler-2")) {
            Map<String, String> env = new HashMap<>();
            ((Map<String, Object>) services.get(name).get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
            SchedulerConfig config = ConfigLoader.load(Optional.of(docker.resolve("scheduler.yaml")), env);
            assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka:9092");
            assertThat(config.admin().port()).isEqualTo(8080);
            assertThat(config.admin().advertisedHost()).isEqualTo(name);
            assertThat(config.admin().tokens()).hasSize(2);
            assertThat(config.mirror().enabled()).isTrue();
            assertThat(config.mirror().password().value()).isNotEmpty();
            instanceIds.add(config.instanceId());
            peerTokens.add(config.admin().peerToken());
        }
        assertThat(instanceIds).as("each instance its own id").hasSize(2);
        assertThat(peerTokens).as("one peer token for the deployment").hasSize(1);
    }
}
