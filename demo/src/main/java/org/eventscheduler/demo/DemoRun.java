package org.eventscheduler.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.app.cli.Resources;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.app.kafka.SchedulerRunner;
import org.eventscheduler.app.kafka.TriggerPublisher;

/**
 * The demo's running parts over a broker and a database that are up: the scheduler (with its admin
 * server and the Postgres mirror), the demo triggers, the traffic, the workflow engine and the monitor.
 * Closed in the reverse order of their start: monitor, workflow engine and traffic, then the scheduler
 * (Kafka Streams, then the mirror once it has written what Kafka Streams wrote); the broker and the
 * database, started before, are stopped after by their owner.
 */
final class DemoRun implements AutoCloseable {
    private final Resources parts = new Resources();
    private final SchedulerInstance instance;

    private DemoRun(SchedulerInstance instance) {
        this.instance = parts.add(instance);
    }

    /**
     * Starts the scheduler with {@code config} (its Kafka and database settings pointing at what runs),
     * publishes the demo triggers, waits for Kafka Streams to run, then starts the traffic, the workflow
     * engine and the monitor, which prints to {@code out}. On a failure what was started is closed again.
     */
    static DemoRun start(SchedulerConfig config, PrintStream out) {
        DemoRun run = new DemoRun(SchedulerInstance.start(config, false));
        try {
            if (config.triggers().applyOnStartFile().isEmpty()) {
                try (var triggers = DemoRun.class.getResourceAsStream("/demo-triggers.yaml")) {
                    TriggerPublisher.publish(config, TriggerPublisher.read(triggers, "demo-triggers.yaml",
                            config.triggers().defaults()), Duration.ofSeconds(30));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the demo triggers", e);
                }
            }
            SchedulerRunner runner = run.instance.runner();
            if (!runner.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within 60 s (state "
                        + runner.state() + ")");
            }
            String servers = config.kafka().bootstrapServers();
            run.parts.add(new DemoTraffic(servers, config.topics().ingress())).start(config.demo());
            run.parts.add(new DemoWorkflowEngine(servers, config.topics().workflowStarts(), config.topics().startResults()))
                    .start();
            run.parts.add(new DemoMonitor(servers, config.topics().paused(), run.instance.metrics(), out)).start();
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    SchedulerInstance instance() {
        return instance;
    }

    /** Blocks until Kafka Streams has stopped (after {@link #close}, or on its own failure); returns its last state. */
    KafkaStreams.State awaitTermination() throws InterruptedException {
        return instance.runner().awaitTermination();
    }

    @Override
    public void close() {
        parts.close();
    }
}
