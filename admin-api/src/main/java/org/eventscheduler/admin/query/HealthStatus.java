package org.eventscheduler.admin.query;

/** The cluster's health, from best to worst. */
public enum HealthStatus {
    OK, DEGRADED, CRITICAL;

    HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
