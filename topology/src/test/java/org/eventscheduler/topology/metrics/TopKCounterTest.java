package org.eventscheduler.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TopKCounterTest {
    @Test
    void shouldKeepTheSeriesCountBoundedWithTenThousandSources() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong clock = new AtomicLong();
        TopKCounter counter = new TopKCounter(registry, "scheduler.source.events", "test", "source", 50,
                Duration.ofSeconds(10), clock::get);
        Random random = new Random(7);
        Map<String, Long> window = new HashMap<>();
        long total = 0;
        for (int second = 0; second < 60; second++) {
            clock.set(second * 1000L);
            window.clear();
            for (int i = 0; i < 20_000; i++) {
                // 10 heavy sources take half the traffic; 10,000 others share the rest
                String source = random.nextBoolean() ? "heavy-" + random.nextInt(10) : "source-" + random.nextInt(10_000);
                long recent = window.merge(source, 1L, Long::sum);
                counter.increment(source, recent);
                total++;
            }
            assertThat(registry.find("scheduler.source.events").counters()).hasSizeLessThanOrEqualTo(51);
        }
        double counted = registry.find("scheduler.source.events").counters().stream().mapToDouble(Counter::count).sum();
        assertThat(counted).as("series that were dropped took their counts with them").isLessThanOrEqualTo(total);
        assertThat(counter.labelledKeys()).hasSizeLessThanOrEqualTo(50);
        for (int heavy = 0; heavy < 10; heavy++) {
            assertThat(counter.labelledKeys()).contains("heavy-" + heavy);
        }
        assertThat(registry.find("scheduler.source.events").tag("source", TopKCounter.OTHER).counter()).isNotNull();
    }

    @Test
    void shouldCountEveryEventExactlyOnceWhileTheLabelsAreStable() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong clock = new AtomicLong();
        TopKCounter counter = new TopKCounter(registry, "m", "test", "k", 2, Duration.ofSeconds(10), clock::get);
        for (int i = 0; i < 100; i++) {
            counter.increment("a", i + 1);
            counter.increment("b", i + 1);
            counter.increment("c-" + i, 1);
        }
        clock.set(10_000);
        counter.increment("a", 101);
        assertThat(counter.labelledKeys()).containsExactlyInAnyOrder("a", "b");
        for (int i = 0; i < 50; i++) {
            counter.increment("a", 200);
            counter.increment("z", 1);
        }
        assertThat(registry.find("m").tag("k", "a").counter().count()).isEqualTo(50);
        double sum = registry.find("m").counters().stream().mapToDouble(Counter::count).sum();
        assertThat(sum).isEqualTo(301 + 100);
    }
}
