package org.eventscheduler.admin.query;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the cluster-wide health every {@code interval} and publishes it as the gauge
 * {@code scheduler_health_level} (0 OK, 1 DEGRADED, 2 CRITICAL), so that an alert can fire on what
 * {@code GET /admin/event-health} would answer. Every instance publishes the cluster's level; alert on
 * the max over instances.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    private final HealthQuery health;
    private final AtomicInteger level = new AtomicInteger();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "health-monitor");
        thread.setDaemon(true);
        return thread;
    });

    public HealthMonitor(HealthQuery health, MeterRegistry registry) {
        this.health = health;
        Gauge.builder("scheduler.health.level", level, AtomicInteger::get)
                .description("the cluster's health as GET /admin/event-health answers it from this instance: "
                        + "0 OK, 1 DEGRADED, 2 CRITICAL")
                .register(registry);
    }

    public HealthMonitor start(Duration interval) {
        executor.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void refresh() {
        try {
            level.set(health.snapshot().status().ordinal());
        } catch (RuntimeException e) {
            LOG.atWarn().setCause(e).log("could not evaluate the health for scheduler_health_level; keeping the last level");
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
