package org.eventscheduler.topology.dlq;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.eventscheduler.topology.Origins;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.Tracing;
import org.eventscheduler.topology.event.InvalidEventException;
import org.eventscheduler.topology.reject.InvalidReason;
import org.eventscheduler.topology.reject.RejectedRecordException;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds this project's headers to the dead-letter records Kafka Streams builds (KIP-1034: raw key and
 * value, original headers, {@code __streams.errors.*}): the reason code, the correlation id, the
 * source where it is known, and {@code scheduler.origin}, the ingress coordinates of the record behind
 * it (which differ from Kafka Streams' own when the failure happened after a repartition). Used by
 * {@link DeadLetterHandler} for both ways a record gets there.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** Streams configuration key under which the topology's {@link SchedulerMetrics} reach the handlers. */
    public static final String METRICS_CONFIG = "scheduler.metrics";

    private DeadLetters() {
    }

    static SchedulerMetrics metrics(Map<String, ?> configs) {
        if (configs.get(METRICS_CONFIG) instanceof SchedulerMetrics metrics) {
            return metrics;
        }
        throw new ConfigException(METRICS_CONFIG, configs.get(METRICS_CONFIG),
                "the exception handlers need the topology's SchedulerMetrics; see SchedulerTopology.streamsProperties");
    }

    private static InvalidReason reasonOf(Exception exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof RejectedRecordException rejected) {
                return rejected.reason();
            }
        }
        return InvalidReason.PROCESSING_ERROR;
    }

    /**
     * What both handlers do with the dead-letter records Kafka Streams built: count the record (an invalid
     * ingress event also as an ingress outcome), log it and add this project's headers to them.
     */
    static List<ProducerRecord<byte[], byte[]>> route(SchedulerMetrics metrics,
                                                      List<ProducerRecord<byte[], byte[]>> records,
                                                      ErrorHandlerContext context, Exception exception) {
        if (invalidEvent(exception).isPresent()) {
            metrics.ingress(SchedulerMetrics.IngressOutcome.INVALID);
        }
        metrics.deadLettered(reasonOf(exception));
        return annotate(records, context, exception);
    }

    private static List<ProducerRecord<byte[], byte[]>> annotate(List<ProducerRecord<byte[], byte[]>> records,
                                                                 ErrorHandlerContext context, Exception exception) {
        InvalidReason reason = reasonOf(exception);
        var invalid = invalidEvent(exception);
        String correlationId = invalid.flatMap(InvalidEventException::correlationId)
                .or(() -> SchedulerHeaders.lastString(context.headers(), SchedulerHeaders.CORRELATION_ID))
                .orElseGet(() -> context.topic() + "-" + context.partition() + "@" + context.offset());
        var source = invalid.flatMap(InvalidEventException::source)
                .or(() -> SchedulerHeaders.lastString(context.headers(), SchedulerHeaders.SOURCE));
        Tracing.decision("scheduler.dlq.route", Tracing.contextOf(context.headers()), span -> {
            span.setAttribute(Tracing.REASON, reason.code());
            span.setAttribute(Tracing.CORRELATION_ID, correlationId);
            source.ifPresent(s -> span.setAttribute(Tracing.SOURCE, s));
        }, () -> {
            String entity = source.map(s -> "source:" + s).orElse("unknown");
            String origin = context.topic() + "-" + context.partition() + "@" + context.offset();
            if (reason == InvalidReason.PROCESSING_ERROR) {
                // a bug to look at, with its cause; invalid input is expected and counted, so only DEBUG
                LOG.atError()
                        .setCause(exception)
                        .addKeyValue("correlation_id", correlationId)
                        .addKeyValue("entity", entity)
                        .addKeyValue("reason", reason.code())
                        .addKeyValue("origin", origin)
                        .log("processing failed in {}; the record goes to the dead-letter topic", context.processorNodeId());
            } else {
                LOG.atDebug()
                        .addKeyValue("correlation_id", correlationId)
                        .addKeyValue("entity", entity)
                        .addKeyValue("reason", reason.code())
                        .log("dead-lettered a record from {}: {}", origin, exception.getMessage());
            }
            for (ProducerRecord<byte[], byte[]> record : records) {
                SchedulerHeaders.put(record.headers(), SchedulerHeaders.REASON, reason.code());
                SchedulerHeaders.put(record.headers(), SchedulerHeaders.CORRELATION_ID, correlationId);
                source.ifPresent(s -> SchedulerHeaders.put(record.headers(), SchedulerHeaders.SOURCE, s));
                if (record.headers().lastHeader(SchedulerHeaders.ORIGIN) == null) {
                    SchedulerHeaders.put(record.headers(), SchedulerHeaders.ORIGIN,
                            context.topic() + "-" + context.partition() + "@" + context.offset());
                }
                Tracing.inject(record.headers());
            }
        });
        return records;
    }

    /** Kafka Streams' dead-letter headers (KIP-1034), which this project's dead letters of rejected input carry too. */
    public static final String ERRORS_EXCEPTION = "__streams.errors.exception";
    public static final String ERRORS_MESSAGE = "__streams.errors.message";
    public static final String ERRORS_TOPIC = "__streams.errors.topic";
    public static final String ERRORS_PARTITION = "__streams.errors.partition";
    public static final String ERRORS_OFFSET = "__streams.errors.offset";

    /**
     * The headers of the dead letter of an invalid event that names its source, routed by the source stage
     * through an explicit branch and sink (an expected outcome, not thrown): the record's own headers, the
     * reason, correlation id, source and origin as for every dead letter, and Kafka Streams' own
     * {@code __streams.errors.*} headers (exception, message, the input record's coordinates), as its
     * handler writes them, so that a dead-letter reader sees one shape. No stack trace: the reason says why.
     */
    public static Headers rejected(Headers original, InvalidEventException error, ProcessingContext context) {
        Headers headers = new RecordHeaders(original.toArray());
        InvalidReason reason = error.reason();
        Origins.stampIfAbsent(headers, context);
        String origin = SchedulerHeaders.lastString(headers, SchedulerHeaders.ORIGIN).orElse("unknown");
        String correlationId = error.correlationId().orElse(origin);
        SchedulerHeaders.put(headers, SchedulerHeaders.REASON, reason.code());
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, correlationId);
        error.source().ifPresent(source -> SchedulerHeaders.put(headers, SchedulerHeaders.SOURCE, source));
        SchedulerHeaders.put(headers, ERRORS_EXCEPTION, error.getClass().getName());
        SchedulerHeaders.put(headers, ERRORS_MESSAGE, String.valueOf(error.getMessage()));
        context.recordMetadata().ifPresent(metadata -> {
            SchedulerHeaders.put(headers, ERRORS_TOPIC, metadata.topic());
            SchedulerHeaders.put(headers, ERRORS_PARTITION, Integer.toString(metadata.partition()));
            SchedulerHeaders.put(headers, ERRORS_OFFSET, Long.toString(metadata.offset()));
        });
        LOG.atDebug()
                .addKeyValue("correlation_id", correlationId)
                .addKeyValue("entity", error.source().map(s -> "source:" + s).orElse("unknown"))
                .addKeyValue("reason", reason.code())
                .log("dead-lettered a record from {}: {}", origin, error.getMessage());
        Tracing.inject(headers);
        return headers;
    }

    private static Optional<InvalidEventException> invalidEvent(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException invalid) {
                return Optional.of(invalid);
            }
        }
        return Optional.empty();
    }
}
