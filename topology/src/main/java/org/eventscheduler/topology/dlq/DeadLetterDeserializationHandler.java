package org.eventscheduler.topology.dlq;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.eventscheduler.topology.metrics.SchedulerMetrics;

/**
 * A record that cannot be read as a CloudEvent goes to the dead-letter topic and processing goes on.
 * Kafka Streams' own handler builds the DLQ record (when {@code errors.dead.letter.queue.topic.name}
 * is set); this one adds the reason code, correlation id and source, and counts it.
 */
public final class DeadLetterDeserializationHandler extends LogAndContinueExceptionHandler {
    private SchedulerMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        metrics = DeadLetters.metrics(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        Response response = super.handleError(context, record, exception);
        if (DeadLetters.isInvalidEvent(exception)) {
            metrics.ingress(SchedulerMetrics.IngressOutcome.INVALID);
        }
        metrics.deadLettered(DeadLetters.reasonOf(exception));
        return Response.resume(DeadLetters.annotate(response.deadLetterQueueRecords(), context, exception));
    }
}
