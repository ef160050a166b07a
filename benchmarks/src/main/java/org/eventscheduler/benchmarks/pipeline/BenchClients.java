package org.eventscheduler.benchmarks.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The harness's Kafka clients: topics, the input, and whether an application has caught up. */
final class BenchClients implements AutoCloseable {
    static final int PARTITIONS = 4;
    private final String bootstrap;
    private final Admin admin;

    BenchClients(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(props);
    }

    /** One input record: key (its source), value, timestamp. */
    record Event(String source, byte[] value, long timestamp) {
    }

    static byte[] event(long id, String source, String type) {
        return ("{\"specversion\":\"1.0\",\"id\":\"e-" + id + "\",\"source\":\"" + source + "\",\"type\":\"" + type
                + "\",\"data\":{\"order\":" + id + ",\"amount\":12.5,\"customer\":\"c-" + (id % 977) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    void createTopic(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
    }

    KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Writes {@code count} events to {@code topic} as fast as the broker takes them. */
    void preload(String topic, int count, IntFunction<Event> events) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Event event = events.apply(i);
                sent.add(producer.send(new ProducerRecord<>(topic, null, event.timestamp(),
                        event.source().getBytes(StandardCharsets.UTF_8), event.value())));
                if (sent.size() >= 10_000) {
                    for (Future<?> f : sent) {
                        f.get();
                    }
                    sent.clear();
                }
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
    }

    /** One input of an application: what its group has committed and how far the topic goes (summed over partitions). */
    record Hop(long committed, long end) {
        long behind() {
            return Math.max(0, end - committed);
        }
    }

    /**
     * Every input of every sub-topology of the application, by topic: the ingress topic and the
     * application's repartition topics, whether or not the group has committed on them yet.
     */
    Map<String, Hop> hops(String applicationId, String input) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String topic : admin.listTopics().names().get()) {
            if (topic.equals(input) || (topic.startsWith(applicationId + "-") && topic.endsWith("-repartition"))) {
                admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                        .forEach(partition -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
            }
        }
        var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        Map<String, Hop> hops = new java.util.TreeMap<>();
        for (var end : ends.entrySet()) {
            OffsetAndMetadata position = committed.get(end.getKey());
            Hop partition = new Hop(position == null ? 0 : Math.min(position.offset(), end.getValue().offset()),
                    end.getValue().offset());
            hops.merge(end.getKey().topic(), partition, (a, b) -> new Hop(a.committed() + b.committed(), a.end() + b.end()));
        }
        return hops;
    }

    /** Records the application's group has not yet committed, over every input of every sub-topology. */
    long behind(String applicationId, String input) throws ExecutionException, InterruptedException {
        return hops(applicationId, input).values().stream().mapToLong(Hop::behind).sum();
    }

    /** Deletes every topic whose name holds {@code runId}: a run's outputs and internal topics, not the shared input. */
    void deleteTopicsOf(String runId) throws ExecutionException, InterruptedException {
        List<String> topics = admin.listTopics().names().get().stream().filter(name -> name.contains(runId)).toList();
        if (!topics.isEmpty()) {
            admin.deleteTopics(topics).all().get();
        }
    }

    /** Waits until {@link #behind} is 0; returns when that was seen (nanoTime). */
    long awaitCaughtUp(String applicationId, String input, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (behind(applicationId, input) == 0) {
                return System.nanoTime();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(applicationId + " did not catch up within " + timeout);
    }

    KafkaConsumer<byte[], byte[]> consumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
