package org.eventscheduler.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class BenignKafkaWarningsTest {
    private static final String METADATA = "[Consumer clientId=app-StreamThread-1-consumer, groupId=app] The metadata "
            + "response from the cluster reported a recoverable issue with correlation id {} : {}";
    private final LoggerContext context = new LoggerContext();
    private final Logger networkClient = context.getLogger("org.apache.kafka.clients.NetworkClient");
    private final BenignKafkaWarnings filter = new BenignKafkaWarnings();

    private FilterReply decide(Logger logger, Level level, String format, Object... params) {
        return filter.decide(null, logger, level, format, params, null);
    }

    @Test
    void shouldDropUnknownRepartitionTopicsAtTheFirstStart() {
        Map<String, Errors> errors = new LinkedHashMap<>();
        errors.put("event-scheduler-by-source-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION);
        errors.put("event-scheduler-by-trigger-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(decide(networkClient, Level.WARN, METADATA, 2, errors)).isEqualTo(FilterReply.DENY);
    }

    @Test
    void shouldDropTheLineAsKafkasLogContextFormatsIt() {
        assertThat(decide(networkClient, Level.WARN, "[Consumer clientId=app-StreamThread-1-consumer, groupId=app] "
                + "The metadata response from the cluster reported a recoverable issue with correlation id 2 : "
                + "{app-by-trigger-repartition=UNKNOWN_TOPIC_OR_PARTITION, app-by-source-repartition=UNKNOWN_TOPIC_OR_PARTITION}"))
                .isEqualTo(FilterReply.DENY);
        assertThat(decide(networkClient, Level.WARN, "[Consumer clientId=c, groupId=g] The metadata response from the "
                + "cluster reported a recoverable issue with correlation id 2 : {events.ingress=UNKNOWN_TOPIC_OR_PARTITION}"))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(networkClient, Level.WARN, "[Consumer clientId=c, groupId=g] The metadata response from the "
                + "cluster reported a recoverable issue with correlation id 2 : {app-x-repartition=LEADER_NOT_AVAILABLE}"))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldKeepAnUnknownTopicThatIsNotARepartitionTopic() {
        Map<String, Errors> errors = new LinkedHashMap<>();
        errors.put("event-scheduler-by-source-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION);
        errors.put("events.ingress", Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(decide(networkClient, Level.WARN, METADATA, 2, errors)).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldKeepOtherErrorsOfRepartitionTopics() {
        assertThat(decide(networkClient, Level.WARN, METADATA, 2,
                Map.of("event-scheduler-by-source-repartition", Errors.TOPIC_AUTHORIZATION_FAILED)))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldDropTheSecondCloseOfANetworkClient() {
        assertThat(decide(networkClient, Level.WARN, "[NodeToControllerChannelManager id=1 name=registration] "
                + "Attempting to close NetworkClient that has already been closed.")).isEqualTo(FilterReply.DENY);
    }

    @Test
    void shouldLeaveEveryOtherLineAlone() {
        assertThat(decide(networkClient, Level.WARN, "[Producer clientId=p] Connection to node 1 could not be established."))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(networkClient, Level.ERROR, "Attempting to close NetworkClient that has already been closed."))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(context.getLogger("org.apache.kafka.streams.StreamsConfig"), Level.WARN,
                "Attempting to close NetworkClient that has already been closed.")).isEqualTo(FilterReply.NEUTRAL);
    }
}
