package org.eventscheduler.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerCommandTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @TempDir
    Path dir;

    @BeforeEach
    void captureErr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErr() {
        System.setErr(originalErr);
    }

    private String errLines() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void shouldStopWithOneLineOnABadConfiguration() throws IOException {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "pause-policy:\n  resume-below-ratio: 1.5\n");
        int status = SchedulerCommand.execute("run", "--config", config.toString());
        assertThat(status).isEqualTo(SchedulerCommand.USER_ERROR);
        assertThat(errLines()).isEqualTo(
                "scheduler: configuration error: pause-policy.resume-below-ratio: must be in (0, 1], was 1.5");
    }

    @Test
    void shouldNameTheTriggerAndFieldOfAnInvalidDefinitionAndApplyNothing() throws IOException {
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, """
                - id: fine
                  source: orders
                  type: order.created
                  workflow: fulfilment
                - id: broken
                  type-prefix: order.
                  workflow: audit
                  rate-limit: {max-events: 0, action: pause}
                """);
        int status = SchedulerCommand.execute("triggers", "apply", triggers.toString(), "--url", "http://localhost:1", "--token", "x");
        assertThat(status).isEqualTo(SchedulerCommand.USER_ERROR);
        assertThat(errLines()).isEqualTo("scheduler: " + triggers
                + ": trigger broken: rate-limit.max-events: must be a positive number of events, was 0");
    }

    @Test
    void shouldRejectAnUnknownCommand() {
        int status = SchedulerCommand.execute("launch");
        assertThat(status).isEqualTo(2);
        assertThat(errLines()).contains("Unmatched argument at index 0: 'launch'");
    }
}
