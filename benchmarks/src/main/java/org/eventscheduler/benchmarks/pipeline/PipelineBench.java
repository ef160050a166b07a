package org.eventscheduler.benchmarks.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eventscheduler.embedded.Directories;

/**
 * The pipeline benchmarks: the scheduler against baselines measured in the same run, interleaved and
 * repeated, on a broker in a child JVM. {@code ./scheduler bench s1|s3|s5|s6|s7|s8 [--name value ...]}.
 * Each scenario is a class of its own; this one starts the broker, runs the scenario and prints its
 * Markdown table (also written to {@code benchmarks/target/bench-<scenario>.md}).
 */
public final class PipelineBench {

    /** One scenario, run against a harness with a broker. */
    interface Scenario {
        void run(Harness harness) throws Exception;
    }

    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "";
        Options options = Options.parse(args);
        Scenario scenario = switch (name) {
            case "s1" -> new ThroughputScenario(options.integer("events", 10_000_000), options.integer("reps", 2),
                    options.integer("seconds", 20), options.integer("commit-interval-ms", 0),
                    options.integer("linger-ms", -1), options.integer("sources", 1000), options.integer("drain", 0) == 1);
            case "s3" -> new CardinalityScenario(options.integer("events", 1_000_000), options.integer("reps", 2),
                    options.integer("rocksdb-memory-mib", 0), options.integer("cache-mib", -1));
            case "s5" -> new LatencyScenario(options.integer("rate", 1000), options.integer("reps", 2),
                    options.integer("seconds", 20));
            case "s6" -> new HealthUnderLoadScenario(options.integer("events", 300_000), options.integer("reps", 2));
            case "s7" -> new ContainmentScenario(options.integer("reps", 2), options.integer("storm-rate", 0));
            case "s8" -> new BacklogScenario(options.integer("events", 20_000), options.integer("reps", 2));
            case "s9" -> new StormScenario("s9", options.integer("events", 1_000_000), options.integer("reps", 2),
                    options.integer("invalid-every", 0));
            case "s10" -> new StormScenario("s10", options.integer("events", 1_000_000), options.integer("reps", 2),
                    options.integer("invalid-every", 20));
            default -> {
                System.err.println("scheduler: bench needs a scenario: matching, s1, s3, s5, s6, s7, s8, s9, s10");
                System.exit(2);
                throw new IllegalStateException("unreachable");
            }
        };
        Path dir = Files.createTempDirectory("event-scheduler-bench-");
        try (BenchBroker broker = BenchBroker.start(dir)) {
            Harness harness = new Harness(broker, dir);
            scenario.run(harness);
            harness.clients.close();
            String markdown = harness.report();
            System.out.println(markdown);
            Path out = Path.of(System.getProperty("scheduler.home", "."), "benchmarks", "target", "bench-" + name + ".md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, markdown);
        } finally {
            Directories.deleteRecursively(dir);
        }
        System.exit(0);
    }

    /** {@code --name value} pairs after the scenario; every value a whole number. */
    record Options(Map<String, Integer> values) {
        static Options parse(String[] args) {
            Map<String, Integer> values = new LinkedHashMap<>();
            for (int i = 1; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value, got " + args[i]);
                }
                try {
                    values.put(args[i].substring(2), Integer.parseInt(args[i + 1].replace("_", "")));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(args[i] + " takes a whole number, got " + args[i + 1], e);
                }
            }
            return new Options(values);
        }

        int integer(String name, int fallback) {
            return values.getOrDefault(name, fallback);
        }
    }
}
