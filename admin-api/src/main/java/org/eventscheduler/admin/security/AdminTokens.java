package org.eventscheduler.admin.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Checks bearer tokens. Only SHA-256 hashes are kept; a presented token is hashed and compared with
 * every known hash in constant time, so neither the comparison nor which token matched leaks through
 * timing. The peer token (instance-to-instance calls) is kept the same way.
 */
public final class AdminTokens {
    private record Known(Caller caller, byte[] hash) {
    }

    private final List<Known> known;
    private final byte[] peerHash;

    public AdminTokens(List<AdminToken> tokens, String peerToken) {
        this.known = tokens.stream()
                .map(token -> new Known(new Caller(token.name(), token.role()),
                        token.sha256().map(HexFormat.of()::parseHex).orElseGet(() -> sha256(token.token().orElseThrow()))))
                .toList();
        this.peerHash = sha256(peerToken);
    }

    /** The caller a presented token stands for. */
    public Optional<Caller> authenticate(String presented) {
        byte[] hash = sha256(presented);
        Caller match = null;
        for (Known token : known) {
            if (MessageDigest.isEqual(token.hash(), hash) && match == null) {
                match = token.caller();
            }
        }
        return Optional.ofNullable(match);
    }

    /** Whether a presented token is the peer token of this deployment. */
    public boolean isPeer(String presented) {
        return MessageDigest.isEqual(peerHash, sha256(presented));
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** A new random token: 32 bytes from a {@link SecureRandom}, URL-safe Base64. */
    public static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
