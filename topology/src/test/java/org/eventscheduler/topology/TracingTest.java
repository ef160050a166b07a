package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;

/** Tracing off (no agent, as in every unit test) costs nothing per decision; with a span, it is made current. */
class TracingTest {
    private static final SpanContext VALID = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
            TraceFlags.getSampled(), TraceState.getDefault());

    @Test
    void shouldBuildNoSpanAndAttachNoContextWhenTracingIsOff() {
        Span span = Tracing.start("scheduler.source.decision");
        assertThat(span).isSameAs(Span.getInvalid());
        Context before = Context.current();
        try (Scope scope = Tracing.enter(span)) {
            assertThat(scope).isSameAs(Scope.noop());
            assertThat(Context.current()).isSameAs(before);
        }
    }

    @Test
    void shouldMakeAValidSpanCurrent() {
        try (Scope scope = Tracing.enter(Span.wrap(VALID))) {
            assertThat(scope).isNotSameAs(Scope.noop());
            assertThat(Span.current().getSpanContext()).isEqualTo(VALID);
        }
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
    }

    @Test
    void shouldMakeADecisionCurrentUnderAValidParent() {
        try (Scope parent = Span.wrap(VALID).makeCurrent()) {
            try (Scope scope = Tracing.enter(Span.getInvalid())) {
                assertThat(scope).isNotSameAs(Scope.noop());
                assertThat(Span.current().getSpanContext().isValid()).isFalse();
            }
            assertThat(Span.current().getSpanContext()).isEqualTo(VALID);
        }
    }
}
