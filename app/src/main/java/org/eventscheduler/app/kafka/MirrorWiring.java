package org.eventscheduler.app.kafka;

import java.time.Duration;

import java.time.Clock;
import java.util.Properties;
import org.eventscheduler.admin.query.MirrorReport;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.mirror.MirrorDatabase;
import org.eventscheduler.mirror.MirrorMetrics;
import org.eventscheduler.mirror.MirrorState;
import org.eventscheduler.mirror.MirrorStatus;
import org.eventscheduler.mirror.PauseMirror;

/** Starts the Postgres mirror from the configuration (its database pool and its consumer) and closes both. */
public final class MirrorWiring implements AutoCloseable {
    private final MirrorDatabase database;
    private final PauseMirror mirror;

    private MirrorWiring(MirrorDatabase database, PauseMirror mirror) {
        this.database = database;
        this.mirror = mirror;
    }

    /** The mirror's consumer group for this configuration. */
    public static String groupId(SchedulerConfig config) {
        return config.mirror().groupIdFor(config.kafka().applicationId());
    }

    /** Starts the mirror; the database may be down, the mirror then waits for it. */
    public static MirrorWiring start(SchedulerConfig config, MirrorMetrics metrics,
                                     PauseMirror.AfterDatabaseCommit afterDatabaseCommit) {
        MirrorDatabase database = new MirrorDatabase(config.mirror());
        try {
            Properties consumer = KafkaClients.properties(config, KafkaClients.Role.MIRROR);
            PauseMirror mirror = new PauseMirror(config.mirror(), consumer, groupId(config), config.topics().paused(),
                    config.topics().dlq(), database, metrics, afterDatabaseCommit, Clock.systemUTC());
            return new MirrorWiring(database, mirror.start());
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Blocks until the mirror has stopped (on close, from a shutdown hook). */
    public void awaitTermination() throws InterruptedException {
        mirror.awaitTermination();
    }

    public MirrorStatus status() {
        return mirror.status();
    }

    /** The status as the admin API reports it. */
    public static MirrorReport report(MirrorStatus status) {
        return new MirrorReport(state(status.state()), status.lagRecords(), status.breakerState(), status.lastError(),
                status.lastCommit());
    }

    /** The mirror's state as the admin API reports it. */
    static MirrorReport.State state(MirrorState state) {
        return switch (state) {
            case STARTING -> MirrorReport.State.STARTING;
            case RUNNING -> MirrorReport.State.RUNNING;
            case BACKING_OFF -> MirrorReport.State.BACKING_OFF;
            case STOPPED -> MirrorReport.State.STOPPED;
            case OFF -> MirrorReport.State.OFF;
        };
    }

    /** Stops after writing everything the topics hold now (within {@code timeout}), then closes the pool. */
    public void drainAndClose(Duration timeout) {
        mirror.drainAndClose(timeout);
        database.close();
    }

    @Override
    public void close() {
        mirror.close();
        database.close();
    }
}
