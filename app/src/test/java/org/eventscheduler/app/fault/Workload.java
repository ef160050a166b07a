package org.eventscheduler.app.fault;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The fault tests' input: calm sources, one source that storms 5 times over its limit for a while (so
 * that it is paused and, after its cooldown, resumed), events that match zero, one or two triggers,
 * and, optionally, a poison-pill corpus mixed in. Deterministic; event times advance 5 ms per record
 * whatever the wall clock does, so decisions are the same in every run.
 */
public final class Workload {
    public static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");
    public static final int MAX_EVENT_BYTES = 8192;
    /** The source the pinned trigger {@code t-vip} matches: its state lives in that source's task. */
    public static final String VIP_SOURCE = "calm-3";
    /** Which shared triggers each event type matches (the triggers file of {@link FaultCluster}). */
    public static final Map<String, Set<String>> TRIGGERS_BY_TYPE = Map.of(
            "order.created", Set.of("t-orders"),
            "invoice.requested", Set.of("t-invoice"),
            "user.signup", Set.of("t-welcome", "t-crm"),
            "page.viewed", Set.of(),
            "tick", Set.of());
    public static final String TRIGGERS_YAML = """
            - {id: t-orders, type: order.created, workflow: fulfil}
            - {id: t-invoice, type: invoice.requested, workflow: invoice, rate-limit: {max-events: 40, action: throttle}}
            - {id: t-welcome, type: user.signup, workflow: welcome}
            - {id: t-crm, type: user.signup, workflow: crm}
            - {id: t-vip, source: calm-3, type: user.signup, workflow: vip}
            """;

    /**
     * The limit of trigger {@code id} per rate window: {@code t-invoice}, shared by every source, is throttled at
     * 40 (its invoices come faster, so its grants run out and its matches wait in the source tasks); the
     * others have the configured default.
     */
    public static long limitOf(String id, long defaultLimit) {
        return id.equals("t-invoice") ? 40 : defaultLimit;
    }

    /**
     * Which triggers an event of {@code type} from {@code source} matches: the shared ones of its type, and
     * {@code t-vip}, pinned to {@link #VIP_SOURCE}, for sign-ups of that source.
     */
    public static Set<String> triggersOf(String type, String source) {
        Set<String> shared = TRIGGERS_BY_TYPE.getOrDefault(type, Set.of());
        if (type.equals("user.signup") && source.equals(VIP_SOURCE)) {
            Set<String> all = new java.util.TreeSet<>(shared);
            all.add("t-vip");
            return all;
        }
        return shared;
    }
    private static final List<String> TYPES = List.of("order.created", "invoice.requested", "user.signup", "page.viewed");

    /** One input record. */
    public record Input(int index, String source, byte[] value, long timestamp, boolean poison) {
    }

    private final int count;
    private final boolean poison;

    public Workload(int count, boolean poison) {
        this.count = count;
        this.poison = poison;
    }

    public int count() {
        return count;
    }

    /** How many different record values the workload sends (some poison pills are the same bytes). */
    public long distinctValues() {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> java.nio.ByteBuffer.wrap(input(i).value()))
                .distinct().count();
    }

    public Input input(int i) {
        long timestamp = T0.toEpochMilli() + 5L * i;
        boolean storming = i >= count / 20 && i < count / 4;
        if (storming && i % 2 == 0) {
            return new Input(i, "storm", event("e-" + i, "storm", "tick"), timestamp, false);
        }
        String source = "calm-" + (i % 20);
        if (poison && i % 97 == 13) {
            return new Input(i, source, poisonPill(i, source), timestamp, true);
        }
        return new Input(i, source, event("e-" + i, source, TYPES.get((i / 20) % TYPES.size())), timestamp, false);
    }

    /** The poison-pill corpus: one of seven kinds of bad record. */
    static byte[] poisonPill(int i, String source) {
        return switch ((i / 97) % 7) {
            case 0 -> new byte[] {(byte) 0xFF, 0x00, (byte) 0xC3, 0x28};
            case 1 -> utf8("{not json at all");
            case 2 -> utf8("{\"specversion\":\"1.0\",\"id\":\"p-" + i + "\",\"source\":\"" + source + "\"}");
            case 3 -> utf8("{\"specversion\":\"1.0\",\"id\":\"p-" + i + "\",\"source\":\"" + source
                    + "\",\"type\":\"x\",\"data\":\"" + "x".repeat(MAX_EVENT_BYTES * 2) + "\"}");
            case 4 -> utf8("{\"specversion\":\"1.0\",\"id\":" + i + ",\"source\":\"" + source + "\",\"type\":[1,2]}");
            case 5 -> invalidUtf8InsideString(i, source);
            default -> utf8("{\"specversion\":\"1.0\",\"id\":\"p-" + i + "\",\"source\":\"" + source
                    + "\",\"type\":\"x\",\"data\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        };
    }

    private static byte[] invalidUtf8InsideString(int i, String source) {
        byte[] head = utf8("{\"specversion\":\"1.0\",\"id\":\"p-" + i + "\",\"source\":\"" + source + "\",\"type\":\"x");
        byte[] tail = utf8("\"}");
        byte[] value = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, value, 0, head.length);
        value[head.length] = (byte) 0xC3;
        value[head.length + 1] = (byte) 0x28;
        System.arraycopy(tail, 0, value, head.length + 2, tail.length);
        return value;
    }

    static byte[] event(String id, String source, String type) {
        return utf8("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"type\":\"" + type
                + "\",\"data\":{\"n\":1}}");
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Produces records {@code from} (inclusive) to {@code to} (exclusive) at about {@code perSecond},
     * keyed by source, with their event times.
     */
    public void produce(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to, int perSecond)
            throws InterruptedException {
        long started = System.nanoTime();
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Input input = input(i);
            sent.add(producer.send(new ProducerRecord<>(topic, null, input.timestamp(), utf8(input.source()), input.value())));
            long due = started + (long) ((i - from + 1) * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 1_000_000) {
                Thread.sleep(wait / 1_000_000);
            }
        }
        producer.flush();
        for (var future : sent) {
            try {
                future.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("the workload producer failed", e.getCause());
            }
        }
    }
}
