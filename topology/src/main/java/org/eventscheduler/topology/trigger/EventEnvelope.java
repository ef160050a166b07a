package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.event.IngressEvent;

/**
 * An admitted event as triggers see it: its attributes and its {@code data} as JSON, parsed at most
 * once and only when a trigger needs it (a content filter, or an input built from the event).
 */
final class EventEnvelope {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IngressEvent event;
    private final Headers headers;
    private JsonNode parsed;
    private String problem;

    EventEnvelope(IngressEvent event, Headers headers) {
        this.event = event;
        this.headers = headers;
    }

    IngressEvent event() {
        return event;
    }

    /** The event's {@code data}; missing when it has none. */
    JsonNode data() {
        JsonNode envelope = envelope();
        JsonNode data = envelope.get("data");
        return data == null ? MissingNode.getInstance() : data;
    }

    /** The whole event in the CloudEvents JSON format: attributes and {@code data}. */
    JsonNode envelope() {
        if (parsed == null && problem == null) {
            parse();
        }
        if (problem != null) {
            throw new EvaluationProblem(problem);
        }
        return parsed;
    }

    private void parse() {
        try {
            if (event.mode() == IngressEvent.Mode.STRUCTURED) {
                parsed = JSON.readTree(event.value());
                return;
            }
            ObjectNode envelope = JSON.createObjectNode();
            for (Header header : headers) {
                if (header.key().startsWith(SchedulerHeaders.CE_PREFIX) && header.value() != null) {
                    envelope.put(header.key().substring(SchedulerHeaders.CE_PREFIX.length()),
                            new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            SchedulerHeaders.lastString(headers, SchedulerHeaders.CONTENT_TYPE)
                    .ifPresent(type -> envelope.put("datacontenttype", type));
            if (event.value().length > 0) {
                String contentType = envelope.path("datacontenttype").asText("");
                if (!org.eventscheduler.topology.event.CloudEventDeserializer.isJson(contentType)) {
                    problem = "data is not JSON (content type " + (contentType.isEmpty() ? "none" : contentType) + ")";
                    return;
                }
                envelope.set("data", JSON.readTree(event.value()));
            }
            parsed = envelope;
        } catch (IOException e) {
            problem = "data cannot be read as JSON: " + e.getMessage();
        }
    }

    /** The event cannot be read the way a trigger needs it. */
    static final class EvaluationProblem extends RuntimeException {
        EvaluationProblem(String message) {
            super(message, null, false, false);
        }
    }
}
