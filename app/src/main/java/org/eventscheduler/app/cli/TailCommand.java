package org.eventscheduler.app.cli;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eventscheduler.app.config.KafkaSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./scheduler tail TOPIC}: prints a topic's committed records with their headers, for a human to read.
 * Connects as the scheduler does: {@code kafka.bootstrap-servers} and {@code kafka.client-properties} of
 * {@code --config} and the {@code SCHEDULER_*} variables.
 */
@Command(name = "tail", description = "Print the committed records of a topic, with headers, as they arrive.")
final class TailCommand implements Callable<Integer> {
    private static final int VALUE_PREVIEW = 400;

    @Parameters(paramLabel = "TOPIC", description = "The topic to read, e.g. scheduler.paused or scheduler.dlq.")
    String topic;

    @Mixin
    ConfigOptions config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
            description = "Kafka bootstrap servers (default: kafka.bootstrap-servers of the configuration, localhost:9092).")
    String bootstrapServers;

    @Option(names = "--from-beginning", description = "Start at the oldest retained record instead of the newest.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", defaultValue = "0",
            description = "Stop after N records (default: run until Ctrl-C).")
    long max;

    @Override
    public Integer call() {
        // the cluster and its security settings (kafka.client-properties) come from the configuration, as the scheduler's
        KafkaSettings kafka = config.load().kafka();
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers == null ? kafka.bootstrapServers() : bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "scheduler-tail-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        PrintStream out = System.out;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                consumer.wakeup();
                try {
                    main.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            consumer.subscribe(List.of(topic));
            long printed = 0;
            while (max == 0 || printed < max) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    out.println(format(record));
                    if (++printed == max) {
                        break;
                    }
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C: stop reading
        }
        return 0;
    }

    static String format(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder line = new StringBuilder()
                .append(record.topic()).append('-').append(record.partition()).append('@').append(record.offset())
                .append(' ').append(Instant.ofEpochMilli(record.timestamp()))
                .append(" key=").append(text(record.key()));
        for (Header header : record.headers()) {
            if (!header.key().equals("__streams.errors.stacktrace")) {
                line.append(' ').append(header.key()).append('=').append(text(header.value()));
            }
        }
        return line.append(" value=").append(text(record.value())).toString();
    }

    private static String text(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return text.length() > VALUE_PREVIEW ? text.substring(0, VALUE_PREVIEW) + "…(" + bytes.length + " bytes)" : text;
        } catch (CharacterCodingException e) {
            int shown = Math.min(bytes.length, VALUE_PREVIEW / 2);
            return "0x" + HexFormat.of().formatHex(bytes, 0, shown) + (shown < bytes.length ? "…" : "");
        }
    }
}
