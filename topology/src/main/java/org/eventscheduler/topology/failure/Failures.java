package org.eventscheduler.topology.failure;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** What an exception comes down to. */
public final class Failures {
    private Failures() {
    }

    /**
     * The last of the exception's causes: the exception itself when it has none. Stops at a cause that
     * is its own cause or one already seen, so a cycle of causes ends instead of looping.
     */
    public static Throwable rootCause(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable root = error;
        seen.add(root);
        while (root.getCause() != null && seen.add(root.getCause())) {
            root = root.getCause();
        }
        return root;
    }
}
