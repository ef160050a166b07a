package org.eventscheduler.app.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eventscheduler.app.config.TopicProvisioning;
import org.eventscheduler.topology.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the application's topics exist before Kafka Streams starts: creates the missing ones with
 * the configured partitions, replication and topic configs ({@code scheduler.paused} compacted), or
 * stops start-up with a message saying which topics are missing and why they could not be created.
 * Internal topics (repartition, changelogs) are Kafka Streams' own business.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /** Creates what is missing; returns the names it created. */
    public static List<String> ensureTopics(Admin admin, Topics topics, TopicProvisioning provisioning,
                                            Duration timeout) {
        Set<String> existing = await(admin.listTopics().names(), timeout, "list topics");
        List<NewTopic> missing = new ArrayList<>();
        for (Map.Entry<String, String> topic : topics.byKey().entrySet()) {
            if (!existing.contains(topic.getValue())) {
                // the grants are written to the source partition they are for: as many partitions as ingress
                int partitions = topic.getValue().equals(topics.triggerGrants()) && existing.contains(topics.ingress())
                        ? describeWhenVisible(admin, List.of(topics.ingress()), timeout).get(topics.ingress())
                                .partitions().size()
                        : provisioning.partitions();
                missing.add(new NewTopic(topic.getValue(), partitions, provisioning.replicationFactor())
                        .configs(provisioning.configsOf(topic.getKey())));
            }
        }
        List<String> names = missing.stream().map(NewTopic::name).sorted().toList();
        if (!missing.isEmpty()) {
            create(admin, missing, names, provisioning, timeout);
        }
        requireCopartitionedInputs(admin, topics, timeout);
        return names;
    }

    private static void create(Admin admin, List<NewTopic> missing, List<String> names, TopicProvisioning provisioning,
                               Duration timeout) {
        if (!provisioning.createMissing()) {
            throw new TopicProvisioningException("topics " + names
                    + " do not exist and topic-provisioning.create-missing is false; create them or enable it");
        }
        try {
            admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new TopicProvisioningException("cannot create topics " + names + ": " + e.getCause().getMessage(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new TopicProvisioningException("cannot create topics " + names + ": no answer from Kafka within "
                    + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicProvisioningException("interrupted while creating topics " + names);
        }
        LOG.info("created topics {} ({} partitions, replication factor {})", names, provisioning.partitions(),
                provisioning.replicationFactor());
    }

    /**
     * The control and start-results topics are read in the same sub-topology as the ingress topic, and
     * Kafka Streams sizes the by-source repartition topic by the largest of them; with more partitions
     * than ingress, events keyed by source would land in another task than their source's state. The
     * trigger-grants topic is written to the source partition a grant is for: it needs exactly as many.
     */
    static void requireCopartitionedInputs(Admin admin, Topics topics, Duration timeout) {
        Map<String, Integer> partitions = new java.util.HashMap<>();
        describeWhenVisible(admin, List.of(topics.ingress(), topics.control(), topics.startResults(),
                topics.triggerGrants()), timeout)
                .forEach((name, description) -> partitions.put(name, description.partitions().size()));
        int ingress = partitions.get(topics.ingress());
        int grants = partitions.get(topics.triggerGrants());
        if (grants != ingress) {
            throw new TopicProvisioningException("topic " + topics.triggerGrants() + " has " + grants
                    + " partitions and " + topics.ingress() + " " + ingress + "; give it exactly as many (a grant is"
                    + " written to the partition of the source task it is for)");
        }
        List<String> larger = java.util.stream.Stream.of(topics.control(), topics.startResults())
                .filter(topic -> partitions.get(topic) > ingress)
                .map(topic -> topic + " (" + partitions.get(topic) + ")")
                .toList();
        if (!larger.isEmpty()) {
            throw new TopicProvisioningException("topics " + larger + " have more partitions than " + topics.ingress()
                    + " (" + ingress + "); give them at most as many, or add partitions to " + topics.ingress());
        }
    }

    /** Topics just created become visible to describe calls once their metadata reaches the broker answering. */
    private static Map<String, org.apache.kafka.clients.admin.TopicDescription> describeWhenVisible(
            Admin admin, List<String> names, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw new TopicProvisioningException("cannot describe topics " + names + ": " + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (TimeoutException e) {
                throw new TopicProvisioningException("cannot describe topics " + names + ": no answer within " + timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("interrupted while describing topics " + names);
            }
        }
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TopicProvisioningException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicProvisioningException("cannot " + what + ": no answer from Kafka within " + timeout
                    + " (is kafka.bootstrap-servers right?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicProvisioningException("interrupted while trying to " + what);
        }
    }

    /** The topics cannot be made ready; the message says what and why. */
    public static final class TopicProvisioningException extends IllegalStateException {
        public TopicProvisioningException(String message) {
            super(message);
        }

        /** @param cause what Kafka answered (an authentication failure is told apart by the command line) */
        public TopicProvisioningException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
