package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.TopicProvisioning;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.kafka.TopicProvisioner;
import org.eventscheduler.app.kafka.TopicProvisioner.TopicProvisioningException;
import org.eventscheduler.topology.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Start-up topic provisioning against the embedded broker: missing topics are created with the
 * configured partitions and configs ({@code scheduler.paused} compacted), and every way it cannot
 * make the topics ready stops start-up with a message that says which topics and why.
 */
class TopicProvisionerIT {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static EmbeddedKafkaBroker broker;
    static Admin admin;
    static TopicProvisioning defaults;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start(0);
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        admin = Admin.create(props);
        defaults = ConfigLoader.load(Optional.empty(), Map.of()).topicProvisioning();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static Topics topics() {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        return new Topics("ingress" + suffix, "accepted" + suffix, "throttled" + suffix, "dlq" + suffix,
                "paused" + suffix, "triggers" + suffix, "control" + suffix, "starts" + suffix, "results" + suffix,
                "grants" + suffix);
    }

    @Test
    void shouldCreateTheMissingTopicsWithTheirPartitionsAndConfigs() throws Exception {
        Topics topics = topics();
        List<String> created = TopicProvisioner.ensureTopics(admin, topics, defaults, TIMEOUT);

        assertThat(created).containsExactlyInAnyOrderElementsOf(topics.byKey().values());
        var described = admin.describeTopics(topics.byKey().values()).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(defaults.partitions()));
        ConfigResource paused = new ConfigResource(ConfigResource.Type.TOPIC, topics.paused());
        Config config = admin.describeConfigs(List.of(paused)).all().get(30, TimeUnit.SECONDS).get(paused);
        assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        // a second start creates nothing
        assertThat(TopicProvisioner.ensureTopics(admin, topics, defaults, TIMEOUT)).isEmpty();
    }

    @Test
    void shouldStopWhenTopicsAreMissingAndCreatingThemIsOff() {
        Topics topics = topics();
        TopicProvisioning off = new TopicProvisioning(false, 4, (short) 1, defaults.configs());
        assertThatThrownBy(() -> TopicProvisioner.ensureTopics(admin, topics, off, TIMEOUT))
                .isInstanceOf(TopicProvisioningException.class)
                .hasMessageContaining(topics.ingress()).hasMessageContaining(topics.paused())
                .hasMessageEndingWith("do not exist and topic-provisioning.create-missing is false; create them or enable it");
    }

    @Test
    void shouldStopWithKafkasReasonWhenTheTopicsCannotBeCreated() {
        Topics topics = topics();
        TopicProvisioning threeReplicas = new TopicProvisioning(true, 4, (short) 3, defaults.configs());
        assertThatThrownBy(() -> TopicProvisioner.ensureTopics(admin, topics, threeReplicas, TIMEOUT))
                .isInstanceOf(TopicProvisioningException.class)
                .hasMessageStartingWith("cannot create topics [")
                .hasMessageContaining(topics.ingress())
                .hasMessageContaining("replication factor");
    }

    @Test
    void shouldRefuseControlOrResultTopicsWithMorePartitionsThanIngress() throws Exception {
        Topics topics = topics();
        admin.createTopics(List.of(new NewTopic(topics.control(), 8, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> TopicProvisioner.ensureTopics(admin, topics, defaults, TIMEOUT))
                .isInstanceOf(TopicProvisioningException.class)
                .hasMessage("topics [" + topics.control() + " (8)] have more partitions than " + topics.ingress()
                        + " (4); give them at most as many, or add partitions to " + topics.ingress());
    }
}
