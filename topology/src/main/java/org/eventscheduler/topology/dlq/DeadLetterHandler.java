package org.eventscheduler.topology.dlq;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.metrics.SchedulerMetrics;

/**
 * The deserialization and the processing exception handler: a record that cannot be read as a
 * CloudEvent, or whose processing throws (reason {@code processing-error} unless the exception says
 * otherwise), goes to the dead-letter topic and processing goes on: one bad record never stalls a
 * partition. Kafka Streams' own log-and-continue handlers build the DLQ record (when
 * {@code errors.dead.letter.queue.topic.name} is set); this one adds the reason code, correlation id
 * and source, and counts it. Kafka Streams makes one instance per role.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    private final LogAndContinueExceptionHandler deserialization = new LogAndContinueExceptionHandler();
    private final LogAndContinueProcessingExceptionHandler processing = new LogAndContinueProcessingExceptionHandler();
    private SchedulerMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        deserialization.configure(configs);
        processing.configure(configs);
        metrics = DeadLetters.metrics(configs);
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        var response = deserialization.handleError(context, record, exception);
        return DeserializationExceptionHandler.Response.resume(
                DeadLetters.route(metrics, response.deadLetterQueueRecords(), context, exception));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        var response = processing.handleError(context, record, exception);
        // DeadLetters logs it: a processing error at ERROR with the correlation id and the entity
        return ProcessingExceptionHandler.Response.resume(
                DeadLetters.route(metrics, response.deadLetterQueueRecords(), context, exception));
    }
}
