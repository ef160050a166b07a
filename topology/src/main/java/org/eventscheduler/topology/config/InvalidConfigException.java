package org.eventscheduler.topology.config;

/**
 * A configuration value that cannot be used. Names the offending key (relative to the object that
 * rejected it; the loader prefixes the path) and says what is wrong with it, in one line.
 */
public final class InvalidConfigException extends IllegalArgumentException {
    private final String key;
    private final String problem;

    public InvalidConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
        this.problem = problem;
    }

    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }

    /** Fails with an {@link InvalidConfigException} unless {@code condition} holds. */
    public static void require(boolean condition, String key, String problem) {
        if (!condition) {
            throw new InvalidConfigException(key, problem);
        }
    }
}
