package org.eventscheduler.admin.security;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.util.Optional;

/**
 * A bearer token of the admin API, as configured: its name (the actor of what it does), its role, and
 * either its SHA-256 ({@code sha256}, hex: the token itself never appears in configuration) or the token
 * ({@code token}: requests are compared with its hash, but the secret stays in the configuration).
 */
public record AdminToken(String name, Role role, Optional<String> sha256, Optional<String> token) {
    public AdminToken {
        sha256 = sha256 == null ? Optional.empty() : sha256;
        token = token == null ? Optional.empty() : token;
        require(name != null && name.matches("[A-Za-z0-9@._-]{1,128}"), "name",
                "must be 1 to 128 letters, digits or @._-");
        require(role != null, "role", "is required (viewer or operator)");
        require(sha256.isPresent() != token.isPresent(), "sha256", "give exactly one of sha256 or token");
        require(sha256.map(h -> h.matches("[0-9a-fA-F]{64}")).orElse(true), "sha256", "must be 64 hex digits");
        require(token.map(t -> t.length() >= 16).orElse(true), "token", "must be at least 16 characters");
    }

    /** The token's name, role and hash; the secret of a {@code token} entry never appears. */
    @Override
    public String toString() {
        return "AdminToken[name=" + name + ", role=" + role.code() + sha256.map(h -> ", sha256=" + h).orElse("")
                + token.map(t -> ", token=(hidden)").orElse("") + "]";
    }
}
