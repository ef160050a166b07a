package org.eventscheduler.topology.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eventscheduler.topology.failure.Failures;

/** Turns Jackson's binding errors into {@link InvalidConfigException}s that name the key. */
public final class ConfigErrors {
    private ConfigErrors() {
    }

    /** The key path of a binding error, e.g. {@code source-limits.overrides[0].action}. */
    public static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    /** One {@link InvalidConfigException} for a binding error, with the full key path. */
    public static InvalidConfigException describe(JsonMappingException e) {
        String path = path(e);
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return new InvalidConfigException(path, "unknown key" + (known.isEmpty() ? "" : "; known here: " + known));
        }
        Optional<InvalidConfigException> cause = invalidConfigCause(e);
        if (cause.isPresent()) {
            String key = cause.get().key();
            String full = path.isEmpty() ? key : path.endsWith(key) ? path : path + "." + key;
            return new InvalidConfigException(full, cause.get().problem());
        }
        Throwable root = Failures.rootCause(e);
        String problem = root instanceof JsonMappingException mapping ? mapping.getOriginalMessage()
                : root.getMessage() == null ? root.toString() : root.getMessage();
        return new InvalidConfigException(path.isEmpty() ? "value" : path, problem);
    }

    private static Optional<InvalidConfigException> invalidConfigCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof InvalidConfigException invalid) {
                return Optional.of(invalid);
            }
        }
        return Optional.empty();
    }
}
