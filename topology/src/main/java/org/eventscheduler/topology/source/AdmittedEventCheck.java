package org.eventscheduler.topology.source;

import org.apache.kafka.common.header.Headers;
import org.eventscheduler.topology.event.IngressEvent;

/**
 * What the stages after the source stage make of an event it admits, asked before the source's breaker
 * records the event's outcome. An event that a trigger it matches cannot use (it lacks a field the
 * trigger's input is built from) is the event's fault: a failure for its source's breaker, like an
 * invalid event, and never for the trigger, which other sources share.
 */
@FunctionalInterface
public interface AdmittedEventCheck {

    /** Nothing after the source stage looks at events. */
    AdmittedEventCheck NONE = (event, headers) -> Result.USABLE;

    Result check(IngressEvent event, Headers headers);

    /** The answer, carried on with the admitted event to the stage that asked. */
    interface Result {
        /** An event nothing found fault with. */
        Result USABLE = () -> false;

        /** Whether the event itself is at fault: a failure for its source's breaker. */
        boolean eventAtFault();
    }
}
