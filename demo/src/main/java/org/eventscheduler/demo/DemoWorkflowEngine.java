package org.eventscheduler.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eventscheduler.topology.SchedulerTopology;
import org.eventscheduler.topology.trigger.WorkflowStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's stand-in for a workflow engine: reads {@code workflow.starts} and answers each start on
 * {@code workflow.start-results}. One workflow always fails, so that its trigger's breaker opens.
 */
public final class DemoWorkflowEngine implements AutoCloseable {
    /** The workflow this engine fails. */
    public static final String FAILING_WORKFLOW = "invoicing";
    private static final Logger LOG = LoggerFactory.getLogger(DemoWorkflowEngine.class);

    private final KafkaProducer<String, String> producer;
    private final String resultsTopic;
    private final PollingThread<String, WorkflowStart> polling;

    public DemoWorkflowEngine(String bootstrapServers, String startsTopic, String resultsTopic) {
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-workflow-engine");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, WorkflowStart> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                SchedulerTopology.workflowStartSerde().deserializer());
        consumer.subscribe(List.of(startsTopic));
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        this.resultsTopic = resultsTopic;
        this.polling = new PollingThread<>("demo-workflow-engine", consumer, Duration.ofMillis(200), this::answer);
    }

    public void start() {
        polling.start();
    }

    private void answer(ConsumerRecords<String, WorkflowStart> records) {
        for (ConsumerRecord<String, WorkflowStart> record : records) {
            WorkflowStart start = record.value();
            boolean fails = FAILING_WORKFLOW.equals(start.workflow());
            String result = "{\"eventId\":\"" + start.eventId() + "\",\"triggerId\":\"" + start.triggerId()
                    + "\",\"status\":\"" + (fails ? "FAILED" : "STARTED") + "\""
                    + (fails ? ",\"error\":\"invoice service unavailable\"" : "") + "}";
            ProducerRecord<String, String> answer = new ProducerRecord<>(resultsTopic, start.triggerId(), result);
            answer.headers().add("x-correlation-id", start.correlationId().getBytes(StandardCharsets.UTF_8));
            producer.send(answer, (metadata, error) -> {
                if (error != null) {
                    LOG.warn("demo workflow engine could not answer: {}", error.toString());
                }
            });
        }
    }

    @Override
    public void close() {
        polling.close();
        producer.close(Duration.ofSeconds(2));
    }
}
