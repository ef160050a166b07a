package org.eventscheduler.topology.event;

/**
 * An ingress record that is not a valid CloudEvent but names its source: it is a failed call for that
 * source's circuit breaker, then goes to the dead-letter topic with {@link #error()}'s reason.
 *
 * @param source the source it names
 * @param error  why it is invalid
 * @param value  the original record value
 */
public record RejectedEvent(String source, InvalidEventException error, byte[] value) implements SourceInput {
}
