package org.eventscheduler.topology.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.eventscheduler.topology.Events;
import org.eventscheduler.topology.TopologyFixture;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.source.SourceDecision;
import org.junit.jupiter.api.Test;

/**
 * Which failure is whose: the evaluator blames the event for a field its input lacks and the trigger
 * for an evaluation that throws for a reason of its own; the matcher passes the trigger's failures on
 * to the trigger stage (its breaker) and leaves the event's to the dead-letter branch.
 */
class TriggerEvaluatorTest {
    private static final IngressEvent EVENT = new IngressEvent("e-1", "shop", "order.created", "corr-1",
            IngressEvent.Mode.STRUCTURED, Events.structured("e-1", "shop", "order.created", "{\"sku\":\"x\"}"));

    private static Trigger trigger(String id, InputTemplate.Builder input) {
        TriggerDefinition definition = TriggerDefinitions.read(id,
                ("{\"id\":\"" + id + "\",\"source\":\"shop\",\"type\":\"order.created\",\"workflow\":\"w\"}").getBytes());
        return new Trigger(definition, Optional.empty(), input, TopologyFixture.TRIGGER_DEFAULTS.rateLimit(),
                TopologyFixture.BREAKER, TopologyFixture.TRIGGER_DEFAULTS.hold());
    }

    private static TriggerEvaluation evaluate(Trigger... triggers) {
        return new TriggerEvaluator((source, type) -> List.of(triggers)).check(EVENT, new RecordHeaders());
    }

    @Test
    void shouldBlameTheEventForAFieldItLacksAndTheTriggerForAnythingElse() {
        TriggerEvaluation evaluation = evaluate(
                trigger("fine", event -> "\"input\"".getBytes()),
                trigger("lacking", event -> {
                    throw new EventEnvelope.EventProblem("input field order: /data/orderId not found in the event");
                }),
                trigger("broken", event -> {
                    throw new IllegalStateException("a bug in the trigger's evaluation");
                }));

        assertThat(evaluation.outcomes()).extracting(outcome -> outcome.getClass().getSimpleName() + ":" + outcome.trigger().id())
                .containsExactlyInAnyOrder("Matched:fine", "Unusable:lacking", "Faulted:broken");
        assertThat(evaluation.eventAtFault()).as("one trigger cannot use the event").isTrue();
        assertThat(evaluate(trigger("broken", event -> {
            throw new IllegalStateException("bug");
        })).eventAtFault()).as("a trigger's own fault is not the event's").isFalse();
    }

    @Test
    void shouldPassTheTriggersFaultsToTheTriggerStageAndKeepTheEventsOwnOut() {
        TriggerEvaluation evaluation = evaluate(
                trigger("lacking", event -> {
                    throw new EventEnvelope.EventProblem("not found");
                }),
                trigger("broken", event -> {
                    throw new IllegalStateException("bug");
                }));
        MockProcessorContext<String, TriggerInput> context = new MockProcessorContext<>();
        TriggerMatcher matcher = new TriggerMatcher();
        matcher.init(context);
        matcher.process(new Record<>("shop", new SourceDecision.Admitted(EVENT, evaluation), 0L, new RecordHeaders()));

        assertThat(context.forwarded()).hasSize(1);
        TriggerInput.Match match = (TriggerInput.Match) context.forwarded().getFirst().record().value();
        assertThat(match.triggerId()).isEqualTo("broken");
        assertThat(match.error()).hasValueSatisfying(error -> assertThat(error).contains("bug"));
    }
}
