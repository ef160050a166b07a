package org.eventscheduler.app.cli;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.eventscheduler.admin.MirrorServer;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.kafka.MirrorWiring;
import org.eventscheduler.mirror.MirrorMetrics;
import org.eventscheduler.mirror.MirrorStatus;
import org.eventscheduler.mirror.PauseMirror;
import org.eventscheduler.topology.config.InvalidConfigException;
import org.eventscheduler.topology.metrics.PrometheusNaming;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./scheduler mirror --config FILE}: the Postgres mirror alone, in the same consumer group as
 * the in-process mirror (set {@code mirror.in-process: false} on the application instances), with
 * {@code /metrics}, {@code /mirror/status} and health probes on {@code admin.port}.
 */
@Command(name = "mirror", description = "Run the Postgres mirror of scheduler.paused and the DLQ alone.")
final class MirrorCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws InterruptedException {
        SchedulerConfig loaded = config.load();
        if (!loaded.mirror().enabled()) {
            throw new InvalidConfigException("mirror.jdbc-url", "is required to run the mirror");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusNaming.applyTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        AtomicReference<MirrorStatus> none = new AtomicReference<>(MirrorStatus.off());
        AtomicReference<MirrorWiring> running = new AtomicReference<>();
        MirrorMetrics metrics = new MirrorMetrics(registry,
                () -> running.get() == null ? none.get() : running.get().status());
        try (Resources resources = new Resources().closeOnShutdown()) {
            MirrorWiring mirror = resources.add(MirrorWiring.start(loaded, metrics, PauseMirror.AfterDatabaseCommit.NOTHING));
            running.set(mirror);
            if (loaded.admin().enabled()) {
                resources.add(MirrorServer.start(loaded.admin().host(), loaded.admin().port(), registry,
                        () -> MirrorWiring.report(mirror.status())));
            }
            mirror.awaitTermination();
            return 0;
        }
    }
}
