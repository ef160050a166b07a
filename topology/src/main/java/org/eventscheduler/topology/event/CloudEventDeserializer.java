package org.eventscheduler.topology.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.reject.InvalidReason;

/**
 * Reads CloudEvents 1.0 in the Kafka protocol binding, both content modes, and validates them.
 *
 * <p>A record with a {@code ce_specversion} header is a binary-mode event (attributes in {@code ce_}
 * headers, data in the value); any other record is a structured-mode event (one JSON object). Invalid
 * input becomes an {@link InvalidEventException} with a reason code: thrown (and dead-lettered by the
 * deserialization exception handler) when the source could not be read, else returned inside a
 * {@link RejectedEvent} so that the source's breaker counts it before it is dead-lettered.
 *
 * <p>Structured events are read with Jackson's streaming parser: the attributes are captured and
 * {@code data} is skipped token by token, which still checks its syntax and encoding without building
 * a tree.
 */
public final class CloudEventDeserializer implements Deserializer<SourceInput> {
    /** Longest accepted {@code source}: it becomes a state-store key and a record key. */
    public static final int MAX_SOURCE_LENGTH = 512;
    static final String SPEC_VERSION = "1.0";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final int maxEventBytes;

    public CloudEventDeserializer(int maxEventBytes) {
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes must be positive");
        }
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public SourceInput deserialize(String topic, byte[] data) {
        return deserialize(topic, new RecordHeaders(), data);
    }

    /**
     * The event, or, for an invalid event that names its source, a {@link RejectedEvent}; an invalid
     * record without a readable source throws {@link InvalidEventException}.
     */
    @Override
    public SourceInput deserialize(String topic, Headers headers, byte[] data) {
        try {
            return read(headers, data);
        } catch (InvalidEventException invalid) {
            if (invalid.source().isPresent()) {
                return new RejectedEvent(invalid.source().get(), invalid, data == null ? new byte[0] : data);
            }
            throw invalid;
        }
    }

    private IngressEvent read(Headers headers, byte[] data) {
        String headerCorrelationId = headerText(headers, SchedulerHeaders.CORRELATION_ID);
        if (data != null && data.length > maxEventBytes) {
            throw new InvalidEventException(InvalidReason.OVERSIZE,
                    "value of " + data.length + " bytes exceeds ingress.max-event-bytes=" + maxEventBytes,
                    headerCorrelationId, null);
        }
        Attributes attributes = headers.lastHeader(SchedulerHeaders.CE_PREFIX + "specversion") != null
                ? binaryAttributes(headers, headerCorrelationId, data)
                : structuredAttributes(headerCorrelationId, data);
        return attributes.toEvent(data);
    }

    private static Attributes structuredAttributes(String headerCorrelationId, byte[] data) {
        Attributes attributes = new Attributes(IngressEvent.Mode.STRUCTURED, headerCorrelationId);
        if (data == null || data.length == 0) {
            throw attributes.invalid(InvalidReason.INVALID_JSON, "empty value: a structured CloudEvent is a JSON object");
        }
        boolean hasData = false;
        boolean hasBase64 = false;
        try (JsonParser parser = JSON.createParser(data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw attributes.invalid(InvalidReason.INVALID_JSON, "value is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken valueToken = parser.nextToken();
                if (Attributes.isStringAttribute(name)) {
                    if (valueToken != JsonToken.VALUE_STRING) {
                        throw attributes.invalid(InvalidReason.INVALID_ATTRIBUTE, name + " must be a JSON string");
                    }
                    attributes.set(name, parser.getText());
                } else if (name.equals("data_base64")) {
                    if (valueToken != JsonToken.VALUE_STRING) {
                        throw attributes.invalid(InvalidReason.INVALID_ATTRIBUTE, "data_base64 must be a JSON string");
                    }
                    requireBase64(attributes, parser.getText());
                    hasBase64 = true;
                } else if (name.equals("data")) {
                    hasData = true;
                    if (valueToken == JsonToken.START_OBJECT || valueToken == JsonToken.START_ARRAY) {
                        // an object or array ends at its closing bracket: its bytes can be passed on as they are
                        int start = (int) parser.currentTokenLocation().getByteOffset();
                        parser.skipChildren();
                        attributes.dataRange(start, (int) parser.currentLocation().getByteOffset());
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (hasData && hasBase64) {
                throw attributes.invalid(InvalidReason.INVALID_ATTRIBUTE, "data and data_base64 must not both be present");
            }
            if (parser.nextToken() != null) {
                throw attributes.invalid(InvalidReason.INVALID_JSON, "content after the end of the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw attributes.invalid(isUtf8(data) ? InvalidReason.INVALID_JSON : InvalidReason.UNDECODABLE,
                    e.getOriginalMessage());
        } catch (IOException e) {
            throw attributes.invalid(InvalidReason.INVALID_JSON, e.getMessage());
        }
        return attributes;
    }

    private static Attributes binaryAttributes(Headers headers, String headerCorrelationId, byte[] data) {
        Attributes attributes = new Attributes(IngressEvent.Mode.BINARY, headerCorrelationId);
        for (Header header : headers) {
            String key = header.key();
            if (key.startsWith(SchedulerHeaders.CE_PREFIX)) {
                String name = key.substring(SchedulerHeaders.CE_PREFIX.length());
                String value = decodeHeader(attributes, key, header.value());
                if (Attributes.isStringAttribute(name)) {
                    attributes.set(name, value);
                }
            }
        }
        String contentType = headerText(headers, SchedulerHeaders.CONTENT_TYPE);
        if (contentType != null) {
            attributes.set("datacontenttype", contentType);
        }
        if (data != null && data.length > 0 && isJson(contentType)) {
            requireJson(attributes, data);
        }
        return attributes;
    }

    private static void requireJson(Attributes attributes, byte[] data) {
        try (JsonParser parser = JSON.createParser(data)) {
            if (parser.nextToken() == null) {
                throw attributes.invalid(InvalidReason.INVALID_JSON, "data is empty");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw attributes.invalid(InvalidReason.INVALID_JSON, "content after the end of the JSON data");
            }
        } catch (JsonProcessingException e) {
            throw attributes.invalid(isUtf8(data) ? InvalidReason.INVALID_JSON : InvalidReason.UNDECODABLE,
                    "data: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw attributes.invalid(InvalidReason.INVALID_JSON, "data: " + e.getMessage());
        }
    }

    private static void requireBase64(Attributes attributes, String text) {
        try {
            java.util.Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw attributes.invalid(InvalidReason.INVALID_ATTRIBUTE, "data_base64 is not Base64: " + e.getMessage());
        }
    }

    /**
     * Whether {@code name} is a CloudEvents 1.0 context attribute (required or optional), as opposed to an
     * extension: {@code specversion id source type time subject datacontenttype dataschema}.
     */
    public static boolean isContextAttribute(String name) {
        return switch (name) {
            case "specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema" -> true;
            default -> false;
        };
    }

    /** JSON per the CloudEvents JSON format: {@code application/json}, {@code text/json}, or any {@code +json} type. */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    private static String headerText(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null || header.value().length == 0) {
            return null;
        }
        try {
            return decodeUtf8(header.value());
        } catch (CharacterCodingException e) {
            throw new InvalidEventException(InvalidReason.UNDECODABLE, "header " + name + " is not UTF-8", null, null);
        }
    }

    private static String decodeHeader(Attributes attributes, String name, byte[] value) {
        if (value == null) {
            return "";
        }
        try {
            return decodeUtf8(value);
        } catch (CharacterCodingException e) {
            throw attributes.invalid(InvalidReason.UNDECODABLE, "header " + name + " is not UTF-8");
        }
    }

    private static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            decodeUtf8(bytes);
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The string attributes of one event as they are read, then validated into an {@link IngressEvent}. */
    private static final class Attributes {
        private final IngressEvent.Mode mode;
        private final String headerCorrelationId;
        private String specVersion;
        private String id;
        private String source;
        private String type;
        private String time;
        private String correlationId;
        private int dataStart = -1;
        private int dataEnd = -1;

        Attributes(IngressEvent.Mode mode, String headerCorrelationId) {
            this.mode = mode;
            this.headerCorrelationId = headerCorrelationId;
        }

        static boolean isStringAttribute(String name) {
            return switch (name) {
                case "specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema",
                     "correlationid" -> true;
                default -> false;
            };
        }

        void set(String name, String value) {
            switch (name) {
                case "specversion" -> specVersion = value;
                case "id" -> id = value;
                case "source" -> source = value;
                case "type" -> type = value;
                case "time" -> time = value;
                case "correlationid" -> correlationId = value;
                default -> {
                    // subject, datacontenttype, dataschema: type-checked, travel unchanged in the value
                }
            }
        }

        /** Where the JSON value of a structured event's {@code data} member lies in the record value. */
        void dataRange(int start, int end) {
            dataStart = start;
            dataEnd = end;
        }

        InvalidEventException invalid(InvalidReason reason, String detail) {
            return new InvalidEventException(reason, detail, correlation(), blankToNull(source));
        }

        /** The {@code correlationid} extension, else the {@code x-correlation-id} header, else the event id. */
        private String correlation() {
            if (blankToNull(correlationId) != null) {
                return correlationId;
            }
            return headerCorrelationId != null ? headerCorrelationId : blankToNull(id);
        }

        IngressEvent toEvent(byte[] data) {
            requirePresent(specVersion, "specversion");
            if (!SPEC_VERSION.equals(specVersion)) {
                throw invalid(InvalidReason.INVALID_ATTRIBUTE, "specversion must be 1.0, was " + specVersion);
            }
            requirePresent(id, "id");
            requirePresent(source, "source");
            requirePresent(type, "type");
            if (source.length() > MAX_SOURCE_LENGTH) {
                throw new InvalidEventException(InvalidReason.INVALID_ATTRIBUTE,
                        "source is longer than " + MAX_SOURCE_LENGTH + " characters", correlation(), null);
            }
            if (time != null) {
                try {
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(time);
                } catch (DateTimeParseException e) {
                    throw invalid(InvalidReason.INVALID_ATTRIBUTE, "time is not an RFC 3339 timestamp: " + time);
                }
            }
            return new IngressEvent(id, source, type, correlation(), mode, data == null ? new byte[0] : data,
                    dataStart, dataEnd);
        }

        private void requirePresent(String value, String name) {
            if (value == null || value.isEmpty()) {
                throw invalid(InvalidReason.MISSING_ATTRIBUTE, name + " is missing or empty");
            }
        }

        private static String blankToNull(String value) {
            return value == null || value.isEmpty() ? null : value;
        }
    }
}
