package org.eventscheduler.demo;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A daemon thread that polls one consumer and hands each batch on until closed, then closes the
 * consumer: the loop of the demo's monitor and of its workflow engine.
 */
final class PollingThread<K, V> implements AutoCloseable {
    private final KafkaConsumer<K, V> consumer;
    private final Duration pollTimeout;
    private final Consumer<ConsumerRecords<K, V>> onPoll;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    /** {@code onPoll} runs on this thread after every poll, with the records it returned (maybe none). */
    PollingThread(String name, KafkaConsumer<K, V> consumer, Duration pollTimeout,
                  Consumer<ConsumerRecords<K, V>> onPoll) {
        this.consumer = consumer;
        this.pollTimeout = pollTimeout;
        this.onPoll = onPoll;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (running.get()) {
                onPoll.accept(consumer.poll(pollTimeout));
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Stops polling and waits up to 3 s for the thread to close the consumer. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
