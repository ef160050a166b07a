package org.eventscheduler.admin.http;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.Optional;
import org.eventscheduler.admin.security.AdminTokens;
import org.eventscheduler.admin.security.Caller;
import org.eventscheduler.admin.security.Role;

/**
 * Guards {@code /admin} and {@code /internal}, authentication first: the bearer token says who calls,
 * then that caller's own budget is spent (resilience4j rate limiters: one per token name, one shared by
 * every request without a valid token; 429 past it), then the role is checked: on {@code /admin} a viewer
 * may read and an operator may also act (401 without a valid token, 403 with too small a role); on
 * {@code /internal} only the peer token passes (with {@code admin.tls.client-auth: peers}, only over a
 * connection that presented a verified client certificate), without a budget (peers ask on behalf of a
 * request that already spent one). {@code /metrics} and the health probes are open, as scrapers and orchestrators expect.
 */
final class AccessFilter implements Filter {
    /** The name of the limiter every request without a valid token shares; a token's is {@code token:NAME}. */
    static final String ANONYMOUS = "anonymous";
    private static final String TOKEN = "token:";

    private final AdminTokens tokens;
    private final boolean peersPresentCertificates;
    private final RateLimiterRegistry limiters;
    private final RateLimiter anonymous;

    /**
     * @param peersPresentCertificates whether {@code /internal} also needs a client certificate (verified by
     *                  the TLS handshake against {@code admin.tls.ca}): mutual TLS between instances
     * @param limiters  per-token limiters, created on first use by the token's name with the registry's default config
     * @param anonymous the limiter of requests without a valid token
     */
    AccessFilter(AdminTokens tokens, boolean peersPresentCertificates, RateLimiterRegistry limiters, RateLimiter anonymous) {
        this.tokens = tokens;
        this.peersPresentCertificates = peersPresentCertificates;
        this.limiters = limiters;
        this.anonymous = anonymous;
    }

    /** A registry whose limiters refill {@code perSecond} permits every second and never make a caller wait. */
    static RateLimiterConfig perSecond(int perSecond) {
        return RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        // the request guard has let only known resources and their methods through
        AdminResources.Access access = AdminResources.match(request.path().path()).access();
        if (access == AdminResources.Access.OPEN) {
            chain.proceed();
            return;
        }
        Optional<String> bearer = request.headers().first(HeaderNames.AUTHORIZATION)
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).trim())
                .filter(value -> !value.isEmpty());
        if (access == AdminResources.Access.PEER) {
            boolean certified = !peersPresentCertificates || request.remotePeer().tlsCertificates()
                    .filter(certificates -> certificates.length > 0).isPresent();
            if (certified && bearer.isPresent() && tokens.isPeer(bearer.get())) {
                chain.proceed();
            } else if (overBudget(anonymous, response)) {
                return;
            } else {
                refuse(response, Status.UNAUTHORIZED_401, certified ? "the internal API needs the peer token"
                        : "the internal API needs a peer's client certificate (admin.tls.client-auth: peers)");
            }
            return;
        }
        Optional<Caller> caller = bearer.flatMap(tokens::authenticate);
        if (overBudget(caller.map(c -> limiters.rateLimiter(TOKEN + c.name())).orElse(anonymous), response)) {
            return;
        }
        if (bearer.isEmpty()) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
            refuse(response, Status.UNAUTHORIZED_401, "a bearer token is required (Authorization: Bearer <token>)");
            return;
        }
        if (caller.isEmpty()) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            refuse(response, Status.UNAUTHORIZED_401, "the bearer token is not valid");
            return;
        }
        Method method = request.prologue().method();
        Role needed = method.equals(Method.GET) || method.equals(Method.HEAD) ? Role.VIEWER : Role.OPERATOR;
        if (!caller.get().role().allows(needed)) {
            refuse(response, Status.FORBIDDEN_403, "this action needs the " + needed.code() + " role; token "
                    + caller.get().name() + " has " + caller.get().role().code());
            return;
        }
        request.context().register(caller.get());
        chain.proceed();
    }

    /** Spends one permit of {@code limiter}; when there is none, answers 429 and says so. */
    private static boolean overBudget(RateLimiter limiter, RoutingResponse response) {
        if (limiter.acquirePermission()) {
            return false;
        }
        // the limiter hands out new permits every second
        response.header(HeaderNames.RETRY_AFTER, "1");
        refuse(response, Status.TOO_MANY_REQUESTS_429, limiter.getName().equals(ANONYMOUS)
                ? "requests without a valid token are over their shared rate; retry shortly"
                : "token " + limiter.getName().substring(TOKEN.length()) + " is over its request rate; retry shortly");
        return true;
    }

    private static void refuse(RoutingResponse response, Status status, String message) {
        ApiError.send(response, status, message);
    }
}
