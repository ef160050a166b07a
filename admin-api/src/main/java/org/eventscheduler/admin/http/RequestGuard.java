package org.eventscheduler.admin.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The first filter of every request: a malformed path or query is a 400 (too long, an encoded '/' or
 * '\', a '.' or '..' segment, a control character, a bad percent-encoding or UTF-8), an unknown path a
 * 404, and a method the path does not have a 405 with {@code Allow}, all with the JSON error body, before
 * any token is checked or any budget spent.
 */
final class RequestGuard implements Filter {
    static final int MAX_PATH_LENGTH = 2048;
    static final int MAX_QUERY_LENGTH = 2048;

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        Optional<String> malformed = malformed(request.prologue().uriPath().rawPath(), request.prologue().query().rawValue());
        if (malformed.isPresent()) {
            ApiError.send(response, Status.BAD_REQUEST_400, malformed.get());
            return;
        }
        Method method = request.prologue().method();
        AdminResources.Match match = AdminResources.match(request.path().path());
        if (!match.known()) {
            ApiError.send(response, Status.NOT_FOUND_404, "no such resource: " + request.path().path());
            return;
        }
        if (!match.methods().contains(method)) {
            response.header(HeaderNames.ALLOW, match.allow());
            ApiError.send(response, Status.METHOD_NOT_ALLOWED_405, method.text() + " is not allowed on "
                    + request.path().path() + "; allowed: " + match.allow());
            return;
        }
        chain.proceed();
    }

    /** What is wrong with a raw path and query, if anything. */
    static Optional<String> malformed(String rawPath, String rawQuery) {
        if (rawPath.length() > MAX_PATH_LENGTH) {
            return Optional.of("the path is longer than " + MAX_PATH_LENGTH + " characters");
        }
        if (rawQuery.length() > MAX_QUERY_LENGTH) {
            return Optional.of("the query is longer than " + MAX_QUERY_LENGTH + " characters");
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || rawPath.indexOf('\\') >= 0) {
            return Optional.of("the path has an encoded '/' or a '\\'; write the '/' of a source id as it is");
        }
        for (String segment : rawPath.split("/", -1)) {
            Optional<String> decoded = decode(segment);
            if (decoded.isEmpty()) {
                return Optional.of("the path is not valid percent-encoded UTF-8");
            }
            if (decoded.get().equals(".") || decoded.get().equals("..")) {
                return Optional.of("the path has a '.' or '..' segment");
            }
            if (hasControl(decoded.get())) {
                return Optional.of("the path has a control character");
            }
        }
        Optional<String> query = decode(rawQuery);
        if (query.isEmpty()) {
            return Optional.of("the query is not valid percent-encoded UTF-8");
        }
        if (hasControl(query.get())) {
            return Optional.of("the query has a control character");
        }
        return Optional.empty();
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }

    /** Percent-decodes {@code raw} (a '+' stays a '+'); empty when the escapes or the UTF-8 are invalid. */
    static Optional<String> decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return Optional.of(raw);
        }
        byte[] bytes = new byte[raw.length()];
        int length = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return Optional.empty();
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return Optional.empty();
                }
                bytes[length++] = (byte) (high * 16 + low);
                i += 2;
            } else if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                // not valid in a raw request line; Helidon refuses it before routing
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, length)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
