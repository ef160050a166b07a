package org.eventscheduler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.eventscheduler.app.cli.SchedulerCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureErr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErr() {
        System.setErr(originalErr);
    }

    @Test
    void shouldStopWithOneLineWhenTheDemoBrokerPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int status = SchedulerCommand.execute(DemoMain.commandLine(), "demo", "--broker-port",
                    String.valueOf(taken.getLocalPort()));
            assertThat(status).isEqualTo(SchedulerCommand.USER_ERROR);
            assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("scheduler: port "
                    + taken.getLocalPort() + " is already in use; stop what listens there or choose another port");
        }
    }

    @Test
    void shouldKeepTheSchedulersCommands() {
        assertThat(DemoMain.commandLine().getSubcommands()).containsKeys("demo", "run", "status", "tail");
    }
}
