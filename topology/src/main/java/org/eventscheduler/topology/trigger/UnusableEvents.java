package org.eventscheduler.topology.trigger;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.reject.InvalidReason;
import org.eventscheduler.topology.reject.RejectedRecordException;
import org.eventscheduler.topology.source.SourceDecision;

/**
 * Dead-letters an admitted event once for every trigger that matched it but cannot use it (the event
 * lacks a field the trigger's input is built from). The source stage has already counted the event
 * against its source's breaker; here each (event, trigger) pair becomes one DLQ record, through Kafka
 * Streams' processing exception handler, with the event's raw bytes, its source, correlation id and the
 * trigger named in the headers. Two processors: {@link Split} forwards one record per such trigger, and
 * {@link DeadLetter}, its child, fails each one so that the handler sees them one by one.
 */
final class UnusableEvents {

    private UnusableEvents() {
    }

    /** One record per trigger that cannot use the event, keyed by trigger id, with its own headers. */
    static final class Split implements Processor<String, SourceDecision, String, TriggerEvaluation.Unusable> {
        private ProcessorContext<String, TriggerEvaluation.Unusable> context;

        @Override
        public void init(ProcessorContext<String, TriggerEvaluation.Unusable> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, SourceDecision> record) {
            if (!(record.value() instanceof SourceDecision.Admitted admitted)
                    || !(admitted.check() instanceof TriggerEvaluation evaluation) || !evaluation.eventAtFault()) {
                return;
            }
            for (TriggerEvaluation.Outcome outcome : evaluation.outcomes()) {
                if (outcome instanceof TriggerEvaluation.Unusable unusable) {
                    Headers headers = new RecordHeaders(record.headers().toArray());
                    SchedulerHeaders.put(headers, SchedulerHeaders.TRIGGER, unusable.trigger().id());
                    context.forward(new Record<>(unusable.trigger().id(), unusable, record.timestamp(), headers));
                }
            }
        }
    }

    /** Fails each record it gets, for the dead-letter handler. */
    static final class DeadLetter implements FixedKeyProcessor<String, TriggerEvaluation.Unusable, Void> {
        @Override
        public void process(FixedKeyRecord<String, TriggerEvaluation.Unusable> record) {
            throw new UnusableEventException(record.value().trigger().id(), record.value().problem());
        }
    }

    /** An admitted event that a trigger it matched cannot use: the event's fault. */
    static final class UnusableEventException extends RejectedRecordException {
        UnusableEventException(String triggerId, String problem) {
            super(InvalidReason.TRIGGER_INPUT_UNAVAILABLE, "trigger " + triggerId + ": " + problem);
        }
    }
}
