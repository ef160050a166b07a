package org.eventscheduler.demo;

import java.time.Duration;
import org.eventscheduler.app.config.DemoSettings;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.topology.Topics;
import org.eventscheduler.topology.guard.PausePolicy;

/**
 * What {@code ./scheduler demo} prints once everything runs: where the broker and the database are, and
 * what to watch, with the figures of the configuration the demo runs with (not copies of the defaults).
 */
final class DemoGuide {
    private DemoGuide() {
    }

    /**
     * The guide for a demo running with {@code config}; the failing trigger's breaker is the triggers'
     * default, since {@code demo-triggers.yaml} gives {@code invoice-requested} none of its own.
     */
    static String text(SchedulerConfig config, String bootstrapServers, String jdbcUrl) {
        Topics topics = config.topics();
        DemoSettings demo = config.demo();
        var limit = config.sources().rateLimit();
        PausePolicy pausing = config.pausePolicy();
        return """

                Event Scheduler demo is running.
                  Kafka broker (KRaft, in this process): %s
                  PostgreSQL (embedded):                 %s
                    mirror of %s: tables pause_state, pause_history, dlq_summary
                    (queries in docs/operations/mirror.md)
                  Topics: %s -> %s | %s | %s, pauses in %s
                  Traffic: %d well-behaved sources at %d events/s each; %s storms at %d events/s
                           (%d s on, %d s off) against the default limit of %,d events per %s (action %s);
                           one malformed event every %d ms.
                What to look at:
                  - every %s below: events accepted, throttled, held for a paused source, released (held
                    work coming back: at the limit, or after a resume), dead-lettered, and which sources are paused;
                  - %s is PAUSED a few seconds into each storm and RESUMED once its cooldown has passed
                    (%s%s) and its rate is back under %d%% of the limit; what it held while paused comes
                    back then, at its limit, oldest first ("released" grows);
                  - trigger restock-every-tenth throttles (50 starts per 10 s): its starts over the limit are
                    held and started as its window makes room, never more than 50 in any 10 s;
                  - triggers (demo-triggers.yaml) start workflows on workflow.starts; the demo's workflow engine
                    fails every '%s' start, so trigger:invoice-requested is PAUSED by its circuit breaker
                    (error-rate), probed every %s, and paused again while the engine keeps failing;
                  - the records themselves, from another terminal:
                      ./scheduler tail %s --bootstrap-servers %s
                      ./scheduler tail %s --bootstrap-servers %s
                      ./scheduler tail %s --bootstrap-servers %s
                Ctrl-C stops everything.

                """.formatted(
                bootstrapServers, jdbcUrl, topics.paused(),
                topics.ingress(), topics.accepted(), topics.throttled(), topics.dlq(), topics.paused(),
                demo.calmSources(), demo.calmEventsPerSecond(), DemoTraffic.STORM_SOURCE, demo.stormEventsPerSecond(),
                DemoTraffic.STORM_ON_SECONDS, DemoTraffic.STORM_CYCLE_SECONDS - DemoTraffic.STORM_ON_SECONDS,
                limit.maxEvents(), duration(config.rateWindow().size()), limit.action().configName(),
                demo.malformedEveryMillis(), duration(DemoMonitor.REPORT_INTERVAL), DemoTraffic.STORM_SOURCE,
                duration(pausing.cooldown()), pausing.cooldownMultiplier() > 1.0 ? ", growing on repeated pauses" : "",
                Math.round(pausing.resumeBelowRatio() * 100), DemoWorkflowEngine.FAILING_WORKFLOW,
                duration(config.triggers().defaults().breaker().waitInOpenState()),
                topics.paused(), bootstrapServers, topics.workflowStarts(), bootstrapServers,
                topics.dlq(), bootstrapServers);
    }

    /** {@code 60 s}, or {@code 1500 ms} for what is not whole seconds. */
    static String duration(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
