package org.eventscheduler.admin.security;

/** Who made a request: the name of the token it carried (the actor of any action), and its role. */
public record Caller(String name, Role role) {
}
