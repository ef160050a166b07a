package org.eventscheduler.topology.event;

import org.eventscheduler.topology.control.ControlCommand;

/** An operator command for a source, on its way to the partition of that source. */
public record SourceControl(ControlCommand command) implements SourceInput {
    @Override
    public String source() {
        return command.entityId();
    }
}
