package org.eventscheduler.admin.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.eventscheduler.admin.AdminSettings;
import org.eventscheduler.admin.query.CommandWriter;
import org.eventscheduler.admin.query.DlqReader;
import org.eventscheduler.admin.query.EntityQuery;
import org.eventscheduler.admin.query.HealthQuery;
import org.eventscheduler.admin.query.LocalStatusReader;
import org.eventscheduler.admin.query.StreamsAccess;
import org.eventscheduler.admin.query.TriggerCatalog;
import org.eventscheduler.admin.security.AdminTokens;

/** Everything the HTTP services are thin over. */
public record AdminApi(AdminSettings settings, AdminTokens tokens, StreamsAccess streams, HealthQuery health,
                       LocalStatusReader localStatus, EntityQuery entities, TriggerCatalog triggers, DlqReader dlq,
                       CommandWriter commands, PrometheusMeterRegistry metrics, Clock clock) {
}
