package org.eventscheduler.admin.http;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the admin server. A static function of the API objects, so that tests run the same
 * routing in memory and on a real socket.
 *
 * <pre>
 * GET  /admin/event-health                   viewer      cluster-wide health (503 when CRITICAL)
 * GET  /admin/paused                         viewer      paused sources and triggers of the cluster
 * GET  /admin/held                           viewer      what the cluster's sources and triggers hold back
 * GET  /admin/sources/{id}                   viewer      a source's state, from the instance owning it
 * GET  /admin/sources/{id}/held              viewer      what it holds: counts, next check, first records
 * POST /admin/sources/{id}/pause|resume      operator    operator command (control topic)
 * POST /admin/sources/{id}/release|discard   operator    what it holds: let go now, or dead-letter
 * GET  /admin/triggers, /admin/triggers/{id} viewer      definitions, validity and state
 * GET  /admin/triggers/{id}/held             viewer      what it holds
 * PUT  /admin/triggers/{id}                  operator    a validated definition (triggers topic)
 * DELETE /admin/triggers/{id}                operator    a tombstone
 * POST /admin/triggers/{id}/pause|resume     operator    operator command
 * POST /admin/triggers/{id}/release|discard  operator    what it holds: let go now, or dead-letter
 * GET  /admin/dlq                            viewer      newest dead-lettered records
 * GET  /internal/...                         peer token  this instance's local stores, for its peers
 * GET  /metrics                              open        Prometheus scrape
 * </pre>
 */
public final class AdminRouting {
    private static final Logger LOG = LoggerFactory.getLogger(AdminRouting.class);

    private AdminRouting() {
    }

    public static void routing(HttpRouting.Builder routing, AdminApi api) {
        // a budget per token (by its name) and one for every request without a valid token, so that no caller
        // can spend another's; resilience4j's own meters: resilience4j_ratelimiter_available_permissions{name=...}
        RateLimiterRegistry limiters = RateLimiterRegistry.of(AccessFilter.perSecond(api.settings().requestsPerSecond()));
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(limiters).bindTo(api.metrics());
        RateLimiter anonymous = limiters.rateLimiter(AccessFilter.ANONYMOUS,
                AccessFilter.perSecond(api.settings().anonymousRequestsPerSecond()));
        EntityService entities = new EntityService(api.commands(), api.entities(), api.settings().maxBodyBytes(), api.clock());
        routing.addFilter(new RequestGuard())
                .addFilter(new AccessFilter(api.tokens(), api.settings().tls().peersPresentCertificates(), limiters, anonymous))
                .register("/admin", new HealthService(api.health()))
                .register("/admin/sources", new SourcesService(api.entities(), entities))
                .register("/admin/triggers", new TriggersService(api.triggers(), api.entities(), entities,
                        api.settings().maxBodyBytes()))
                .register("/admin/dlq", new DlqService(api.dlq(), api.settings().health().timeout()))
                .register("/internal", new InternalService(api.localStatus(), api.entities()))
                .register("/metrics", new MetricsService(api.metrics()))
                .error(ApiException.class, (req, res, e) -> ApiError.send(res, e.status(), e.getMessage()))
                .error(org.eventscheduler.admin.query.CommandWriter.WriteFailedException.class, (req, res, e) ->
                        ApiError.send(res, Status.SERVICE_UNAVAILABLE_503, e.getMessage()))
                // Helidon's own refusals while routing (a path no route took, a parameter it cannot read): their 4xx status
                .error(HttpException.class, (req, res, e) -> {
                    if (e.status().code() >= 500) {
                        LOG.atError().setCause(e).addKeyValue("path", req.path().path()).log("admin request failed");
                    }
                    ApiError.send(res, e.status(), e.status().code() == 404 ? "no such resource: " + req.path().path()
                            : e.getMessage());
                })
                // a bug: logged with its stack trace, answered without it
                .error(Exception.class, (req, res, e) -> {
                    LOG.atError().setCause(e).addKeyValue("path", req.path().path()).log("admin request failed");
                    ApiError.send(res, Status.INTERNAL_SERVER_ERROR_500, "internal error: " + e.getClass().getSimpleName());
                });
    }

    /**
     * What the server answers a request it refuses before routing (a request line or header it cannot
     * parse, an invalid percent-encoding): the same JSON error body as every other refusal.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler json = (request, event, status, headers, message) -> {
            headers.set(HeaderNames.CONTENT_TYPE, "application/json");
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .entity(new ApiError(status.code(), "malformed request: " + status.reasonPhrase()).json())
                    .build();
        };
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
            handlers.addHandler(event, json);
        }
        return handlers.build();
    }
}
