package org.eventscheduler.admin.http;

import io.helidon.http.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The resources the admin server serves and the methods each takes: what an unknown path (404) and a
 * method a path does not have (405, with {@code Allow}) are decided from, before any handler runs. Keep it
 * in step with the services' routes ({@code AdminApiIT} sends every resource a request it takes).
 */
final class AdminResources {
    /** Who may call a resource. */
    enum Access {
        /** anyone: scrapers and orchestrators */
        OPEN,
        /** an admin token ({@code viewer} reads, {@code operator} also acts) */
        ADMIN,
        /** the peer token of the deployment */
        PEER
    }

    private record Resource(Pattern path, Access access, Set<Method> methods) {
        Resource(String regex, Access access, Method... methods) {
            this(Pattern.compile(regex), access, Set.of(methods));
        }
    }

    /** What a path is: its access and every method some resource at it takes; {@link #UNKNOWN} for none. */
    record Match(Access access, Set<Method> methods) {
        boolean known() {
            return !methods.isEmpty();
        }

        /** The {@code Allow} header's value: the methods in a stable order. */
        String allow() {
            return String.join(", ", methods.stream().map(Method::text).sorted().toList());
        }
    }

    static final Match UNKNOWN = new Match(Access.OPEN, Set.of());

    // source ids are the rest of the path and may contain '/'; trigger ids are one segment
    private static final List<Resource> RESOURCES = List.of(
            new Resource("/admin/event-health", Access.ADMIN, Method.GET),
            new Resource("/admin/paused", Access.ADMIN, Method.GET),
            new Resource("/admin/held", Access.ADMIN, Method.GET),
            new Resource("/admin/sources/.+", Access.ADMIN, Method.GET),
            new Resource("/admin/sources/.+/(pause|resume|release|discard)", Access.ADMIN, Method.POST),
            new Resource("/admin/triggers/?", Access.ADMIN, Method.GET),
            new Resource("/admin/triggers/[^/]+", Access.ADMIN, Method.GET, Method.PUT, Method.DELETE),
            new Resource("/admin/triggers/[^/]+/held", Access.ADMIN, Method.GET),
            new Resource("/admin/triggers/[^/]+/(pause|resume|release|discard)", Access.ADMIN, Method.POST),
            new Resource("/admin/dlq/?", Access.ADMIN, Method.GET),
            new Resource("/internal/status", Access.PEER, Method.GET),
            new Resource("/internal/sources/.+", Access.PEER, Method.GET),
            new Resource("/internal/triggers/[^/]+", Access.PEER, Method.GET),
            new Resource("/internal/held/sources/.+", Access.PEER, Method.GET),
            new Resource("/internal/held/triggers/[^/]+", Access.PEER, Method.GET),
            new Resource("/metrics/?", Access.OPEN, Method.GET),
            // Helidon's observe feature: health, liveness, readiness
            new Resource("/observe/health(/live|/ready|/started)?", Access.OPEN, Method.GET, Method.HEAD));

    private AdminResources() {
    }

    /** The resource at {@code path} (the decoded path, as Helidon routes it). */
    static Match match(String path) {
        Set<Method> methods = new LinkedHashSet<>();
        Access access = null;
        for (Resource resource : RESOURCES) {
            if (resource.path().matcher(path).matches()) {
                methods.addAll(resource.methods());
                access = resource.access();
            }
        }
        return access == null ? UNKNOWN : new Match(access, Set.copyOf(methods));
    }
}
