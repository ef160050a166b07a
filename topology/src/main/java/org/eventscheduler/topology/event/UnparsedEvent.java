package org.eventscheduler.topology.event;

/**
 * An ingress record keyed by a source that is paused for every record it gets now: under the
 * keyed-by-source contract it is that source's event, held as it arrived without being parsed. It is read when it comes back: released (an invalid one is dead-lettered then, with its
 * reason) or dead-lettered for its age, an overflow or a discard. It never leaves its task.
 *
 * @param source the source its key names
 * @param value  the record value as it arrived
 */
public record UnparsedEvent(String source, byte[] value) implements SourceInput {
}
