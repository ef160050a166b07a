package org.eventscheduler.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.eventscheduler.topology.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

class AdminTokensTest {
    private static final String OPERATOR = "operator-secret-0123456789";
    private static final String VIEWER = "viewer-secret-0123456789";

    private final AdminTokens tokens = new AdminTokens(List.of(
            new AdminToken("alice", Role.OPERATOR, Optional.of(AdminTokens.sha256Hex(OPERATOR)), Optional.empty()),
            new AdminToken("grafana", Role.VIEWER, Optional.empty(), Optional.of(VIEWER))),
            "peer-secret-0123456789");

    @Test
    void shouldKnowEachTokenByItsHash() {
        assertThat(tokens.authenticate(OPERATOR)).contains(new Caller("alice", Role.OPERATOR));
        assertThat(tokens.authenticate(VIEWER)).contains(new Caller("grafana", Role.VIEWER));
        assertThat(tokens.authenticate("nobody-knows-this-one")).isEmpty();
        assertThat(tokens.authenticate(OPERATOR + " ")).isEmpty();
        assertThat(tokens.isPeer("peer-secret-0123456789")).isTrue();
        assertThat(tokens.isPeer(OPERATOR)).isFalse();
    }

    @Test
    void shouldLetOperatorsDoWhatViewersDoButNotTheOtherWayRound() {
        assertThat(Role.OPERATOR.allows(Role.VIEWER)).isTrue();
        assertThat(Role.OPERATOR.allows(Role.OPERATOR)).isTrue();
        assertThat(Role.VIEWER.allows(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.allows(Role.OPERATOR)).isFalse();
    }

    @Test
    void shouldRejectBadTokenConfiguration() {
        assertThatThrownBy(() -> new AdminToken("a", Role.VIEWER, Optional.of("abc"), Optional.empty()))
                .isInstanceOf(InvalidConfigException.class).hasMessage("sha256: must be 64 hex digits");
        assertThatThrownBy(() -> new AdminToken("a", Role.VIEWER, Optional.empty(), Optional.of("short")))
                .isInstanceOf(InvalidConfigException.class).hasMessage("token: must be at least 16 characters");
        assertThatThrownBy(() -> new AdminToken("a", Role.VIEWER, Optional.empty(), Optional.empty()))
                .isInstanceOf(InvalidConfigException.class).hasMessage("sha256: give exactly one of sha256 or token");
    }

    @Test
    void shouldGenerateLongRandomTokens() {
        String one = AdminTokens.generate();
        assertThat(one).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(AdminTokens.generate());
    }
}
