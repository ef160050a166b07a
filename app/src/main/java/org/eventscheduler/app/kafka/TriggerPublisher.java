package org.eventscheduler.app.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.topology.trigger.InvalidTriggerException;
import org.eventscheduler.topology.trigger.TriggerDefinition;
import org.eventscheduler.topology.trigger.TriggerDefinitions;
import org.eventscheduler.topology.trigger.TriggerDefaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a YAML file of trigger definitions: validates every one (an error names the trigger and the
 * field, and nothing is written unless all are valid), then writes them to the triggers topic, keyed by
 * id. Used by {@code ./scheduler triggers apply FILE}, by {@code triggers.apply-on-start} and by the demo.
 *
 * <p>The file holds a list of definitions, or a mapping with a {@code triggers} list.
 */
public final class TriggerPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerPublisher.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private TriggerPublisher() {
    }

    /** Reads and validates the definitions of a YAML file. */
    public static List<TriggerDefinition> read(Path file, TriggerDefaults defaults) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), defaults);
        } catch (IOException e) {
            throw new InvalidTriggerFileException(file + ": cannot read: " + e.getMessage());
        }
    }

    public static List<TriggerDefinition> read(InputStream in, String name, TriggerDefaults defaults) {
        JsonNode root;
        try {
            root = YAML.readTree(in);
        } catch (IOException e) {
            throw new InvalidTriggerFileException(name + ": not valid YAML: " + e.getMessage());
        }
        JsonNode list = root != null && root.isObject() ? root.path("triggers") : root;
        if (list == null || !list.isArray()) {
            throw new InvalidTriggerFileException(name + ": expected a list of trigger definitions (or a 'triggers' list)");
        }
        List<TriggerDefinition> definitions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode node : list) {
            try {
                TriggerDefinition definition = TriggerDefinitions.read(node);
                TriggerDefinitions.compile(definition, defaults);
                if (!ids.add(definition.id())) {
                    throw new InvalidTriggerException(definition.id(), "id", "is defined twice in the file");
                }
                definitions.add(definition);
            } catch (InvalidTriggerException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidTriggerFileException(name + ": " + String.join("; ", problems));
        }
        return definitions;
    }

    /** Writes the definitions to the triggers topic and waits for the broker to acknowledge them. */
    public static void publish(SchedulerConfig config, List<TriggerDefinition> definitions, Duration timeout) {
        Properties props = producerProperties(config, timeout);
        String topic = config.topics().triggers();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (TriggerDefinition definition : definitions) {
                sent.add(producer.send(new ProducerRecord<>(topic, definition.id(), TriggerDefinitions.write(definition))));
            }
            for (Future<RecordMetadata> ack : sent) {
                ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write trigger definitions to " + topic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot write trigger definitions to " + topic + ": no answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing trigger definitions", e);
        }
        LOG.info("applied {} trigger definitions to {}: {}", definitions.size(), topic,
                definitions.stream().map(TriggerDefinition::id).toList());
    }

    /**
     * The publisher's producer: idempotent, acknowledged by every replica, one request in flight. The
     * triggers topic is often created a moment before the first write, while its partitions still move
     * to their leader; with several requests in flight, a first batch refused as "not leader" can be
     * overtaken by the next one, after which the broker refuses the retried first batch as out of
     * sequence until the delivery timeout (KAFKA-14359; seen in S1 runs of 2026-12-01).
     */
    static Properties producerProperties(SchedulerConfig config, Duration timeout) {
        Properties props = KafkaClients.properties(config, KafkaClients.Role.TRIGGER_PUBLISHER);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis() / 2, 30_000));
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    /** A file of definitions that cannot be applied; the message lists every problem. */
    public static final class InvalidTriggerFileException extends IllegalArgumentException {
        public InvalidTriggerFileException(String message) {
            super(message);
        }
    }
}
