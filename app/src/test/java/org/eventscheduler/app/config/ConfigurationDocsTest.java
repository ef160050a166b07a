package org.eventscheduler.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents exactly the keys of the shipped defaults, with their default values. */
class ConfigurationDocsTest {
    /** Keys whose value is a free-form map: documented as a whole, not key by key. */
    private static final Set<String> OPEN_MAPS = Set.of("kafka.client-properties", "topic-provisioning.configs",
            "admin.health.lag-seconds", "admin.health.dlq-per-minute", "admin.health.paused-entities",
            "admin.health.held-records", "admin.health.held-age-seconds");
    private static final Pattern DOCUMENTED_KEY = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|", Pattern.MULTILINE);
    /** A documented key and its default column. */
    private static final Pattern DOCUMENTED_DEFAULT = Pattern.compile("^\\| `([a-z0-9.-]+)` \\| ([^|]+) \\|", Pattern.MULTILINE);
    /** Defaults documented in words, not as a value. */
    private static final Map<String, String> IN_WORDS = Map.of("instance-id", "the host name",
            "topic-provisioning.configs", "see below");

    private JsonNode defaults() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/scheduler-defaults.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    private static List<String> keysOf(JsonNode defaults) {
        List<String> keys = new ArrayList<>();
        collect("", defaults, keys);
        return keys;
    }

    private static String docs() throws IOException {
        return Files.readString(Path.of("../docs/configuration.md"), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDocumentEveryKeyAndNoOther() throws IOException {
        List<String> documented = new ArrayList<>();
        Matcher matcher = DOCUMENTED_KEY.matcher(docs());
        while (matcher.find()) {
            documented.add(matcher.group(1));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(keysOf(defaults()));
    }

    @Test
    void shouldDocumentTheShippedDefaultOfEveryKey() throws IOException {
        JsonNode defaults = defaults();
        Map<String, String> documented = new java.util.HashMap<>();
        Matcher matcher = DOCUMENTED_DEFAULT.matcher(docs());
        while (matcher.find()) {
            documented.put(matcher.group(1), matcher.group(2).trim());
        }
        for (String key : keysOf(defaults)) {
            String expected = IN_WORDS.containsKey(key) ? IN_WORDS.get(key)
                    : "`" + rendered(defaults.at("/" + key.replace(".", "/"))) + "`";
            assertThat(documented.get(key)).as(key).isEqualTo(expected);
        }
    }

    /** A default as the docs write it: the scalar, {@code ""}, {@code []}, {@code {}}, or a flow map of scalars. */
    private static String rendered(JsonNode value) {
        if (value.isObject()) {
            List<String> fields = new ArrayList<>();
            value.properties().forEach(field -> fields.add(field.getKey() + ": " + rendered(field.getValue())));
            return "{" + String.join(", ", fields) + "}";
        }
        if (value.isArray()) {
            assertThat(value).as("a non-empty list default is documented by hand").isEmpty();
            return "[]";
        }
        return value.asText().isEmpty() ? "\"\"" : value.asText();
    }

    private static void collect(String prefix, JsonNode node, List<String> keys) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (field.getValue().isObject() && !OPEN_MAPS.contains(key)) {
                collect(key, field.getValue(), keys);
            } else {
                keys.add(key);
            }
        }
    }
}
