package org.eventscheduler.app.fault;

import java.nio.file.Path;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;

/** The KRaft broker in a JVM of its own, for fault tests that kill it: {@code BrokerMain PORT CONTROLLER_PORT LOG_DIR}. */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[2]), Integer.parseInt(args[0]),
                Integer.parseInt(args[1]), false);
        System.out.println("BROKER READY " + broker.bootstrapServers());
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        Thread.currentThread().join();
    }
}
