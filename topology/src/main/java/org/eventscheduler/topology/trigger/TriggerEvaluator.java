package org.eventscheduler.topology.trigger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.eventscheduler.topology.Tracing;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.source.AdmittedEventCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the triggers for an event the source stage admits: candidates come from the
 * {@link TriggerIndex} by source and type (hash lookups, whatever the number of triggers), then each
 * candidate's content filter is evaluated and its workflow input built, reading the event at most once.
 *
 * <p>Each failure is blamed where it belongs. A content filter never fails: what it cannot find does
 * not match. An event that lacks a field an input is built from is the event's fault
 * ({@link TriggerEvaluation.Unusable}): the source stage counts it against the event's source. A
 * trigger whose evaluation throws anything else is the trigger's fault ({@link TriggerEvaluation.Faulted}):
 * the trigger stage counts it against the trigger's breaker.
 */
final class TriggerEvaluator implements AdmittedEventCheck {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerEvaluator.class);

    /** The triggers whose source and type conditions an event meets. */
    @FunctionalInterface
    interface Candidates {
        List<Trigger> of(String source, String type);
    }

    private final Candidates candidates;

    TriggerEvaluator(Candidates candidates) {
        this.candidates = candidates;
    }

    @Override
    public TriggerEvaluation check(IngressEvent event, Headers headers) {
        List<Trigger> candidates = this.candidates.of(event.source(), event.type());
        if (candidates.isEmpty()) {
            return TriggerEvaluation.NO_MATCH;
        }
        Span span = Tracing.start("scheduler.trigger.evaluation");
        try (Scope scope = Tracing.enter(span)) {
            TriggerEvaluation evaluation = evaluate(new EventEnvelope(event, headers), candidates);
            span.setAttribute(Tracing.SOURCE, event.source());
            span.setAttribute(Tracing.CORRELATION_ID, event.correlationId());
            span.setAttribute(Tracing.MATCHES, (long) evaluation.outcomes().size());
            return evaluation;
        } finally {
            span.end();
        }
    }

    private static TriggerEvaluation evaluate(EventEnvelope envelope, List<Trigger> candidates) {
        List<TriggerEvaluation.Outcome> outcomes = new ArrayList<>(candidates.size());
        for (Trigger trigger : candidates) {
            try {
                if (trigger.matchesContent(envelope)) {
                    outcomes.add(new TriggerEvaluation.Matched(trigger, trigger.buildInput(envelope)));
                }
            } catch (EventEnvelope.EventProblem problem) {
                outcomes.add(new TriggerEvaluation.Unusable(trigger, problem.getMessage()));
            } catch (RuntimeException fault) {
                LOG.atWarn()
                        .setCause(fault)
                        .addKeyValue("correlation_id", envelope.event().correlationId())
                        .addKeyValue("entity", "trigger:" + trigger.id())
                        .addKeyValue("reason", "trigger-evaluation-failed")
                        .log("trigger {} could not be evaluated on event {}", trigger.id(), envelope.event().id());
                outcomes.add(new TriggerEvaluation.Faulted(trigger, "evaluation failed: " + fault));
            }
        }
        return outcomes.isEmpty() ? TriggerEvaluation.NO_MATCH : new TriggerEvaluation(outcomes);
    }
}
