package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.app.ops.OpsAssets;
import org.junit.jupiter.api.Test;

/**
 * The KafkaUser of deploy/kubernetes/components/strimzi, on a real broker that enforces ACLs: a broker
 * with SCRAM-SHA-512 and Kafka's StandardAuthorizer holds exactly the user's ACLs and the topics of the
 * KafkaTopic resources, and the scheduler runs as that user with the production configuration (exactly
 * once, the mirror, the admin API, triggers applied at start-up). Everything it does (Kafka Streams,
 * dead letters, the admin API's readers and writers, the mirror) must work with no request of the user
 * denied, and every ACL must be used: none missing, none to spare. The broker's authorizer records each
 * decision about the user.
 */
class KafkaUserAclsIT {
    static final String USER = "event-scheduler";
    static final String PASSWORD = "acl-test-password";
    static final String OPERATOR = "operator-token-0123456789";
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final Path COMPONENT = OpsAssets.KUBERNETES.resolve("components/strimzi");

    /** The authorizer the broker runs: Kafka's own, recording its decisions about the scheduler's user. */
    public static final class RecordingAuthorizer extends StandardAuthorizer {
        static final ConcurrentLinkedQueue<Decision> DECISIONS = new ConcurrentLinkedQueue<>();

        @Override
        public List<AuthorizationResult> authorize(AuthorizableRequestContext context, List<Action> actions) {
            List<AuthorizationResult> results = super.authorize(context, actions);
            if (context.principal().getName().equals(USER)) {
                for (int i = 0; i < actions.size(); i++) {
                    Action action = actions.get(i);
                    DECISIONS.add(new Decision(action.resourcePattern(), action.operation(),
                            results.get(i) == AuthorizationResult.ALLOWED, action.logIfDenied()));
                }
            }
            return results;
        }
    }

    record Decision(ResourcePattern resource, AclOperation operation, boolean allowed, boolean logIfDenied) {
    }

    @Test
    void theSchedulerDoesEverythingAsTheKafkaUserAndUsesEachOfItsAcls() throws Exception {
        Path dir = Files.createTempDirectory("kafka-user-acls-it-");
        int plaintext = EmbeddedKafkaBroker.freePort();
        int controller = EmbeddedKafkaBroker.freePort();
        int sasl = EmbeddedKafkaBroker.freePort();
        List<AclBinding> acls = userAcls();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), plaintext, controller, true, Map.of(
                "listeners", "PLAINTEXT://localhost:" + plaintext + ",CONTROLLER://localhost:" + controller
                        + ",CLIENT://localhost:" + sasl,
                "advertised.listeners", "PLAINTEXT://localhost:" + plaintext + ",CLIENT://localhost:" + sasl,
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,CLIENT:SASL_PLAINTEXT",
                "listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512",
                "listener.name.client.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "authorizer.class.name", RecordingAuthorizer.class.getName(),
                // the broker and controller talk over the PLAINTEXT listeners, as do this test's own clients
                "super.users", "User:ANONYMOUS"));
             EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD))).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            admin.createTopics(kafkaTopics()).all().get(30, TimeUnit.SECONDS);

            SchedulerConfig config = configuration(broker, sasl, dir, postgres);
            try (SchedulerInstance instance = SchedulerInstance.start(config, false)) {
                assertThat(instance.runner().awaitRunning(TIMEOUT)).as("Kafka Streams RUNNING as " + USER).isTrue();
                exercise(broker, config, instance);
                // the requests happened (whether they were allowed is judged below)
                await("the mirror joined its group", () -> asked(ResourceType.GROUP, config.mirror().groupIdFor(
                        config.kafka().applicationId()), AclOperation.READ));
                await("Kafka Streams purged a repartition topic", () -> RecordingAuthorizer.DECISIONS.stream().anyMatch(d ->
                        d.operation() == AclOperation.DELETE && d.resource().resourceType() == ResourceType.TOPIC));
                assertThat(instance.runner().state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        }

        List<Decision> denied = RecordingAuthorizer.DECISIONS.stream().filter(d -> !d.allowed() && d.logIfDenied()).toList();
        assertThat(names(denied)).as("requests of " + USER + " the broker denied (an ACL missing)").isEmpty();
        List<String> unused = new ArrayList<>();
        for (AclBinding acl : acls) {
            // needed: some request it allowed, which no other ACL would have allowed
            boolean needed = RecordingAuthorizer.DECISIONS.stream().anyMatch(d -> d.allowed() && grants(acl, d)
                    && acls.stream().noneMatch(other -> other != acl && grants(other, d)));
            if (!needed) {
                unused.add(acl.entry().operation() + " on " + acl.pattern());
            }
        }
        assertThat(unused).as("ACLs of the KafkaUser no request needed (one too many)").isEmpty();
    }

    /**
     * What a day of the scheduler does: events and their workflow starts, a dead letter, a start result, an
     * operator's pause and an event it holds back, the DLQ and health pages of the admin API.
     */
    private static void exercise(EmbeddedKafkaBroker broker, SchedulerConfig config, SchedulerInstance instance) throws Exception {
        String bootstrap = broker.bootstrapServers();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap)) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), null, AdminApiIT.event("o-" + i, "orders", "order.created")));
            }
            producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes("legacy"),
                    AdminApiIT.bytes("{\"specversion\":\"1.0\",\"id\":\"bad\",\"source\":\"legacy\"}")));
            producer.send(new ProducerRecord<>(config.topics().startResults(), AdminApiIT.bytes("t-orders"),
                    AdminApiIT.bytes("{\"eventId\":\"o-0\",\"triggerId\":\"t-orders\",\"status\":\"started\"}")));
        }
        KafkaTestClients.readCommitted(bootstrap, config.topics().workflowStarts(), 5, TIMEOUT, Duration.ZERO);
        KafkaTestClients.readCommitted(bootstrap, config.topics().dlq(), 1, TIMEOUT, Duration.ZERO);

        HttpClient http = HttpClient.newHttpClient();
        String api = "http://localhost:" + instance.adminPort();
        HttpResponse<String> pause = http.send(HttpRequest.newBuilder(URI.create(api + "/admin/sources/orders/pause"))
                .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"acl test\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pause.statusCode()).as(pause.body()).isBetween(200, 299);
        KafkaTestClients.awaitRecord(bootstrap, config.topics().paused(),
                r -> new String(r.key(), StandardCharsets.UTF_8).equals("source:orders"), TIMEOUT);
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap)) {
            producer.send(new ProducerRecord<>(config.topics().ingress(), null, AdminApiIT.event("held", "orders", "order.created")));
        }
        KafkaTestClients.readCommitted(bootstrap, config.topics().throttled(), 1, TIMEOUT, Duration.ZERO);
        HttpResponse<String> dlq = http.send(HttpRequest.newBuilder(URI.create(api + "/admin/dlq?limit=5"))
                .header("Authorization", "Bearer " + OPERATOR).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(dlq.statusCode()).as(dlq.body()).isEqualTo(200);
        assertThat(dlq.body()).contains("missing-attribute");
        await("GET /admin/event-health answers completely, the mirror caught up", () -> {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(api + "/admin/event-health"))
                    .header("Authorization", "Bearer " + OPERATOR).build(), HttpResponse.BodyHandlers.ofString());
            return health.body().contains("\"complete\":true") && health.body().matches("(?s).*\"mirror\":\\{[^}]*\"lagRecords\":0.*");
        });
    }

    /** The production configuration, as a pod of the production overlay gets it, pointed at this broker and database. */
    private static SchedulerConfig configuration(EmbeddedKafkaBroker broker, int sasl, Path dir, EmbeddedPostgres postgres)
            throws Exception {
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, "- {id: t-orders, source: orders, type: order.created, workflow: fulfil}\n");
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_KAFKA__BOOTSTRAP_SERVERS", "localhost:" + sasl);
        env.put("SCHEDULER_TOPIC_PROVISIONING__CREATE_MISSING", "false");
        // as components/strimzi/statefulset-kafka-user.yaml, without TLS; purging repartition topics every
        // half second (default 30 s) so that the test sees Kafka Streams use its Delete ACL
        env.put("SCHEDULER_KAFKA__CLIENT_PROPERTIES", "{security.protocol: SASL_PLAINTEXT, sasl.mechanism: SCRAM-SHA-512, "
                + "sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                + "\" password=\"" + PASSWORD + "\";', repartition.purge.interval.ms: '500'}");
        env.put("SCHEDULER_KAFKA__STATE_DIR", dir.resolve("state").toString());
        env.put("SCHEDULER_KAFKA__NUM_STREAM_THREADS", "1");
        env.put("SCHEDULER_KAFKA__CLOSE_TIMEOUT", "20s");
        env.put("SCHEDULER_INSTANCE_ID", "event-scheduler-0");
        env.put("SCHEDULER_ADMIN__PORT", "0");
        env.put("SCHEDULER_ADMIN__ADVERTISED_HOST", "localhost");
        env.put("SCHEDULER_ADMIN__PEER_TOKEN", "peer-token-0123456789abc");
        env.put("SCHEDULER_ADMIN__TOKENS", "[{\"name\":\"ops\",\"role\":\"operator\",\"token\":\"" + OPERATOR + "\"}]");
        env.put("SCHEDULER_MIRROR__JDBC_URL", MirrorChecks.createDatabase(postgres.getJdbcUrl("postgres", "postgres"), "acls"));
        env.put("SCHEDULER_MIRROR__USERNAME", "postgres");
        env.put("SCHEDULER_MIRROR__PASSWORD", "postgres");
        env.put("SCHEDULER_TRIGGERS__APPLY_ON_START", triggers.toString());
        return ConfigLoader.load(Optional.of(OpsAssets.KUBERNETES.resolve("overlays/production/scheduler.yaml")), env);
    }

    /** The ACLs of kafkauser.yaml, as Strimzi's User Operator creates them. */
    @SuppressWarnings("unchecked")
    private static List<AclBinding> userAcls() {
        Map<String, Object> user = OpsAssets.yaml(COMPONENT.resolve("kafkauser.yaml"));
        Map<String, Object> authorization = (Map<String, Object>) ((Map<String, Object>) user.get("spec")).get("authorization");
        List<AclBinding> bindings = new ArrayList<>();
        for (Map<String, Object> acl : (List<Map<String, Object>>) authorization.get("acls")) {
            Map<String, Object> resource = (Map<String, Object>) acl.get("resource");
            ResourceType type = switch ((String) resource.get("type")) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                case "cluster" -> ResourceType.CLUSTER;
                default -> throw new AssertionError("resource type " + resource.get("type"));
            };
            String name = type == ResourceType.CLUSTER ? "kafka-cluster" : (String) resource.get("name");
            PatternType pattern = "prefix".equals(resource.get("patternType")) ? PatternType.PREFIXED : PatternType.LITERAL;
            for (String operation : (List<String>) acl.get("operations")) {
                AclOperation op = AclOperation.fromString(operation.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
                assertThat(op).as(operation).isNotEqualTo(AclOperation.UNKNOWN);
                bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
                        new AccessControlEntry("User:" + USER, "*", op, AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }

    /** The topics of kafkatopics.yaml with their configs; two partitions and one replica suffice on one broker. */
    @SuppressWarnings("unchecked")
    private static List<NewTopic> kafkaTopics() throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (Object document : new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(COMPONENT.resolve("kafkatopics.yaml")))) {
            Map<String, Object> topic = (Map<String, Object>) document;
            if (topic == null) {
                continue;
            }
            Map<String, Object> spec = (Map<String, Object>) topic.get("spec");
            Map<String, String> configs = new HashMap<>();
            ((Map<String, Object>) spec.getOrDefault("config", Map.of())).forEach((k, v) -> configs.put(k, String.valueOf(v)));
            String name = (String) ((Map<String, Object>) topic.get("metadata")).get("name");
            topics.add(new NewTopic(name, 2, (short) 1).configs(configs));
        }
        assertThat(topics).hasSize(10);
        return topics;
    }

    /** Whether an ACL allows a decision's operation on its resource: its own operation, or one it implies. */
    private static boolean grants(AclBinding acl, Decision decision) {
        AclOperation granted = acl.entry().operation();
        AclOperation asked = decision.operation();
        boolean covers = granted == asked || granted == AclOperation.ALL
                || asked == AclOperation.DESCRIBE && Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE,
                        AclOperation.ALTER).contains(granted)
                || asked == AclOperation.DESCRIBE_CONFIGS && granted == AclOperation.ALTER_CONFIGS;
        return covers && matches(acl.pattern(), decision.resource());
    }

    private static boolean matches(ResourcePattern acl, ResourcePattern resource) {
        if (acl.resourceType() != resource.resourceType()) {
            return false;
        }
        return acl.patternType() == PatternType.PREFIXED ? resource.name().startsWith(acl.name()) : resource.name().equals(acl.name());
    }

    private static boolean asked(ResourceType type, String name, AclOperation operation) {
        return RecordingAuthorizer.DECISIONS.stream().anyMatch(d -> d.operation() == operation
                && d.resource().resourceType() == type && d.resource().name().equals(name));
    }

    private static void await(String what, Polling.Condition condition) throws Exception {
        Polling.await(what, TIMEOUT, condition);
    }

    private static Set<String> names(List<Decision> decisions) {
        Set<String> names = new TreeSet<>();
        decisions.forEach(d -> names.add(d.operation() + " on " + d.resource()));
        return names;
    }
}
