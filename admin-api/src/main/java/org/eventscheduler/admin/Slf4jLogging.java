package org.eventscheduler.admin;

import io.helidon.logging.common.spi.LoggingProvider;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Helidon's logging provider for this project (found through {@code META-INF/services}): Helidon logs
 * through {@code java.util.logging}, which goes to SLF4J (logback) like everything else. Without a
 * provider Helidon prints that it found no logging implementation, once per process.
 */
public final class Slf4jLogging implements LoggingProvider {
    /** Sends {@code java.util.logging} to SLF4J, once; the process entry point calls it before anything logs. */
    public static synchronized void bridge() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    @Override
    public void initialization() {
        bridge();
    }

    @Override
    public void runTime() {
        bridge();
    }
}
