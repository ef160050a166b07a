package org.eventscheduler.app.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the admin API is and how to talk to it; shared by the operator commands. */
final class ApiOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:EVENT_SCHEDULER_URL:-http://localhost:8080}",
            description = "The admin API (default: EVENT_SCHEDULER_URL, else http://localhost:8080).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:EVENT_SCHEDULER_TOKEN}",
            description = "A bearer token (default: EVENT_SCHEDULER_TOKEN).")
    String token;

    @Option(names = "--ca-file", paramLabel = "FILE", defaultValue = "${env:EVENT_SCHEDULER_CA_FILE}",
            description = "A PEM file of the CA certificates an https --url's certificate chains to (default: "
                    + "EVENT_SCHEDULER_CA_FILE, else the JVM's trusted CAs).")
    Path caFile;

    @Option(names = "--json", description = "Print the API's JSON answer instead of a table.")
    boolean json;

    AdminClient client() {
        return new AdminClient(url, token, Optional.ofNullable(caFile));
    }
}
