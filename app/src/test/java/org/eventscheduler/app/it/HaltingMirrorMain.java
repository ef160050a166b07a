package org.eventscheduler.app.it;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.kafka.MirrorWiring;
import org.eventscheduler.mirror.MirrorMetrics;
import org.eventscheduler.mirror.MirrorStatus;

/**
 * The Postgres mirror alone, as {@code ./scheduler mirror --config FILE} runs it, except that the process
 * dies ({@link Runtime#halt}: no shutdown hook, no consumer close, no offset commit) right after its first
 * database commit: a crash between the database commit and the offset commit, in a real process.
 */
public final class HaltingMirrorMain {
    static final String HALTING = "halting between the database commit and the offset commit";
    static final int EXIT_CODE = 137;

    private HaltingMirrorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SchedulerConfig config = ConfigLoader.load(Optional.of(Path.of(args[0])), System.getenv());
        MirrorWiring mirror = MirrorWiring.start(config, new MirrorMetrics(new SimpleMeterRegistry(), MirrorStatus::off),
                batch -> {
                    System.out.println(HALTING + ": a batch of " + batch.records().size() + " records");
                    System.out.flush();
                    Runtime.getRuntime().halt(EXIT_CODE);
                });
        mirror.awaitTermination();
    }
}
