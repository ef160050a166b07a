package org.eventscheduler.app.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a command started, closed once, newest first, whoever asks first (the command or the shutdown hook). */
public final class Resources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Resources.class);
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private boolean closed;

    public synchronized <T extends AutoCloseable> T add(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Closes everything when the JVM is asked to stop (Ctrl-C, SIGTERM). */
    public Resources closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "shutdown"));
        return this;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", resource.getClass().getSimpleName(), e);
            }
        }
    }
}
