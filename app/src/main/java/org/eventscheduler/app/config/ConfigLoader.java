package org.eventscheduler.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eventscheduler.topology.config.ConfigErrors;
import org.eventscheduler.topology.config.Durations;
import org.eventscheduler.topology.config.InvalidConfigException;

/**
 * Loads the configuration once at start-up: the shipped defaults ({@code scheduler-defaults.yaml}),
 * the file given by the operator laid over them key by key, then environment overrides, bound to
 * {@link SchedulerConfig} and validated. Any problem is one {@link InvalidConfigException} naming the
 * key.
 *
 * <p>Environment overrides: {@code SCHEDULER_} followed by the key path, sections separated by two
 * underscores, dashes written as one underscore: {@code SCHEDULER_KAFKA__BOOTSTRAP_SERVERS} sets
 * {@code kafka.bootstrap-servers}.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "SCHEDULER_";
    private static final String DEFAULTS = "/scheduler-defaults.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new Jdk8Module())
            .registerModule(Durations.jacksonModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

    private ConfigLoader() {
    }

    /** The defaults, {@code file} over them if given, and the {@code SCHEDULER_*} variables of {@code env} over both. */
    public static SchedulerConfig load(Optional<Path> file, Map<String, String> env) {
        JsonNode merged = defaults();
        if (file.isPresent()) {
            merge((ObjectNode) merged, readFile(file.get()));
        }
        applyEnvironment((ObjectNode) merged, env);
        SchedulerConfig config = bind(merged);
        if (config.instanceId().isBlank()) {
            throw new InvalidConfigException("instance-id", "is required");
        }
        return config;
    }

    private static JsonNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
            }
            ObjectNode defaults = (ObjectNode) YAML.readTree(in);
            if (defaults.path("instance-id").asText().isBlank()) {
                defaults.put("instance-id", hostName());
            }
            return defaults;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS, e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "event-scheduler-" + ProcessHandle.current().pid();
        }
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException("--config", "no such file: " + file);
        }
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw new InvalidConfigException("--config", file + " is not a YAML mapping of keys");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("--config", file + " is not valid YAML: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new InvalidConfigException("--config", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Lays {@code override} over {@code base}: mappings merge key by key, anything else replaces. */
    static void merge(ObjectNode base, JsonNode override) {
        Iterator<Map.Entry<String, JsonNode>> fields = override.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue().isObject()) {
                merge(existingObject, field.getValue());
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }

    static void applyEnvironment(ObjectNode root, Map<String, String> env) {
        for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            if (!variable.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String[] path = variable.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).split("__");
            ObjectNode section = root;
            for (int i = 0; i < path.length - 1; i++) {
                String key = path[i].replace('_', '-');
                JsonNode child = section.get(key);
                if (child == null) {
                    child = section.putObject(key);
                } else if (!(child instanceof ObjectNode)) {
                    throw new InvalidConfigException(variable.getKey(), "names " + key + ", which is not a section");
                }
                section = (ObjectNode) child;
            }
            String key = path[path.length - 1].replace('_', '-');
            JsonNode value = environmentValue(variable.getKey(), variable.getValue());
            if (section.get(key) instanceof ObjectNode existing && value.isObject()) {
                // a mapping merges, as a file's does: a Secret can add one client property to those of the file
                merge(existing, value);
            } else {
                section.set(key, value);
            }
        }
    }

    /** A value from the environment: text, or, when it starts with '[' or '{', a YAML/JSON list or mapping. */
    private static JsonNode environmentValue(String variable, String value) {
        String trimmed = value.trim();
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
            try {
                return YAML.readTree(trimmed);
            } catch (JsonProcessingException e) {
                throw new InvalidConfigException(variable, "is not a valid list or mapping: " + e.getOriginalMessage());
            }
        }
        return new TextNode(value);
    }

    private static SchedulerConfig bind(JsonNode merged) {
        try {
            return YAML.treeToValue(merged, SchedulerConfig.class);
        } catch (JsonMappingException e) {
            throw ConfigErrors.describe(e);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("configuration", e.getOriginalMessage());
        }
    }
}
