package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.event.CloudEventDeserializer;
import org.eventscheduler.topology.event.IngressEvent;

/**
 * An admitted event as triggers see it: the event in the CloudEvents JSON format, built at most once
 * and only when a trigger needs it (a content filter, or an input built from the event). Whatever the
 * encoding it arrived in, the event has one canonical form, decided by its {@code datacontenttype}:
 *
 * <ul>
 *   <li>JSON data ({@code application/json}, {@code text/json}, {@code +json}, or no content type and
 *       data that parses as JSON) is the JSON value in {@code data};
 *   <li>text data ({@code text/*}, {@code application/xml}, {@code +xml}) that is valid UTF-8 is a
 *       string in {@code data};
 *   <li>anything else is Base64 in {@code data_base64}.
 * </ul>
 *
 * A structured event that carries text or JSON as {@code data_base64} (the CloudEvents SDK does so by
 * default for non-JSON types) is shown decoded in {@code data}, so a trigger sees the same input
 * whichever encoding the producer chose. Extensions keep their types: structured events carry them as
 * JSON; in binary mode, where the Kafka binding carries every attribute as a string, an extension in
 * the canonical form of a CloudEvents Boolean ({@code true}, {@code false}) or Integer (32-bit
 * decimal) becomes a JSON boolean or number, and any other value (String, URI, URI-reference,
 * Timestamp, Binary) a JSON string, as the JSON format writes them. Nothing here fails: every valid
 * CloudEvent has a canonical form.
 */
final class EventEnvelope {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,9})");

    private final IngressEvent event;
    private final Headers headers;
    private ObjectNode envelope;
    /** A structured event's {@code data}, read alone for the content filters. */
    private JsonNode data;

    EventEnvelope(IngressEvent event, Headers headers) {
        this.event = event;
        this.headers = headers;
    }

    IngressEvent event() {
        return event;
    }

    /**
     * The event's data as {@code from: data} passes it: the JSON value or the text in {@code data}, else
     * the Base64 string in {@code data_base64}, else JSON {@code null} for an event without data.
     */
    JsonNode dataInput() {
        JsonNode data = envelope().get("data");
        if (data != null) {
            return data;
        }
        JsonNode base64 = envelope().get("data_base64");
        return base64 != null ? base64 : NullNode.getInstance();
    }

    /**
     * {@link #dataInput()} as JSON bytes. A structured event's object or array {@code data} is cut from
     * the event as it arrived (the deserializer located it), and a binary event's JSON data is the record
     * value itself: neither is parsed again.
     */
    byte[] dataInputJson() {
        if (event.mode() == IngressEvent.Mode.STRUCTURED && event.hasDataRange()) {
            return java.util.Arrays.copyOfRange(event.value(), event.dataStart(), event.dataEnd());
        }
        if (event.mode() == IngressEvent.Mode.BINARY && event.value().length > 0
                && CloudEventDeserializer.isJson(SchedulerHeaders.lastString(headers, SchedulerHeaders.CONTENT_TYPE).orElse(""))) {
            // validated as JSON by the deserializer
            return event.value();
        }
        return json(dataInput());
    }

    /**
     * {@link #envelope()} as JSON bytes: a structured event whose data is a JSON object or array is
     * already in its canonical form and is passed on as it arrived.
     */
    byte[] envelopeJson() {
        if (event.mode() == IngressEvent.Mode.STRUCTURED && event.hasDataRange()) {
            return event.value();
        }
        return json(envelope());
    }

    static byte[] json(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    /**
     * What content filters look at: the event's {@code data}; missing when it has none or it is binary. A
     * structured event's {@code data} (located by the deserializer) is read alone, not the whole event.
     */
    JsonNode data() {
        if (envelope == null && event.mode() == IngressEvent.Mode.STRUCTURED && event.hasDataRange()) {
            if (data == null) {
                try {
                    data = JSON.readTree(event.value(), event.dataStart(), event.dataEnd() - event.dataStart());
                } catch (IOException e) {
                    // the deserializer located a JSON value there
                    throw new UncheckedIOException("an admitted event's data is not JSON", e);
                }
            }
            return data;
        }
        JsonNode data = envelope().get("data");
        return data == null ? MissingNode.getInstance() : data;
    }

    /** The whole event in the CloudEvents JSON format: attributes, extensions and data. */
    ObjectNode envelope() {
        if (envelope == null) {
            envelope = event.mode() == IngressEvent.Mode.STRUCTURED ? structured() : binary();
        }
        return envelope;
    }

    private ObjectNode structured() {
        ObjectNode node;
        try {
            node = (ObjectNode) JSON.readTree(event.value());
        } catch (IOException e) {
            // the deserializer admitted only a JSON object
            throw new UncheckedIOException("an admitted structured event is not a JSON object", e);
        }
        JsonNode base64 = node.get("data_base64");
        if (base64 != null && base64.isTextual()) {
            Optional<JsonNode> decoded = readable(contentType(node), Base64.getDecoder().decode(base64.asText()));
            decoded.ifPresent(data -> {
                node.remove("data_base64");
                node.set("data", data);
            });
        }
        return node;
    }

    private ObjectNode binary() {
        ObjectNode node = JSON.createObjectNode();
        for (Header header : headers) {
            String key = header.key();
            if (key.startsWith(SchedulerHeaders.CE_PREFIX) && header.value() != null) {
                String name = key.substring(SchedulerHeaders.CE_PREFIX.length());
                String value = new String(header.value(), StandardCharsets.UTF_8);
                node.set(name, CloudEventDeserializer.isContextAttribute(name) ? TextNode.valueOf(value) : extension(value));
            }
        }
        SchedulerHeaders.lastString(headers, SchedulerHeaders.CONTENT_TYPE)
                .ifPresent(type -> node.put("datacontenttype", type));
        byte[] data = event.value();
        if (data.length > 0) {
            readable(contentType(node), data).ifPresentOrElse(value -> node.set("data", value),
                    () -> node.put("data_base64", Base64.getEncoder().encodeToString(data)));
        }
        return node;
    }

    /** A binary-mode extension: a JSON boolean or number when the string is the canonical form of one. */
    private static JsonNode extension(String value) {
        if (value.equals("true") || value.equals("false")) {
            return BooleanNode.valueOf(Boolean.parseBoolean(value));
        }
        if (INTEGER.matcher(value).matches()) {
            long number = Long.parseLong(value);
            if (number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE) {
                return IntNode.valueOf((int) number);
            }
        }
        return TextNode.valueOf(value);
    }

    private static String contentType(ObjectNode node) {
        JsonNode type = node.get("datacontenttype");
        return type == null || !type.isTextual() ? "" : type.asText();
    }

    /** The data as a JSON value (JSON data) or a JSON string (text data); empty for binary data. */
    private static Optional<JsonNode> readable(String contentType, byte[] data) {
        if (contentType.isEmpty() || CloudEventDeserializer.isJson(contentType)) {
            try {
                JsonNode value = JSON.readTree(data);
                return value.isMissingNode() ? Optional.empty() : Optional.of(value);
            } catch (IOException notJson) {
                // no content type and not JSON: the bytes go as they are, in Base64
                return Optional.empty();
            }
        }
        if (isText(contentType)) {
            return utf8(data).map(TextNode::valueOf);
        }
        return Optional.empty();
    }

    static boolean isText(String contentType) {
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.startsWith("text/") || mediaType.equals("application/xml") || mediaType.endsWith("+xml");
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** The event lacks what a trigger needs from it (a field its input is built from): the event's fault. */
    static final class EventProblem extends RuntimeException {
        EventProblem(String message) {
            super(message, null, false, false);
        }
    }
}
