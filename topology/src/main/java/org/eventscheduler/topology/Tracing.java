package org.eventscheduler.topology;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The scheduler's own spans, around its decisions, and the trace context of its output records.
 *
 * <p>Without the OpenTelemetry Java agent everything here is a no-op and an output record simply keeps
 * the {@code traceparent} header of the event it came from (headers travel with the record through
 * the topology), so it still belongs to the upstream trace. With the agent, the decision spans are
 * children of the agent's span for the record being processed, and {@link #inject} points each output
 * record's {@code traceparent} at the decision that produced it. The agent's own producer propagation
 * is turned off ({@code otel.instrumentation.kafka.producer-propagation.enabled=false}, set by
 * {@code ./scheduler}): it would replace that header at send time with the context current then,
 * which for a dead letter written from the poll loop is a new, unrelated trace.
 */
public final class Tracing {
    public static final AttributeKey<String> SOURCE = AttributeKey.stringKey("scheduler.source");
    public static final AttributeKey<String> TRIGGER = AttributeKey.stringKey("scheduler.trigger");
    public static final AttributeKey<String> DECISION = AttributeKey.stringKey("scheduler.decision");
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("scheduler.reason");
    public static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("scheduler.correlation_id");
    public static final AttributeKey<String> ENTITY = AttributeKey.stringKey("scheduler.entity");
    public static final AttributeKey<Long> MATCHES = AttributeKey.longKey("scheduler.matches");

    private static final TextMapSetter<Headers> HEADER_SETTER = (headers, key, value) -> {
        if (headers != null) {
            headers.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    };

    private static final TextMapGetter<Headers> HEADER_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return () -> Arrays.stream(headers.toArray()).map(Header::key).iterator();
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header header = headers.lastHeader(key);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private Tracing() {
    }

    /** The tracer, resolved once on first use: the agent installs the global OpenTelemetry before the application runs. */
    public static Tracer tracer() {
        return TracerHolder.TRACER;
    }

    /** Resolves the tracer when first asked for (not when this class loads), then never again: spans are per event. */
    private static final class TracerHolder {
        static final Tracer TRACER = GlobalOpenTelemetry.getTracer("org.eventscheduler.scheduler");
        /** No agent and no SDK: the API's own no-op tracer. */
        static final boolean OFF = TRACER == TracerProvider.noop().get("org.eventscheduler.scheduler");
    }

    /**
     * Starts a span named {@code name} under the current context. With tracing off, the invalid span,
     * built by nothing: a decision costs no tracing work per event.
     */
    public static Span start(String name) {
        if (TracerHolder.OFF) {
            return Span.getInvalid();
        }
        return tracer().spanBuilder(name).startSpan();
    }

    /**
     * Makes {@code span} current for the decision it is about. When neither it nor the current span is
     * valid (tracing off), there is no context worth attaching, and none is.
     */
    public static Scope enter(Span span) {
        if (!span.getSpanContext().isValid() && !Span.current().getSpanContext().isValid()) {
            return Scope.noop();
        }
        return span.makeCurrent();
    }

    /**
     * Records a point decision (a pause change, a breaker transition) as a span named {@code name} with
     * the attributes {@code describe} sets, and runs {@code within} while that span is current, so that
     * its log line carries the span's {@code trace_id} and {@code span_id}.
     */
    public static void decision(String name, Consumer<Span> describe, Runnable within) {
        decision(name, Context.current(), describe, within);
    }

    /** As {@link #decision(String, Consumer, Runnable)}, under {@code parent}. */
    public static void decision(String name, Context parent, Consumer<Span> describe, Runnable within) {
        Span span = TracerHolder.OFF ? Span.getInvalid() : tracer().spanBuilder(name).setParent(parent).startSpan();
        try (Scope scope = enter(span)) {
            describe.accept(span);
            within.run();
        } finally {
            span.end();
        }
    }

    /**
     * The context a record belongs to: the current one when a span is active (the agent's span for the
     * record being processed), otherwise the one its {@code traceparent} header names.
     */
    public static Context contextOf(Headers headers) {
        if (Span.current().getSpanContext().isValid()) {
            return Context.current();
        }
        return GlobalOpenTelemetry.getPropagators().getTextMapPropagator().extract(Context.current(), headers,
                HEADER_GETTER);
    }

    /** Writes the current trace context into an output record's headers (no-op without the agent). */
    public static void inject(Headers headers) {
        if (Span.current().getSpanContext().isValid()) {
            GlobalOpenTelemetry.getPropagators().getTextMapPropagator().inject(Context.current(), headers, HEADER_SETTER);
        }
    }
}
