package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.eventscheduler.topology.guard.BreakerOverride;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HoldOverride;

/**
 * A trigger as it is written (YAML file, {@code scheduler.triggers} value, admin API body): what it
 * matches, the workflow it starts and how its input is built, and its own safeguards. Keys are
 * kebab-case: {@code source-prefix}, {@code type-prefix}, {@code rate-limit}.
 *
 * @param id           the trigger id: letters, digits, '.', '_', '-'; at most 128
 * @param enabled      a disabled trigger matches nothing (default true)
 * @param source       match events of exactly this source; or
 * @param sourcePrefix match events whose source starts with this; neither: any source
 * @param type         match events of exactly this type; or
 * @param typePrefix   match events whose type starts with this; one of the two is required
 * @param filter       an EventBridge-style pattern on the event's data (see {@link ContentFilter})
 * @param workflow     the workflow to start
 * @param input        how the workflow's input is built (default: the event's data)
 * @param rateLimit    the trigger's own rate limit (default: {@code triggers.rate-limit})
 * @param breaker      breaker settings laid over {@code triggers.breaker}
 * @param hold         bounds of held starts laid over {@code triggers.hold}: {@code max-age}, {@code max-records},
 *                     {@code on-resume}
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record TriggerDefinition(String id, Optional<Boolean> enabled, Optional<String> source,
                                Optional<String> sourcePrefix, Optional<String> type, Optional<String> typePrefix,
                                Optional<JsonNode> filter, String workflow, Optional<InputTemplate> input,
                                Optional<RateLimit> rateLimit, Optional<BreakerOverride> breaker,
                                Optional<HoldOverride> hold) {
    /** A definition without hold settings of its own. */
    public TriggerDefinition(String id, Optional<Boolean> enabled, Optional<String> source,
                             Optional<String> sourcePrefix, Optional<String> type, Optional<String> typePrefix,
                             Optional<JsonNode> filter, String workflow, Optional<InputTemplate> input,
                             Optional<RateLimit> rateLimit, Optional<BreakerOverride> breaker) {
        this(id, enabled, source, sourcePrefix, type, typePrefix, filter, workflow, input, rateLimit, breaker,
                Optional.empty());
    }

    public TriggerDefinition {
        enabled = orEmpty(enabled);
        source = orEmpty(source);
        sourcePrefix = orEmpty(sourcePrefix);
        type = orEmpty(type);
        typePrefix = orEmpty(typePrefix);
        // Jackson gives an absent JSON tree as a null node
        filter = orEmpty(filter).filter(node -> !node.isNull() && !node.isMissingNode());
        input = orEmpty(input);
        rateLimit = orEmpty(rateLimit);
        breaker = orEmpty(breaker);
        hold = orEmpty(hold);
    }

    private static <T> Optional<T> orEmpty(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }
}
