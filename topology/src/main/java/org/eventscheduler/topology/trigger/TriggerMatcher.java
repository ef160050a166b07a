package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.Tracing;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.source.SourceDecision;

/**
 * Matches admitted events against the triggers: candidates come from the {@link TriggerIndex} by
 * source and type (hash lookups, whatever the number of triggers), then each candidate's content filter
 * is evaluated and its workflow input built, parsing the event's data at most once. Emits one
 * {@link TriggerInput.Match} per matching trigger, keyed by trigger id, with the event's headers
 * (correlation id, trace context) plus the trigger id. A trigger that fails on the event (unreadable
 * data, a missing input field) still emits a match, carrying the error, so that the trigger stage can
 * count the failure against that trigger's breaker and dead-letter it.
 */
final class TriggerMatcher implements Processor<String, SourceDecision, String, TriggerInput> {
    private final TriggerRegistry registry;
    private final SchedulerMetrics metrics;
    private ProcessorContext<String, TriggerInput> context;

    TriggerMatcher(TriggerRegistry registry, SchedulerMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, TriggerInput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, SourceDecision> record) {
        if (!(record.value() instanceof SourceDecision.Admitted admitted)) {
            return;
        }
        IngressEvent event = admitted.event();
        List<Trigger> candidates = registry.index().candidates(event.source(), event.type());
        if (candidates.isEmpty()) {
            return;
        }
        Span span = Tracing.start("scheduler.trigger.evaluation");
        try (Scope scope = span.makeCurrent()) {
            span.setAttribute(Tracing.SOURCE, event.source());
            span.setAttribute(Tracing.CORRELATION_ID, event.correlationId());
            span.setAttribute(Tracing.MATCHES, (long) evaluate(record, event, candidates));
        } finally {
            span.end();
        }
    }

    /** Evaluates the candidates and forwards one match per matching trigger; returns how many matched. */
    private int evaluate(Record<String, SourceDecision> record, IngressEvent event, List<Trigger> candidates) {
        int matched = 0;
        EventEnvelope envelope = new EventEnvelope(event, record.headers());
        for (Trigger trigger : candidates) {
            Optional<JsonNode> input = Optional.empty();
            Optional<String> error = Optional.empty();
            try {
                if (!trigger.matchesContent(envelope)) {
                    continue;
                }
                input = Optional.of(trigger.buildInput(envelope));
            } catch (EventEnvelope.EvaluationProblem problem) {
                error = Optional.of(problem.getMessage());
            }
            Headers headers = new RecordHeaders(record.headers().toArray());
            SchedulerHeaders.put(headers, SchedulerHeaders.TRIGGER, trigger.id());
            Tracing.inject(headers);
            context.forward(new Record<>(trigger.id(), new TriggerInput.Match(trigger.id(), trigger.workflow(),
                    event.id(), event.source(), event.type(), event.correlationId(), input, error),
                    record.timestamp(), headers));
            matched++;
        }
        return matched;
    }
}
