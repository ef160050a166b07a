package org.eventscheduler.app.config;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

/**
 * What {@code ./scheduler demo} starts beside the application.
 *
 * @param brokerPort            the embedded broker's port
 * @param calmSources           well-behaved sources in the demo traffic
 * @param calmEventsPerSecond   events per second of each well-behaved source
 * @param stormEventsPerSecond  events per second of the storming source
 * @param malformedEveryMillis  one malformed event this often
 */
public record DemoSettings(int brokerPort, int calmSources, int calmEventsPerSecond, int stormEventsPerSecond,
                           long malformedEveryMillis) {
    public DemoSettings {
        require(brokerPort >= 0 && brokerPort <= 65535, "broker-port", "must be a port number, was " + brokerPort);
        require(calmSources >= 0, "calm-sources", "must not be negative");
        require(calmEventsPerSecond >= 0, "calm-events-per-second", "must not be negative");
        require(stormEventsPerSecond >= 0, "storm-events-per-second", "must not be negative");
        require(malformedEveryMillis > 0, "malformed-every-millis", "must be positive");
    }
}
