package org.eventscheduler.admin.query;

import java.nio.charset.StandardCharsets;

/**
 * An entity id written into a URL path, the one way every client of the admin API (peers, the command
 * line) does it: each '/'-separated part of the id percent-encoded as a path segment (RFC 3986: letters,
 * digits, {@code - . _ ~ : @ ! $ & ' ( ) * , =} stay; a space is {@code %20}, never '+'), the '/' kept as
 * it is, so that a source id such as {@code https://example.com/orders} is the rest of the path. The
 * server reads the id back from the raw path with one percent-decoding.
 */
public final class PathSegments {
    private static final String KEPT = "-._~:@!$&'()*,=";

    private PathSegments() {
    }

    public static String encode(String id) {
        StringBuilder encoded = new StringBuilder(id.length() + 16);
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c == '/' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || KEPT.indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return encoded.toString();
    }
}
