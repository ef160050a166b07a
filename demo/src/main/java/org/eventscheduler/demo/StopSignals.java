package org.eventscheduler.demo;

import java.util.OptionalInt;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C) as an orderly stop: the handler runs {@code stop} (which closes the demo's
 * parts in the reverse order of their start) and the command then exits with 0 after SIGTERM or 130
 * after SIGINT, instead of the JVM's 143 from shutdown hooks racing each other. {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}) is the JDK's only way to handle a signal; Kafka's own
 * {@code LoggingSignalHandler} uses it too.
 */
final class StopSignals {
    private volatile OptionalInt exitStatus = OptionalInt.empty();

    private StopSignals() {
    }

    /** Handles SIGTERM and SIGINT from now on by running {@code stop}, on the JVM's signal thread. */
    static StopSignals install(Runnable stop) {
        StopSignals signals = new StopSignals();
        Signal.handle(new Signal("TERM"), signal -> signals.stop(0, stop));
        Signal.handle(new Signal("INT"), signal -> signals.stop(130, stop));
        return signals;
    }

    /** The exit status a signal asked for; empty when none came. */
    OptionalInt exitStatus() {
        return exitStatus;
    }

    private void stop(int status, Runnable stop) {
        if (exitStatus.isEmpty()) {
            exitStatus = OptionalInt.of(status);
        }
        stop.run();
    }
}
