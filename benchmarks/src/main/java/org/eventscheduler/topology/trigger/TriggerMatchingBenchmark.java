package org.eventscheduler.topology.trigger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.RateLimit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The matcher's work per event (candidates from the index, content filters, workflow inputs) with
 * 10, 1,000 and 10,000 triggers. The triggers spread over up to 1,000 sources and 10 types, a tenth
 * of them by source prefix and with a content filter, and every event is aimed at exactly one of them,
 * so each event has one match whatever the trigger count: what grows is only what the index must not
 * scan.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class TriggerMatchingBenchmark {
    @Param({"10", "1000", "10000"})
    public int triggers;

    private TriggerRegistry registry;
    private IngressEvent[] events;
    private int next;

    @Setup(Level.Trial)
    public void define() {
        BreakerSettings breaker = new BreakerSettings(true, false, 50, BreakerSettings.WindowType.COUNT_BASED, 20, 10,
                Duration.ofSeconds(30), 3);
        registry = new TriggerRegistry(new TriggerDefaults(new RateLimit(1000, LimitAction.PAUSE), breaker));
        for (int i = 0; i < triggers; i++) {
            String source = i % 10 == 9
                    ? "\"source-prefix\":\"team-" + (i % 7) + "/service-" + (i % 1000) + "\""
                    : "\"source\":\"team-" + (i % 7) + "/service-" + (i % 1000) + "\"";
            String filter = i % 10 == 9 ? ",\"filter\":{\"amount\":[{\"numeric\":[\">\",10]}]}" : "";
            String json = "{\"id\":\"t-" + i + "\"," + source + ",\"type\":\"type-" + (i / 1000) + "\",\"workflow\":\"w\""
                    + filter + ",\"input\":{\"fields\":{\"order\":\"/data/orderId\"}}}";
            registry.apply("t-" + i, Optional.of(json.getBytes(StandardCharsets.UTF_8)))
                    .ifPresent(problem -> {
                        throw problem;
                    });
        }
        registry.index();
        events = new IngressEvent[1024];
        for (int k = 0; k < events.length; k++) {
            // each event is aimed at one trigger, so every event has exactly one match whatever the count
            int i = (int) ((k * 7919L) % triggers);
            String source = "team-" + (i % 7) + "/service-" + (i % 1000);
            String type = "type-" + (i / 1000);
            String value = "{\"specversion\":\"1.0\",\"id\":\"e-" + k + "\",\"source\":\"" + source + "\",\"type\":\"" + type
                    + "\",\"data\":{\"orderId\":\"o-" + k + "\",\"amount\":42}}";
            events[k] = new IngressEvent("e-" + k, source, type, "e-" + k, IngressEvent.Mode.STRUCTURED,
                    value.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public void matchOneEvent(Blackhole sink) {
        IngressEvent event = events[next++ & (events.length - 1)];
        List<Trigger> candidates = registry.index().candidates(event.source(), event.type());
        if (candidates.isEmpty()) {
            return;
        }
        EventEnvelope envelope = new EventEnvelope(event, new RecordHeaders());
        for (Trigger trigger : candidates) {
            if (trigger.matchesContent(envelope)) {
                sink.consume(trigger.buildInput(envelope));
            }
        }
    }
}
