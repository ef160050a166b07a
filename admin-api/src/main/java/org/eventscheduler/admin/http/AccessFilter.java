package org.eventscheduler.admin.http;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Optional;
import org.eventscheduler.admin.security.AdminTokens;
import org.eventscheduler.admin.security.Caller;
import org.eventscheduler.admin.security.Role;

/**
 * Guards {@code /admin} and {@code /internal}: the admin API's own rate limit (resilience4j, 429 past
 * it), then a bearer token: on {@code /admin} a viewer may read and an operator may also act (401
 * without a valid token, 403 with too small a role); on {@code /internal} only the peer token passes.
 * {@code /metrics} and the health probes are open, as scrapers and orchestrators expect.
 */
final class AccessFilter implements Filter {
    private final AdminTokens tokens;
    private final RateLimiter limiter;

    AccessFilter(AdminTokens tokens, RateLimiter limiter) {
        this.tokens = tokens;
        this.limiter = limiter;
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
            if (bearer.isPresent() && tokens.isPeer(bearer.get())) {
                chain.proceed();
            } else {
                refuse(response, Status.UNAUTHORIZED_401, "the internal API needs the peer token");
            }
            return;
        }
        if (!limiter.acquirePermission()) {
            // the limiter hands out new permits every second
            response.header(HeaderNames.RETRY_AFTER, "1");
            refuse(response, Status.TOO_MANY_REQUESTS_429, "the admin API is over its request rate; retry shortly");
            return;
        }
        if (bearer.isEmpty()) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
            refuse(response, Status.UNAUTHORIZED_401, "a bearer token is required (Authorization: Bearer <token>)");
            return;
        }
        Optional<Caller> caller = tokens.authenticate(bearer.get());
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

    private static void refuse(RoutingResponse response, Status status, String message) {
        ApiError.send(response, status, message);
    }
}
