package org.eventscheduler.topology.trigger;

import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.Tracing;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.source.SourceDecision;

/**
 * Turns what the triggers made of an admitted event ({@link TriggerEvaluation}, computed by the source
 * stage) into inputs of the trigger stage: one {@link TriggerInput.Match} per matching trigger, keyed by
 * trigger id, with the event's headers (correlation id, trace context) plus the trigger id. A trigger
 * that could not be evaluated still emits a match, carrying the error, so that the trigger stage counts
 * it against that trigger's breaker and dead-letters it. Events a trigger cannot use are the event's
 * fault and go to the dead-letter topic from {@link UnusableEvents}, not from here.
 */
final class TriggerMatcher implements Processor<String, SourceDecision, String, TriggerInput> {
    private ProcessorContext<String, TriggerInput> context;

    @Override
    public void init(ProcessorContext<String, TriggerInput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, SourceDecision> record) {
        if (!(record.value() instanceof SourceDecision.Admitted admitted)
                || !(admitted.check() instanceof TriggerEvaluation evaluation)) {
            return;
        }
        IngressEvent event = admitted.event();
        for (TriggerEvaluation.Outcome outcome : evaluation.outcomes()) {
            switch (outcome) {
                case TriggerEvaluation.Matched matched -> forward(record, event, matched.trigger(),
                        Optional.of(matched.input()), Optional.empty());
                case TriggerEvaluation.Faulted faulted -> forward(record, event, faulted.trigger(),
                        Optional.empty(), Optional.of(faulted.problem()));
                case TriggerEvaluation.Unusable unusable -> {
                    // the event's fault: counted against its source, dead-lettered by UnusableEvents
                }
            }
        }
    }

    private void forward(Record<String, SourceDecision> record, IngressEvent event, Trigger trigger,
                         Optional<byte[]> input, Optional<String> error) {
        // a new Record copies the headers it is given: the match's own copy is changed, never the event's,
        // which the event's other children (events.accepted, the other matches) read too
        Record<String, TriggerInput> match = new Record<>(trigger.id(), new TriggerInput.Match(trigger.id(),
                trigger.workflow(), event.id(), event.source(), event.type(), event.correlationId(), input, error),
                record.timestamp(), record.headers());
        SchedulerHeaders.put(match.headers(), SchedulerHeaders.TRIGGER, trigger.id());
        Tracing.inject(match.headers());
        context.forward(match);
    }
}
