package org.eventscheduler.app.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/** The operations assets of the repository, read the way Prometheus and Grafana read them. */
public final class OpsAssets {
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    public static final Path RULES = ROOT.resolve("ops/prometheus/rules.yml");
    public static final Path RULE_TESTS = ROOT.resolve("ops/prometheus/tests/rules-test.yml");
    public static final Path PROMETHEUS_CONFIG = ROOT.resolve("ops/prometheus/prometheus.yml");
    public static final Path DASHBOARD = ROOT.resolve("ops/grafana/dashboards/event-scheduler.json");
    public static final Path RUNBOOK = ROOT.resolve("docs/operations/event-scheduler.md");
    public static final Path DOCKERFILE = ROOT.resolve("docker/Dockerfile");
    public static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");
    public static final Path DEPLOY_GUIDE = ROOT.resolve("docs/operations/deploy.md");
    public static final Path CONFIGURATION_DOCS = ROOT.resolve("docs/configuration.md");

    /** The admin server's probes (Helidon's observe feature), as AdminApiIT requests them on a real socket. */
    public static final String LIVENESS_PATH = "/observe/health/live";
    public static final String READINESS_PATH = "/observe/health/ready";

    /** PromQL words that are not metric names. */
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private OpsAssets() {
    }

    /** An alerting or recording rule. */
    public record Rule(String group, Map<String, Object> fields) {
        public boolean isAlert() {
            return fields.containsKey("alert");
        }

        public String name() {
            return (String) (isAlert() ? fields.get("alert") : fields.get("record"));
        }

        public String expr() {
            return String.valueOf(fields.get("expr"));
        }

        @SuppressWarnings("unchecked")
        public Map<String, String> labels() {
            return (Map<String, String>) fields.getOrDefault("labels", Map.of());
        }

        @SuppressWarnings("unchecked")
        public Map<String, String> annotations() {
            return (Map<String, String>) fields.getOrDefault("annotations", Map.of());
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Rule> rules() {
        Map<String, Object> file = yaml(RULES);
        List<Rule> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                rules.add(new Rule((String) group.get("name"), rule));
            }
        }
        return rules;
    }

    public static List<Rule> alerts() {
        return rules().stream().filter(Rule::isAlert).toList();
    }

    /** Every PromQL expression of the dashboard's panels, by panel title. */
    public static Map<String, List<String>> dashboardExpressions() {
        Map<String, List<String>> expressions = new LinkedHashMap<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.computeIfAbsent(panel.path("title").asText(), t -> new ArrayList<>())
                        .add(target.path("expr").asText());
            }
        }
        return expressions;
    }

    public static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The metric names an expression reads: identifiers that are not functions (followed by a
     * parenthesis), not labels (inside braces, or in a by/without/on/ignoring list), not keywords,
     * not durations, not numbers, not template variables.
     */
    public static Set<String> metricNames(String expr) {
        String stripped = expr
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\w+", " ")
                .replaceAll("\\boffset\\s+\\d+[smhdwy]", " ");
        Set<String> names = new TreeSet<>();
        Matcher matcher = IDENTIFIER.matcher(stripped);
        while (matcher.find()) {
            String word = matcher.group();
            int after = matcher.end();
            while (after < stripped.length() && stripped.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < stripped.length() && stripped.charAt(after) == '(';
            boolean number = matcher.start() > 0 && Character.isDigit(stripped.charAt(matcher.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    /** The names of the metric families in a Prometheus scrape, with their sample names (_bucket, _count, ...). */
    public static Set<String> scrapedNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher name = IDENTIFIER.matcher(line);
            if (name.lookingAt()) {
                names.add(name.group());
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> yaml(Path file) {
        try {
            return (Map<String, Object>) new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
