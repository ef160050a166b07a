package org.eventscheduler.topology.dlq;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.event.InvalidReason;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose processing throws goes to the dead-letter topic (reason {@code processing-error}
 * unless the exception says otherwise) and processing goes on: one bad record never stalls a
 * partition. Kafka Streams builds the DLQ record; this adds the project's headers and counts it.
 */
public final class DeadLetterProcessingHandler extends LogAndContinueProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
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
        InvalidReason reason = DeadLetters.reasonOf(exception);
        metrics.deadLettered(reason);
        if (reason == InvalidReason.PROCESSING_ERROR) {
            LOG.atError()
                    .setCause(exception)
                    .addKeyValue("reason", reason.code())
                    .addKeyValue("origin", context.topic() + "-" + context.partition() + "@" + context.offset())
                    .log("processing failed in {}; the record goes to the dead-letter topic", context.processorNodeId());
        }
        return Response.resume(DeadLetters.annotate(response.deadLetterQueueRecords(), context, exception));
    }
}
