package org.eventscheduler.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eventscheduler.topology.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The operator commands: each calls the admin API, prints a table (or {@code --json}), and exits non-zero with one line on failure. */
final class OperatorCommands {
    /** Exit status of {@code status} when the cluster is CRITICAL. */
    static final int CRITICAL = 3;

    private OperatorCommands() {
    }

    static void printJson(PrintStream out, JsonNode node) {
        out.println(node.toPrettyString());
    }

    static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? "-" : node.isTextual() ? node.asText() : node.toString();
    }

    @Command(name = "status", description = "Cluster health: status and reasons, lag, paused entities, held work, DLQ, "
            + "instances. "
            + "Exit status 3 when CRITICAL.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Override
        public Integer call() {
            AdminClient.Answer answer = api.client().getWithStatus("/admin/event-health");
            JsonNode health = answer.body();
            if (answer.status() != 200 && answer.status() != 503) {
                throw new AdminClient.AdminCallException(answer.status() + ": " + health.path("error").asText(health.toString()));
            }
            PrintStream out = System.out;
            if (api.json) {
                printJson(out, health);
            } else {
                out.println("status      " + text(health.path("status")) + (health.path("complete").asBoolean(true) ? "" : " (partial)"));
                health.path("reasons").forEach(reason -> out.println("  - " + reason.asText()));
                JsonNode ingress = health.path("ingress");
                out.println("ingress     lag " + text(ingress.path("lagRecords")) + " records, " + text(ingress.path("lagSeconds"))
                        + " s; queue depth " + text(ingress.path("queueDepth")) + "; latest event " + text(ingress.path("latestEventTime")));
                JsonNode paused = health.path("paused");
                out.println("paused      " + text(paused.path("total")) + " (sources " + text(paused.path("sources"))
                        + ", triggers " + text(paused.path("triggers")) + ")");
                JsonNode held = health.path("held");
                out.println("held        " + text(held.path("records")) + " records in " + text(held.path("entities"))
                        + " entities; oldest waited " + text(held.path("oldestAgeSeconds")) + " s");
                out.println("dlq         " + text(health.path("deadLettered").path("perMinute")) + "/min over 5 min: "
                        + text(health.path("deadLettered").path("last5Minutes")));
                out.println("throttled   " + text(health.path("throttled").path("perMinute")) + "/min over 5 min: "
                        + text(health.path("throttled").path("last5Minutes")));
                List<List<String>> rows = new ArrayList<>();
                health.path("instances").forEach(i -> rows.add(List.of(text(i.path("endpoint")), text(i.path("state")),
                        i.path("answered").asBoolean() ? "yes" : "no", text(i.path("problem")))));
                out.println();
                Tables.print(out, List.of("INSTANCE", "STATE", "ANSWERED", "PROBLEM"), rows);
            }
            return "CRITICAL".equals(health.path("status").asText()) ? CRITICAL : 0;
        }
    }

    @Command(name = "paused", description = "The paused sources and triggers of the cluster.")
    static final class Paused implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--limit", defaultValue = "100", description = "List at most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            JsonNode paused = api.client().get("/admin/paused?limit=" + limit);
            if (api.json) {
                printJson(System.out, paused);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            paused.path("entities").forEach(e -> rows.add(List.of(text(e.path("entityType")), text(e.path("id")),
                    text(e.path("causes")), text(e.path("reason")), text(e.path("since")), text(e.path("until")),
                    text(e.path("actor")))));
            Tables.print(System.out, List.of("TYPE", "ID", "CAUSES", "REASON", "SINCE", "UNTIL", "ACTOR"), rows);
            if (paused.path("truncated").asBoolean()) {
                System.out.println("(" + paused.path("total").asText() + " in all)");
            }
            if (!paused.path("complete").asBoolean(true)) {
                System.out.println("partial: " + text(paused.path("missing")));
            }
            return 0;
        }
    }

    /** {@code pause} and {@code resume}: {@code source ID} or {@code trigger ID}. */
    abstract static class EntityCommand implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Parameters(index = "0", paramLabel = "TYPE", description = "source or trigger")
        String type;

        @Parameters(index = "1", paramLabel = "ID", description = "the source id or trigger id")
        String id;

        String path(String action) {
            if (!type.equals("source") && !type.equals("trigger")) {
                throw new AdminClient.AdminCallException("TYPE must be source or trigger, was " + type);
            }
            return "/admin/" + type + "s/" + AdminClient.encode(id) + "/" + action;
        }

        int report(JsonNode answer) {
            if (api.json) {
                printJson(System.out, answer);
            } else {
                JsonNode command = answer.path("command");
                System.out.println(command.path("action").asText() + " " + type + " " + id + " accepted (actor "
                        + command.path("actor").asText() + ", correlation id " + answer.path("correlationId").asText() + ")");
            }
            return 0;
        }
    }

    @Command(name = "pause", description = "Pause a source or a trigger: its records are held until a resume or --until.")
    static final class Pause extends EntityCommand {
        @Option(names = "--reason", required = true, description = "Why (recorded with your token's name).")
        String reason;

        @Option(names = "--until", paramLabel = "WHEN", description = "End the pause by itself: a duration (30m, 2h) or an instant.")
        String until;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("reason", reason);
            if (until != null) {
                body.put("until", untilInstant(until).toString());
            }
            return report(api.client().post(path("pause"), body));
        }
    }

    @Command(name = "resume", description = "Resume a source or a trigger: clears every pause cause.")
    static final class Resume extends EntityCommand {
        @Option(names = "--reason", description = "Why (recorded with your token's name).")
        String reason;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (reason != null) {
                body.put("reason", reason);
            }
            return report(api.client().post(path("resume"), body));
        }
    }

    @Command(name = "release", description = "Release what a source or a trigger holds: every held record goes on now "
            + "(or at --rate), kept ones first, whatever its pause and limit.")
    static final class Release extends EntityCommand {
        @Option(names = "--reason", description = "Why (recorded with your token's name).")
        String reason;

        @Option(names = "--rate", paramLabel = "N", description = "At most N records a second (default: as fast as the "
                + "scheduler looks, 1,000 a bucket).")
        Integer rate;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (reason != null) {
                body.put("reason", reason);
            }
            if (rate != null) {
                body.put("rate", rate);
            }
            return report(api.client().post(path("release"), body));
        }
    }

    @Command(name = "discard", description = "Discard what a source or a trigger holds: every held record goes to the "
            + "dead-letter topic, reason discarded-by-operator.")
    static final class Discard extends EntityCommand {
        @Option(names = "--reason", required = true, description = "Why (recorded with your token's name).")
        String reason;

        @Override
        public Integer call() {
            return report(api.client().post(path("discard"), Map.of("reason", reason)));
        }
    }

    @Command(name = "held", description = "What is held back: with no arguments, the sources and triggers of the cluster "
            + "that hold records, those waiting longest first; with TYPE ID, that one's held records, in the order they go on.")
    static final class Held implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Parameters(index = "0", arity = "0..1", paramLabel = "TYPE", description = "source or trigger")
        String type;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "the source id or trigger id")
        String id;

        @Option(names = "--limit", defaultValue = "20", description = "The most entities or records listed (default 20).")
        int limit;

        @Override
        public Integer call() {
            if (type == null) {
                return cluster();
            }
            if (id == null || (!type.equals("source") && !type.equals("trigger"))) {
                throw new AdminClient.AdminCallException("held takes no arguments, or TYPE ID with TYPE source or trigger");
            }
            JsonNode held = api.client().get("/admin/" + type + "s/" + AdminClient.encode(id) + "/held?limit=" + limit);
            if (api.json) {
                printJson(System.out, held);
                return 0;
            }
            System.out.println(type + " " + id + " (" + text(held.path("state")) + "): " + text(held.path("records"))
                    + " held, " + text(held.path("kept")) + " kept; oldest waited " + text(held.path("oldestAgeSeconds"))
                    + " s; next look " + text(held.path("nextCheck")));
            List<List<String>> rows = new ArrayList<>();
            held.path("first").forEach(r -> rows.add(List.of(text(r.path("heldAt")), text(r.path("reason")),
                    r.path("kept").asBoolean() ? "kept" : "live", text(r.path("correlationId")), text(r.path("key")),
                    text(r.path("valuePreview")))));
            Tables.print(System.out, List.of("HELD AT", "REASON", "QUEUE", "CORRELATION ID", "KEY", "VALUE"), rows);
            return 0;
        }

        private int cluster() {
            JsonNode held = api.client().get("/admin/held?limit=" + Math.max(1, limit));
            if (api.json) {
                printJson(System.out, held);
                return 0;
            }
            System.out.println(text(held.path("records")) + " records held by " + text(held.path("entities"))
                    + " entities; oldest waited " + text(held.path("oldestAgeSeconds")) + " s");
            List<List<String>> rows = new ArrayList<>();
            held.path("list").forEach(e -> rows.add(List.of(text(e.path("entityType")), text(e.path("id")),
                    text(e.path("state")), text(e.path("records")), text(e.path("kept")), text(e.path("oldestHeldAt")),
                    text(e.path("nextCheck")))));
            Tables.print(System.out, List.of("TYPE", "ID", "STATE", "HELD", "KEPT", "OLDEST HELD AT", "NEXT LOOK"), rows);
            if (!held.path("complete").asBoolean(true)) {
                System.out.println("partial: " + text(held.path("missing")));
            }
            return 0;
        }
    }

    static Instant untilInstant(String text) {
        return Durations.parse(text).map(duration -> Instant.now().plus(duration)).orElseGet(() -> instant("--until", text));
    }

    /** {@code --since}: a duration back from now, or an instant. */
    static Instant sinceInstant(String text) {
        return Durations.parse(text).map(duration -> Instant.now().minus(duration)).orElseGet(() -> instant("--since", text));
    }

    private static Instant instant(String option, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new AdminClient.AdminCallException(option + " must be a duration (30m) or an instant (2026-11-28T14:00:00Z), was "
                    + text);
        }
    }

    @Command(name = "dlq", description = "The newest dead-lettered records.")
    static final class Dlq implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--reason", description = "Only this reason code.")
        String reason;

        @Option(names = "--source", description = "Only this source.")
        String source;

        @Option(names = "--since", paramLabel = "WHEN", description = "Only since: a duration back (1h) or an instant.")
        String since;

        @Override
        public Integer call() {
            StringBuilder path = new StringBuilder("/admin/dlq?limit=" + limit);
            if (reason != null) {
                path.append("&reason=").append(AdminClient.queryValue(reason));
            }
            if (source != null) {
                path.append("&source=").append(AdminClient.queryValue(source));
            }
            if (since != null) {
                path.append("&since=").append(sinceInstant(since));
            }
            JsonNode page = api.client().get(path.toString());
            if (api.json) {
                printJson(System.out, page);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            page.path("records").forEach(r -> rows.add(List.of(text(r.path("timestamp")), text(r.path("reason")),
                    text(r.path("source")), text(r.path("correlationId")), text(r.path("origin")), text(r.path("message")))));
            Tables.print(System.out, List.of("TIME", "REASON", "SOURCE", "CORRELATION ID", "ORIGIN", "MESSAGE"), rows);
            return 0;
        }
    }
}
