package org.eventscheduler.admin.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.control.ControlCommandSerde;
import org.eventscheduler.topology.trigger.TriggerDefinition;
import org.eventscheduler.topology.trigger.TriggerDefinitions;

/**
 * Writes what operators ask for: commands to the control topic and trigger definitions (or their
 * tombstones) to the triggers topic, waiting for the broker's acknowledgement, so an accepted request
 * is durable.
 */
public final class CommandWriter implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String controlTopic;
    private final String triggersTopic;
    private final Duration timeout;
    private final ControlCommandSerde commands = new ControlCommandSerde();

    public CommandWriter(Properties clientProperties, String controlTopic, String triggersTopic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() / 2);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.controlTopic = controlTopic;
        this.triggersTopic = triggersTopic;
        this.timeout = timeout;
    }

    public void send(ControlCommand command, String correlationId) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(controlTopic, command.key(),
                commands.serializer().serialize(controlTopic, command));
        SchedulerHeaders.put(record.headers(), SchedulerHeaders.CORRELATION_ID, correlationId);
        await(record);
    }

    /** Writes a definition, audited in its headers: who, when, and the request's correlation id. */
    public void put(TriggerDefinition definition, String actor, Instant requestedAt, String correlationId) {
        await(audited(new ProducerRecord<>(triggersTopic, definition.id(), TriggerDefinitions.write(definition)),
                actor, requestedAt, correlationId));
    }

    /** Writes the tombstone of a definition, audited in its headers like {@link #put}. */
    public void delete(String triggerId, String actor, Instant requestedAt, String correlationId) {
        await(audited(new ProducerRecord<>(triggersTopic, triggerId, null), actor, requestedAt, correlationId));
    }

    private static ProducerRecord<String, byte[]> audited(ProducerRecord<String, byte[]> record, String actor,
                                                          Instant requestedAt, String correlationId) {
        SchedulerHeaders.put(record.headers(), SchedulerHeaders.ACTOR, actor);
        SchedulerHeaders.put(record.headers(), SchedulerHeaders.REQUESTED_AT, requestedAt.toString());
        SchedulerHeaders.put(record.headers(), SchedulerHeaders.CORRELATION_ID, correlationId);
        return record;
    }

    private void await(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new WriteFailedException("cannot write to " + record.topic() + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new WriteFailedException("cannot write to " + record.topic() + ": no acknowledgement within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteFailedException("interrupted while writing to " + record.topic());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(2));
    }

    /** Kafka did not take the write. */
    public static final class WriteFailedException extends RuntimeException {
        public WriteFailedException(String message) {
            super(message);
        }
    }
}
