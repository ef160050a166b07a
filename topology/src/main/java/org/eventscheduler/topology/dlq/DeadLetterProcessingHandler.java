package org.eventscheduler.topology.dlq;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.metrics.SchedulerMetrics;

/**
 * A record whose processing throws goes to the dead-letter topic (reason {@code processing-error}
 * unless the exception says otherwise) and processing goes on: one bad record never stalls a
 * partition. Kafka Streams builds the DLQ record; this adds the project's headers and counts it.
 */
public final class DeadLetterProcessingHandler extends LogAndContinueProcessingExceptionHandler {
    private SchedulerMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        metrics = DeadLetters.metrics(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Response response = super.handleError(context, record, exception);
        if (DeadLetters.isInvalidEvent(exception)) {
            metrics.ingress(SchedulerMetrics.IngressOutcome.INVALID);
        }
        metrics.deadLettered(DeadLetters.reasonOf(exception));
        // DeadLetters logs it: a processing error at ERROR with the correlation id and the entity
        return Response.resume(DeadLetters.annotate(response.deadLetterQueueRecords(), context, exception));
    }
}
