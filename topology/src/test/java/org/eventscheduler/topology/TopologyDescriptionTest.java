package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.RateLimit;
import org.junit.jupiter.api.Test;

/**
 * The golden test: a renamed processor, store or internal topic shows up as a diff of
 * {@code topology.txt}. Internal topic names are part of the upgrade contract; when a change is
 * intended, run with {@code -Dgolden.update=true} and commit the new file.
 */
class TopologyDescriptionTest {
    private static final Path GOLDEN = Path.of("src/test/resources/topology.txt");

    @Test
    void shouldMatchTheCheckedInDescription() throws IOException {
        String described = SchedulerTopology.build(
                TopologyFixture.config(new RateLimit(1000, LimitAction.PAUSE), List.of(), 1024),
                new SchedulerMetrics(new SimpleMeterRegistry())).describe().toString();
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(GOLDEN, described, StandardCharsets.UTF_8);
        }
        assertThat(described).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }
}
