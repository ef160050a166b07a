package org.eventscheduler.topology.trigger;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trigger definitions this instance knows, compiled, and the index the matcher uses. Written by
 * the global-store processor (one thread), read by every stream thread: definitions live in a
 * concurrent map and the index is rebuilt lazily, once per batch of changes, on the next read.
 */
public final class TriggerRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerRegistry.class);

    private final TriggerDefaults defaults;
    private final Map<String, Trigger> triggers = new ConcurrentHashMap<>();
    private final Map<String, String> rejected = new ConcurrentHashMap<>();
    private volatile TriggerIndex index = TriggerIndex.EMPTY;
    private volatile boolean stale;

    public TriggerRegistry(TriggerDefaults defaults) {
        this.defaults = defaults;
    }

    public TriggerDefaults defaults() {
        return defaults;
    }

    /**
     * Applies one record of {@code scheduler.triggers}: a valid definition replaces the trigger; an
     * invalid one takes the trigger out of matching (until a valid definition arrives) and is reported,
     * never touching the other triggers; an empty value deletes it.
     *
     * @return the problem with the definition, when it was rejected
     */
    public Optional<InvalidTriggerException> apply(String id, Optional<byte[]> json) {
        if (json.isEmpty()) {
            triggers.remove(id);
            rejected.remove(id);
            stale = true;
            return Optional.empty();
        }
        try {
            triggers.put(id, TriggerDefinitions.compile(TriggerDefinitions.fromRecord(id, json.get()), defaults));
            rejected.remove(id);
            stale = true;
            return Optional.empty();
        } catch (InvalidTriggerException invalid) {
            triggers.remove(id);
            rejected.put(id, invalid.getMessage());
            stale = true;
            LOG.atError()
                    .addKeyValue("entity", "trigger:" + id)
                    .addKeyValue("reason", "invalid-trigger")
                    .log("rejected the definition of trigger {}: {}; the trigger matches nothing until it is fixed",
                            id, invalid.getMessage());
            return Optional.of(invalid);
        }
    }

    /** The index of the enabled triggers, rebuilt if definitions changed since the last read. */
    TriggerIndex index() {
        if (stale) {
            synchronized (this) {
                if (stale) {
                    stale = false;
                    index = new TriggerIndex(triggers.values());
                }
            }
        }
        return index;
    }

    /** A trigger by id, enabled or not; empty when unknown or rejected. */
    public Optional<Trigger> trigger(String id) {
        return Optional.ofNullable(triggers.get(id));
    }

    /** What guards trigger {@code id}: its own policy, or the defaults when it is unknown or rejected. */
    public TriggerPolicy policyOf(String id) {
        return defaults.policyOf(trigger(id));
    }

    /** Why the definition of {@code id} was rejected, if it was. */
    public Optional<String> rejection(String id) {
        return Optional.ofNullable(rejected.get(id));
    }

    public int size() {
        return triggers.size();
    }
}
