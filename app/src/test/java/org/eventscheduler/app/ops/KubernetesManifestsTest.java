package org.eventscheduler.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.ProcessingGuarantee;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.kafka.MirrorWiring;
import org.eventscheduler.topology.SchedulerTopology;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests of deploy/kubernetes are checked, not just written: every overlay renders
 * with {@code kubectl kustomize} and every object validates against the published schemas
 * (deploy/kubernetes/validate: the Kubernetes and Prometheus Operator schemas from npm, Strimzi's CRDs from
 * Maven Central), and the facts that tie them to the code hold: the configuration they give each pod is
 * one the application accepts, ports, probes and the state directory match it, the KafkaTopics are what
 * the provisioner would create, the KafkaUser's ACLs are what the application touches, the monitoring
 * resources are the rules and dashboard of ops/. kubectl, node and npm missing fail the test, never skip it.
 */
class KubernetesManifestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path VALIDATOR = OpsAssets.KUBERNETES.resolve("validate");
    private static final Path WORK = Path.of("target/kubernetes").toAbsolutePath();
    private static final List<String> STRIMZI_CRDS = List.of("crds/v1/043-Crd-kafkatopic.yaml", "crds/v1/044-Crd-kafkauser.yaml");
    private static final Path PROMETHEUS_RULE =
            OpsAssets.KUBERNETES.resolve("components/prometheus-operator/prometheusrule.yaml");
    private static final Path DASHBOARD_COPY =
            OpsAssets.KUBERNETES.resolve("components/prometheus-operator/event-scheduler.json");
    /** The Secret the operator creates (docs/operations/deploy.md), and what each key holds in this test. */
    private static final String APP_SECRET = "event-scheduler-secrets";
    private static final Map<String, String> APP_SECRET_SAMPLES = Map.of(
            "peer-token", "a-peer-token-of-thirty-two-chars",
            "admin-tokens", "[{\"name\": \"ops\", \"role\": \"operator\", \"sha256\": \"" + "ab".repeat(32) + "\"}]",
            "mirror-password", "a-password");
    /** What Strimzi's User Operator writes into the Secret named after a SCRAM KafkaUser. */
    private static final String JAAS_SAMPLE =
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"event-scheduler\" password=\"Pa55w0rd\";";
    private static final String POD = "event-scheduler-0";
    private static final String NAMESPACE = "scheduling";

    private static Map<String, List<JsonNode>> overlays;
    private static List<Path> strimziCrds;

    @BeforeAll
    static void renderEveryOverlay() throws IOException {
        requireInstalled(ExternalTool.KUBECTL, "version", "--client");
        requireInstalled(ExternalTool.NODE, "--version");
        requireInstalled(ExternalTool.NPM, "--version");
        installValidatorPackages();
        Files.createDirectories(WORK);
        strimziCrds = new ArrayList<>();
        for (String crd : STRIMZI_CRDS) {
            try (InputStream in = KubernetesManifestsTest.class.getClassLoader().getResourceAsStream(crd)) {
                assertThat(in).as(crd + " from the io.strimzi:api test jar").isNotNull();
                Path file = WORK.resolve(Path.of(crd).getFileName());
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                strimziCrds.add(file);
            }
        }
        overlays = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(OpsAssets.KUBERNETES.resolve("overlays"))) {
            for (Path dir : dirs.sorted().toList()) {
                ExternalTool.Result render = ExternalTool.KUBECTL.run("kustomize", dir.toString());
                assertThat(render.status()).as("kubectl kustomize " + dir + "\n" + render.output()).isZero();
                Files.writeString(WORK.resolve(dir.getFileName() + ".yaml"), render.output());
                List<JsonNode> objects = new ArrayList<>();
                for (Object document : new Yaml().loadAll(render.output())) {
                    if (document != null) {
                        objects.add(JSON.valueToTree(document));
                    }
                }
                overlays.put(dir.getFileName().toString(), objects);
            }
        }
        assertThat(overlays).containsKeys("small", "production");
    }

    private static void requireInstalled(ExternalTool tool, String... versionArguments) {
        ExternalTool.Result version = tool.run(versionArguments);
        assertThat(version.status()).as(tool.program() + " " + String.join(" ", versionArguments) + ": " + version.output())
                .isZero();
    }

    /** {@code npm ci} in deploy/kubernetes/validate, when node_modules is missing or older than the lock file. */
    private static void installValidatorPackages() throws IOException {
        Path installed = VALIDATOR.resolve("node_modules/.package-lock.json");
        Path lock = VALIDATOR.resolve("package-lock.json");
        if (Files.exists(installed) && !Files.getLastModifiedTime(installed).toInstant()
                .isBefore(Files.getLastModifiedTime(lock).toInstant())) {
            return;
        }
        ExternalTool.Result install = ExternalTool.NPM.run(VALIDATOR, null, 300,
                List.of("ci", "--no-audit", "--no-fund", "--loglevel=error"));
        assertThat(install.status()).as("npm ci in " + VALIDATOR + ":\n" + install.output()).isZero();
    }

    @Test
    void everyObjectOfEveryOverlayValidatesAgainstItsPublishedSchema() {
        overlays.forEach((overlay, objects) -> {
            List<String> arguments = new ArrayList<>(List.of("validate.mjs"));
            strimziCrds.forEach(crd -> arguments.addAll(List.of("--crd", crd.toString())));
            arguments.add(WORK.resolve(overlay + ".yaml").toString());
            ExternalTool.Result validation = ExternalTool.NODE.run(VALIDATOR, null, 120, arguments);
            assertThat(validation.status()).as(overlay + ":\n" + validation.output()).isZero();
            assertThat(validation.output()).contains(objects.size() + " objects valid");
        });
        assertThat(kinds("production")).contains("StatefulSet", "Service", "PodDisruptionBudget", "ConfigMap",
                "KafkaTopic", "KafkaUser", "PodMonitor", "PrometheusRule");
        assertThat(kinds("small")).contains("StatefulSet", "Service", "PodDisruptionBudget", "ConfigMap")
                .doesNotContain("KafkaTopic", "KafkaUser", "PodMonitor", "PrometheusRule");
    }

    @Test
    void eachPodGetsAConfigurationTheApplicationAcceptsFromTheConfigMapAndDocumentedVariables() throws IOException {
        Set<String> documentedKeys = documentedConfigurationKeys();
        for (String overlay : overlays.keySet()) {
            JsonNode container = container(overlay);
            for (JsonNode variable : container.path("env")) {
                String name = variable.path("name").asText();
                if (name.startsWith(ConfigLoader.ENV_PREFIX)) {
                    assertThat(documentedKeys).as(overlay + ": " + name + " names a key of docs/configuration.md")
                            .contains(keyOf(name));
                }
            }
            SchedulerConfig config = podConfiguration(overlay);
            assertThat(config.instanceId()).as(overlay + ": each pod its own instance id").isEqualTo(POD);
            assertThat(config.admin().peerToken()).isEqualTo(APP_SECRET_SAMPLES.get("peer-token"));
            assertThat(config.admin().tokens()).hasSize(1);
        }
        SchedulerConfig production = podConfiguration("production");
        assertThat(production.kafka().clientProperties()).as("the JAAS line from the KafkaUser's Secret, merged")
                .containsEntry("sasl.jaas.config", JAAS_SAMPLE)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("num.standby.replicas", "1");
        assertThat(production.mirror().enabled()).isTrue();
        assertThat(production.mirror().password().value()).isEqualTo(APP_SECRET_SAMPLES.get("mirror-password"));
    }

    @Test
    void peersReachEachPodAtTheHostItAdvertisesOnTheAdminPort() {
        for (String overlay : overlays.keySet()) {
            SchedulerConfig config = podConfiguration(overlay);
            JsonNode statefulSet = only(overlay, "StatefulSet");
            String serviceName = statefulSet.path("spec").path("serviceName").asText();
            JsonNode peers = named(overlay, "Service", serviceName);
            assertThat(peers.path("spec").path("clusterIP").asText()).as(overlay + ": " + serviceName + " is headless")
                    .isEqualTo("None");
            assertThat(peers.path("spec").path("publishNotReadyAddresses").asBoolean())
                    .as(overlay + ": peers find each other during a rebalance, when none is ready").isTrue();
            assertThat(config.admin().advertisedHost()).as(overlay + ": application.server is the pod's stable DNS name")
                    .isEqualTo(POD + "." + serviceName + "." + NAMESPACE + ".svc");

            JsonNode container = container(overlay);
            int adminPort = config.admin().port();
            JsonNode port = portNamed(container, "admin");
            assertThat(port.path("containerPort").asInt()).as(overlay + ": the container's admin port is admin.port")
                    .isEqualTo(adminPort);
            Map<String, String> podLabels = labels(statefulSet.path("spec").path("template"));
            for (JsonNode service : objects(overlay, "Service")) {
                assertThat(selects(service.path("spec").path("selector"), podLabels))
                        .as(overlay + ": Service " + name(service) + " selects the scheduler's pods").isTrue();
                for (JsonNode servicePort : service.path("spec").path("ports")) {
                    assertThat(servicePort.path("targetPort").asText()).as(overlay + ": Service " + name(service))
                            .isIn("admin", String.valueOf(adminPort));
                }
            }
        }
    }

    @Test
    void theProbesAreTheHealthEndpointsTheAdminServerServes() throws IOException {
        for (String overlay : overlays.keySet()) {
            JsonNode container = container(overlay);
            for (String probe : List.of("startupProbe", "livenessProbe")) {
                assertThat(container.path(probe).path("httpGet").path("path").asText()).as(overlay + " " + probe)
                        .isEqualTo(OpsAssets.LIVENESS_PATH);
                assertThat(container.path(probe).path("httpGet").path("port").asText()).isEqualTo("admin");
            }
            assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).as(overlay + " readiness")
                    .isEqualTo(OpsAssets.READINESS_PATH);
            assertThat(container.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("admin");
        }
        assertThat(Files.readString(OpsAssets.DOCKERFILE)).as("the image's own health check")
                .contains("GET " + OpsAssets.READINESS_PATH + " ");
    }

    @Test
    void podsStopWithinTheirGraceKeepStateOnTheirVolumeAndRollOneAtATime() throws IOException {
        String entrypoint = Files.readAllLines(OpsAssets.DOCKERFILE).stream().filter(line -> line.startsWith("ENTRYPOINT"))
                .findFirst().orElseThrow();
        Matcher configFile = Pattern.compile("\"--config\", \"([^\"]+)\"").matcher(entrypoint);
        assertThat(configFile.find()).as("the image's entry point names its configuration file").isTrue();
        Path configPath = Path.of(configFile.group(1));
        for (String overlay : overlays.keySet()) {
            SchedulerConfig config = podConfiguration(overlay);
            JsonNode statefulSet = only(overlay, "StatefulSet");
            JsonNode spec = statefulSet.path("spec");
            JsonNode podSpec = spec.path("template").path("spec");
            JsonNode container = container(overlay);

            assertThat(Duration.ofSeconds(podSpec.path("terminationGracePeriodSeconds").asLong()))
                    .as(overlay + ": terminationGracePeriodSeconds above kafka.close-timeout")
                    .isGreaterThan(config.kafka().closeTimeout());

            JsonNode configMount = mountAt(container, configPath.getParent().toString());
            JsonNode configVolume = volumeNamed(podSpec, configMount.path("name").asText());
            assertThat(named(overlay, "ConfigMap", configVolume.path("configMap").path("name").asText())
                    .path("data").has(configPath.getFileName().toString()))
                    .as(overlay + ": the ConfigMap provides " + configPath).isTrue();

            Set<String> claims = new TreeSet<>();
            spec.path("volumeClaimTemplates").forEach(claim -> claims.add(claim.path("metadata").path("name").asText()));
            Path stateDir = config.kafka().stateDir();
            assertThat(stateDir.isAbsolute()).as(overlay + ": kafka.state-dir is absolute").isTrue();
            JsonNode stateMount = null;
            for (JsonNode mount : container.path("volumeMounts")) {
                if (stateDir.startsWith(Path.of(mount.path("mountPath").asText()))) {
                    stateMount = mount;
                }
            }
            assertThat(stateMount).as(overlay + ": " + stateDir + " is on a mounted volume").isNotNull();
            assertThat(claims).as(overlay + ": the state directory's volume is a claim per pod")
                    .contains(stateMount.path("name").asText());

            assertThat(spec.path("podManagementPolicy").asText()).isEqualTo("OrderedReady");
            assertThat(spec.path("updateStrategy").path("type").asText()).isEqualTo("RollingUpdate");
            assertThat(spec.path("updateStrategy").path("rollingUpdate").path("partition").asInt(0)).isZero();
            assertThat(spec.path("updateStrategy").path("rollingUpdate").path("maxUnavailable").asInt(1))
                    .as(overlay + ": one pod at a time").isEqualTo(1);

            Map<String, String> podLabels = labels(spec.path("template"));
            JsonNode budget = only(overlay, "PodDisruptionBudget");
            assertThat(budget.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
            assertThat(budget.path("spec").path("selector").path("matchLabels").isEmpty())
                    .as(overlay + ": a PodDisruptionBudget without a selector covers every pod").isFalse();
            assertThat(selects(budget.path("spec").path("selector").path("matchLabels"), podLabels))
                    .as(overlay + ": the budget covers the scheduler's pods").isTrue();

            JsonNode antiAffinity = podSpec.path("affinity").path("podAntiAffinity");
            List<JsonNode> terms = new ArrayList<>();
            antiAffinity.path("requiredDuringSchedulingIgnoredDuringExecution").forEach(terms::add);
            antiAffinity.path("preferredDuringSchedulingIgnoredDuringExecution")
                    .forEach(preferred -> terms.add(preferred.path("podAffinityTerm")));
            assertThat(terms).as(overlay + ": instances spread over nodes").anyMatch(term ->
                    term.path("topologyKey").asText().equals("kubernetes.io/hostname")
                            && selects(term.path("labelSelector").path("matchLabels"), podLabels));

            JsonNode resources = container.path("resources");
            assertThat(resources.path("requests").has("cpu") && resources.path("requests").has("memory")
                    && resources.path("limits").has("memory")).as(overlay + ": resources").isTrue();
            assertThat(spec.path("replicas").asInt())
                    .as(overlay + ": no more instances than ingress partitions (the rest would idle)")
                    .isBetween(1, config.topicProvisioning().partitions());
        }
        assertThat(only("production", "StatefulSet").path("spec").path("template").path("spec").path("affinity")
                .path("podAntiAffinity").has("requiredDuringSchedulingIgnoredDuringExecution"))
                .as("production: one instance per node, required").isTrue();
    }

    @Test
    void theKafkaTopicsAreThoseTheProvisionerWouldCreate() {
        for (String overlay : overlays.keySet()) {
            List<JsonNode> kafkaTopics = objects(overlay, "KafkaTopic");
            if (kafkaTopics.isEmpty()) {
                continue;
            }
            SchedulerConfig config = podConfiguration(overlay);
            assertThat(config.topicProvisioning().createMissing())
                    .as(overlay + ": with KafkaTopics, the application must not create topics").isFalse();
            Map<String, JsonNode> byName = new TreeMap<>();
            for (JsonNode topic : kafkaTopics) {
                String name = topic.path("spec").path("topicName").asText(name(topic));
                byName.put(name, topic);
            }
            assertThat(byName.keySet()).as(overlay + ": one KafkaTopic per topic of the configuration, no other")
                    .isEqualTo(new TreeSet<>(config.topics().byKey().values()));
            config.topics().byKey().forEach((key, name) -> {
                JsonNode spec = byName.get(name).path("spec");
                assertThat(spec.path("partitions").asInt()).as(overlay + ": " + name + " partitions")
                        .isEqualTo(config.topicProvisioning().partitions());
                assertThat(spec.path("replicas").asInt()).as(overlay + ": " + name + " replicas")
                        .isEqualTo(config.topicProvisioning().replicationFactor());
                Map<String, String> configs = new TreeMap<>();
                spec.path("config").fields().forEachRemaining(field -> configs.put(field.getKey(), field.getValue().asText()));
                assertThat(configs).as(overlay + ": " + name + " configs")
                        .isEqualTo(new TreeMap<>(config.topicProvisioning().configsOf(key)));
            });
            String cluster = strimziCluster(overlay);
            assertThat(config.kafka().bootstrapServers()).as(overlay + ": the bootstrap Service of the Strimzi cluster")
                    .startsWith(cluster + "-kafka-bootstrap:");
        }
    }

    @Test
    void theKafkaUserHoldsExactlyTheAclsTheApplicationNeeds() {
        for (String overlay : overlays.keySet()) {
            List<JsonNode> users = objects(overlay, "KafkaUser");
            if (users.isEmpty()) {
                continue;
            }
            assertThat(users).hasSize(1);
            JsonNode user = users.get(0);
            strimziCluster(overlay);
            assertThat(user.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
            assertThat(user.path("spec").path("authorization").path("type").asText()).isEqualTo("simple");
            Map<String, Set<String>> granted = new TreeMap<>();
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                assertThat(acl.path("type").asText("allow")).isEqualTo("allow");
                assertThat(acl.path("host").asText("*")).isEqualTo("*");
                String resource = acl.path("resource").path("type").asText() + " "
                        + acl.path("resource").path("patternType").asText("literal") + " " + acl.path("resource").path("name").asText();
                Set<String> operations = granted.computeIfAbsent(resource, r -> new TreeSet<>());
                acl.path("operations").forEach(operation -> operations.add(operation.asText()));
            }
            assertThat(granted).as(overlay + ": the KafkaUser's ACLs").isEqualTo(aclsTheApplicationNeeds(podConfiguration(overlay)));

            JsonNode jaas = variable(container(overlay), "KAFKA_SASL_JAAS_CONFIG").path("valueFrom").path("secretKeyRef");
            assertThat(jaas.path("name").asText()).as(overlay + ": the pods log in as this user (its Secret)")
                    .isEqualTo(name(user));
            assertThat(jaas.path("key").asText()).isEqualTo("sasl.jaas.config");
            JsonNode podSpec = only(overlay, "StatefulSet").path("spec").path("template").path("spec");
            String truststore = podConfiguration(overlay).kafka().clientProperties().get("ssl.truststore.location");
            JsonNode caMount = mountAt(container(overlay), Path.of(truststore).getParent().toString());
            JsonNode caSecret = volumeNamed(podSpec, caMount.path("name").asText()).path("secret");
            assertThat(caSecret.path("secretName").asText()).as(overlay + ": the cluster CA Strimzi publishes")
                    .isEqualTo(strimziCluster(overlay) + "-cluster-ca-cert");
            assertThat(caSecret.path("items").findValuesAsText("path")).contains(Path.of(truststore).getFileName().toString());
        }
    }

    /**
     * What the application touches, read from the code: the topology's sources (read) and sinks (write), the
     * dead-letter topic of its Streams properties, its internal topics (named after the application id),
     * its group and transactional ids, and the clients beside Kafka Streams (AdminWiring, MirrorWiring,
     * TriggerPublisher). Read and Write imply Describe, which every admin lookup here needs.
     */
    private static Map<String, Set<String>> aclsTheApplicationNeeds(SchedulerConfig config) {
        Map<String, Set<String>> acls = new TreeMap<>();
        String applicationId = config.kafka().applicationId();
        Set<String> configured = new TreeSet<>(config.topics().byKey().values());
        SchedulerMetrics metrics = new SchedulerMetrics(new SimpleMeterRegistry());
        Set<String> internal = new TreeSet<>();
        List<TopologyDescription.Node> nodes = new ArrayList<>();
        // the user may switch triggers.shared-path: the KafkaUser serves the topology of either
        for (org.eventscheduler.topology.trigger.SharedTriggerPath path
                : org.eventscheduler.topology.trigger.SharedTriggerPath.values()) {
            TopologyDescription description = SchedulerTopology.build(config.topology().withSharedTriggers(path), metrics)
                    .describe();
            description.subtopologies().forEach(subtopology -> nodes.addAll(subtopology.nodes()));
            description.globalStores().forEach(store -> nodes.add(store.source()));
        }
        for (TopologyDescription.Node node : nodes) {
            if (node instanceof TopologyDescription.Source source) {
                for (String topic : source.topicSet()) {
                    if (configured.contains(topic)) {
                        grant(acls, "topic literal " + topic, "Read");
                    } else {
                        internal.add(topic);
                    }
                }
            } else if (node instanceof TopologyDescription.Sink sink) {
                if (configured.contains(sink.topic())) {
                    grant(acls, "topic literal " + sink.topic(), "Write");
                } else {
                    internal.add(sink.topic());
                }
            }
        }
        assertThat(internal).as("the topology has internal (repartition) topics, named after the application id").isNotEmpty();
        grant(acls, "topic literal " + SchedulerTopology.streamsProperties(config.topics(), metrics)
                .get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG), "Write");
        // repartition topics and store changelogs: <application id>-<name>; created by Kafka Streams, records
        // of repartition topics deleted once processed
        grant(acls, "topic prefix " + applicationId + "-", "Create", "Read", "Write", "Delete");
        grant(acls, "group literal " + applicationId, "Read");
        if (config.kafka().processingGuarantee() == ProcessingGuarantee.EXACTLY_ONCE) {
            grant(acls, "transactionalId prefix " + applicationId + "-", "Write");
        }
        // the admin API (AdminWiring): IngressLagReader reads ingress records at the group's committed offsets,
        // DlqReader reads the DLQ, CommandWriter writes commands and trigger definitions
        grant(acls, "topic literal " + config.topics().ingress(), "Read");
        grant(acls, "topic literal " + config.topics().dlq(), "Read");
        grant(acls, "topic literal " + config.topics().control(), "Write");
        grant(acls, "topic literal " + config.topics().triggers(), "Write");
        // triggers.apply-on-start (TriggerPublisher) writes trigger definitions too: covered above
        if (config.mirror().enabled() && config.mirror().inProcess()) {
            grant(acls, "group literal " + MirrorWiring.groupId(config), "Read");
            grant(acls, "topic literal " + config.topics().paused(), "Read");
            if (config.mirror().dlqSummaries()) {
                grant(acls, "topic literal " + config.topics().dlq(), "Read");
            }
        }
        return acls;
    }

    private static void grant(Map<String, Set<String>> acls, String resource, String... operations) {
        acls.computeIfAbsent(resource, r -> new TreeSet<>()).addAll(List.of(operations));
    }

    @Test
    void thePodMonitorScrapesEveryPodAsTheJobTheRulesSelect() throws IOException {
        Matcher job = Pattern.compile("up\\{job=\"([^\"]+)\"}").matcher(Files.readString(OpsAssets.RULES));
        assertThat(job.find()).as("the instance-down alert selects a job").isTrue();
        for (String overlay : overlays.keySet()) {
            for (JsonNode monitor : objects(overlay, "PodMonitor")) {
                Map<String, String> podLabels = labels(only(overlay, "StatefulSet").path("spec").path("template"));
                assertThat(podLabels.get(monitor.path("spec").path("jobLabel").asText()))
                        .as(overlay + ": the job label comes from a pod label whose value is the job the rules select")
                        .isEqualTo(job.group(1));
                assertThat(selects(monitor.path("spec").path("selector").path("matchLabels"), podLabels)).isTrue();
                for (JsonNode endpoint : monitor.path("spec").path("podMetricsEndpoints")) {
                    portNamed(container(overlay), endpoint.path("port").asText());
                    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
                }
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePrometheusRuleHoldsTheRulesOfOpsPrometheus() throws IOException {
        String generated = prometheusRule(Files.readString(OpsAssets.RULES));
        if (Boolean.getBoolean("deploy.regenerate")) {
            Files.writeString(PROMETHEUS_RULE, generated);
        }
        assertThat(Files.readString(PROMETHEUS_RULE))
                .as(PROMETHEUS_RULE + " is generated from ops/prometheus/rules.yml: rerun this test with -Ddeploy.regenerate=true")
                .isEqualTo(generated);
        Map<String, Object> rules = OpsAssets.yaml(OpsAssets.RULES);
        JsonNode rendered = named("production", "PrometheusRule", "event-scheduler");
        assertThat(rendered.path("spec").path("groups")).as("the rendered PrometheusRule holds the same rules")
                .isEqualTo(JSON.valueToTree(rules.get("groups")));
    }

    /** ops/prometheus/rules.yml as a PrometheusRule: its groups under spec, indented, comments and all. */
    static String prometheusRule(String rulesFile) {
        List<String> lines = rulesFile.lines().toList();
        int groups = lines.indexOf("groups:");
        assertThat(groups).as("rules.yml has a top-level groups:").isNotNegative();
        StringBuilder out = new StringBuilder("""
                # Generated from ops/prometheus/rules.yml by KubernetesManifestsTest (-Ddeploy.regenerate=true):
                # edit that file, not this one. Its comments say how the rules are tested and which alerts
                # Alertmanager should inhibit.
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata:
                  name: event-scheduler
                spec:
                """);
        for (String line : lines.subList(groups, lines.size())) {
            out.append(line.isBlank() ? "" : "  " + line).append('\n');
        }
        return out.toString();
    }

    @Test
    void theDashboardConfigMapIsTheDashboardOfOpsGrafanaForTheSidecar() throws IOException {
        String dashboard = Files.readString(OpsAssets.DASHBOARD);
        if (Boolean.getBoolean("deploy.regenerate")) {
            Files.writeString(DASHBOARD_COPY, dashboard);
        }
        assertThat(Files.readString(DASHBOARD_COPY))
                .as(DASHBOARD_COPY + " is a copy of ops/grafana/dashboards/event-scheduler.json: rerun with -Ddeploy.regenerate=true")
                .isEqualTo(dashboard);
        JsonNode configMap = named("production", "ConfigMap", "event-scheduler-dashboard");
        assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        assertThat(JSON.readTree(configMap.path("data").path("event-scheduler.json").asText())).isEqualTo(JSON.readTree(dashboard));
    }

    @Test
    void theDeployGuideCreatesTheSecretTheManifestsReadAndNamesWhatExists() throws IOException {
        String guide = Files.readString(OpsAssets.DEPLOY_GUIDE);
        Set<String> documented = new TreeSet<>();
        Matcher literal = Pattern.compile("--from-literal=([a-z0-9.-]+)=").matcher(guide);
        while (literal.find()) {
            documented.add(literal.group(1));
        }
        assertThat(guide).contains("create secret generic " + APP_SECRET);
        Set<String> read = new TreeSet<>();
        for (String overlay : overlays.keySet()) {
            for (JsonNode variable : container(overlay).path("env")) {
                JsonNode secret = variable.path("valueFrom").path("secretKeyRef");
                if (secret.path("name").asText().equals(APP_SECRET)) {
                    read.add(secret.path("key").asText());
                }
            }
        }
        assertThat(documented).as("the keys the guide's Secret holds are those the pods read").isEqualTo(read)
                .isEqualTo(new TreeSet<>(APP_SECRET_SAMPLES.keySet()));

        Matcher path = Pattern.compile("deploy/kubernetes/[A-Za-z0-9./_-]*[A-Za-z0-9_-]").matcher(guide);
        while (path.find()) {
            assertThat(OpsAssets.ROOT.resolve(path.group())).as("the guide names " + path.group()).exists();
        }
        for (JsonNode acl : only("production", "KafkaUser").path("spec").path("authorization").path("acls")) {
            String resource = acl.path("resource").path("name").asText();
            assertThat(guide).as("the guide's list of ACLs names " + resource).contains("`" + resource + "`");
        }
    }

    // ---- the configuration a pod gets ------------------------------------------------------------------

    /** The configuration of pod event-scheduler-0 of the overlay: the ConfigMap's file and the container's variables. */
    private static SchedulerConfig podConfiguration(String overlay) {
        JsonNode statefulSet = only(overlay, "StatefulSet");
        JsonNode podSpec = statefulSet.path("spec").path("template").path("spec");
        JsonNode container = container(overlay);
        JsonNode configMount = mountAt(container, "/etc/event-scheduler");
        String configMapName = volumeNamed(podSpec, configMount.path("name").asText()).path("configMap").path("name").asText();
        String file = named(overlay, "ConfigMap", configMapName).path("data").path("scheduler.yaml").asText();
        try {
            Path copy = WORK.resolve(overlay + "-scheduler.yaml");
            Files.writeString(copy, file);
            return ConfigLoader.load(Optional.of(copy), environment(overlay, container));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The container's variables as the kubelet sets them: field and secret references resolved, $(VAR) expanded. */
    private static Map<String, String> environment(String overlay, JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        Set<String> kafkaUsers = new TreeSet<>();
        objects(overlay, "KafkaUser").forEach(user -> kafkaUsers.add(name(user)));
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            JsonNode from = variable.path("valueFrom");
            if (from.has("fieldRef")) {
                String field = from.path("fieldRef").path("fieldPath").asText();
                env.put(name, switch (field) {
                    case "metadata.name" -> POD;
                    case "metadata.namespace" -> NAMESPACE;
                    default -> throw new AssertionError(overlay + ": " + name + " reads an unexpected field " + field);
                });
            } else if (from.has("secretKeyRef")) {
                String secret = from.path("secretKeyRef").path("name").asText();
                String key = from.path("secretKeyRef").path("key").asText();
                if (secret.equals(APP_SECRET)) {
                    assertThat(APP_SECRET_SAMPLES).as(overlay + ": " + name + " reads a key of the documented Secret")
                            .containsKey(key);
                    env.put(name, APP_SECRET_SAMPLES.get(key));
                } else {
                    assertThat(kafkaUsers).as(overlay + ": " + name + " reads Secret " + secret
                            + ", which is neither the documented one nor a KafkaUser's").contains(secret);
                    assertThat(key).isEqualTo("sasl.jaas.config");
                    env.put(name, JAAS_SAMPLE);
                }
            } else {
                env.put(name, expand(variable.path("value").asText(), env));
            }
        }
        return env;
    }

    private static String expand(String value, Map<String, String> defined) {
        Matcher reference = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
        StringBuilder out = new StringBuilder();
        while (reference.find()) {
            String replacement = defined.getOrDefault(reference.group(1), reference.group());
            reference.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        reference.appendTail(out);
        return out.toString();
    }

    /** Every key of docs/configuration.md's table, and those below a documented mapping key. */
    private static Set<String> documentedConfigurationKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        Matcher row = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|", Pattern.MULTILINE)
                .matcher(Files.readString(OpsAssets.CONFIGURATION_DOCS));
        while (row.find()) {
            keys.add(row.group(1));
        }
        assertThat(keys).contains("kafka.bootstrap-servers", "admin.peer-token");
        return keys;
    }

    /** SCHEDULER_ADMIN__PEER_TOKEN → admin.peer-token, as ConfigLoader reads it. */
    private static String keyOf(String variable) {
        String path = variable.substring(ConfigLoader.ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT);
        return String.join(".", Stream.of(path.split("__")).map(part -> part.replace('_', '-')).toList());
    }

    // ---- reading the rendered objects --------------------------------------------------------------------

    private static List<JsonNode> objects(String overlay, String kind) {
        return overlays.get(overlay).stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
    }

    private static Set<String> kinds(String overlay) {
        Set<String> kinds = new TreeSet<>();
        overlays.get(overlay).forEach(object -> kinds.add(object.path("kind").asText()));
        return kinds;
    }

    private static JsonNode only(String overlay, String kind) {
        List<JsonNode> found = objects(overlay, kind);
        assertThat(found).as(overlay + ": one " + kind).hasSize(1);
        return found.get(0);
    }

    private static JsonNode named(String overlay, String kind, String name) {
        return objects(overlay, kind).stream().filter(object -> name(object).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private static JsonNode container(String overlay) {
        JsonNode containers = only(overlay, "StatefulSet").path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).as(overlay + ": one container").isEqualTo(1);
        return containers.get(0);
    }

    private static JsonNode variable(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no variable " + name);
    }

    private static JsonNode portNamed(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port;
            }
        }
        throw new AssertionError("the container has no port named " + name);
    }

    private static JsonNode mountAt(JsonNode container, String path) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals(path)) {
                return mount;
            }
        }
        throw new AssertionError("nothing is mounted at " + path);
    }

    private static JsonNode volumeNamed(JsonNode podSpec, String name) {
        for (JsonNode volume : podSpec.path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static Map<String, String> labels(JsonNode template) {
        Map<String, String> labels = new HashMap<>();
        template.path("metadata").path("labels").fields().forEachRemaining(field -> labels.put(field.getKey(), field.getValue().asText()));
        return labels;
    }

    /** Whether a selector (label → value) picks pods with these labels; an empty one is taken as picking nothing. */
    private static boolean selects(JsonNode selector, Map<String, String> podLabels) {
        if (selector.isEmpty()) {
            return false;
        }
        boolean[] all = {true};
        selector.fields().forEachRemaining(field -> all[0] &= field.getValue().asText().equals(podLabels.get(field.getKey())));
        return all[0];
    }

    /** The Strimzi cluster every KafkaTopic and KafkaUser of the overlay belongs to: one. */
    private static String strimziCluster(String overlay) {
        Set<String> clusters = new TreeSet<>();
        Stream.concat(objects(overlay, "KafkaTopic").stream(), objects(overlay, "KafkaUser").stream())
                .forEach(object -> clusters.add(object.path("metadata").path("labels").path("strimzi.io/cluster").asText()));
        assertThat(clusters).as(overlay + ": every Strimzi resource names its cluster, the same").hasSize(1)
                .doesNotContain("");
        return clusters.iterator().next();
    }
}
