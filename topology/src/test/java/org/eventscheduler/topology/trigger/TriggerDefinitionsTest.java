package org.eventscheduler.topology.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eventscheduler.topology.TopologyFixture;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.RateLimit;
import org.junit.jupiter.api.Test;

class TriggerDefinitionsTest {
    private static final String DEFINITION = """
            {"id":"invoice","workflow":"invoicing","type":"order.placed","rate-limit":{"max-events":5,"action":"throttle"}}""";

    @Test
    void shouldReadARecordWhoseKeyIsItsId() {
        assertThat(TriggerDefinitions.fromRecord("invoice", utf8(DEFINITION)).id()).isEqualTo("invoice");
    }

    @Test
    void shouldRejectARecordWhoseKeyIsNotItsId() {
        assertThatThrownBy(() -> TriggerDefinitions.fromRecord("other", utf8(DEFINITION)))
                .isInstanceOf(InvalidTriggerException.class)
                .hasMessageContaining("must equal the record key, was invoice");
    }

    @Test
    void shouldGuardATriggerByItsOwnPolicyAndAnUnknownOneByTheDefaults() {
        TriggerDefaults defaults = TopologyFixture.TRIGGER_DEFAULTS;
        Trigger trigger = TriggerDefinitions.compile(TriggerDefinitions.fromRecord("invoice", utf8(DEFINITION)), defaults);

        assertThat(defaults.policyOf(Optional.of(trigger)))
                .isEqualTo(new TriggerPolicy(new RateLimit(5, LimitAction.THROTTLE), defaults.breaker(), defaults.hold()));
        assertThat(defaults.policyOf(Optional.empty()))
                .isEqualTo(new TriggerPolicy(defaults.rateLimit(), defaults.breaker(), defaults.hold()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
