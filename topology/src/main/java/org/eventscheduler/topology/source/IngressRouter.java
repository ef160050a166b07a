package org.eventscheduler.topology.source;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.event.CloudEventDeserializer;
import org.eventscheduler.topology.event.SourceInput;
import org.eventscheduler.topology.event.UnparsedEvent;
import org.eventscheduler.topology.guard.EntityGuard;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardTiming;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;

/**
 * The first step of every ingress record, before it is parsed. A record whose key names a source that is
 * paused for every record now (in the task's paused index, and paused by an operator or its rate for this
 * record whatever it holds: {@link EntityGuard#pausedForEveryRecord}) is that source's event by the
 * keyed-by-source contract, and goes on to the limiter as it arrived, to be held without being read: a
 * storm's paused source costs a key lookup and a copy. Every other record is parsed here, once, and goes on to the
 * limiter directly or through {@code by-source}; one whose source cannot be read is thrown to the
 * dead-letter handler.
 */
final class IngressRouter implements Processor<byte[], byte[], byte[], SourceInput> {
    private final IndexedSources indexedSources;
    private final GuardTiming timing;
    private final SourcePolicies policies;
    private final SchedulerMetrics metrics;
    private final CloudEventDeserializer events;
    private EntityGuard guard;
    private ProcessorContext<byte[], SourceInput> context;
    private Set<String> indexed;
    private KeyValueStore<String, GuardState> states;

    IngressRouter(IndexedSources indexedSources, GuardTiming timing, SourcePolicies policies, SchedulerMetrics metrics,
                  int maxEventBytes) {
        this.indexedSources = indexedSources;
        this.timing = timing;
        this.policies = policies;
        this.metrics = metrics;
        this.events = new CloudEventDeserializer(maxEventBytes);
    }

    @Override
    public void init(ProcessorContext<byte[], SourceInput> context) {
        this.context = context;
        this.indexed = indexedSources.of(context.taskId());
        this.states = context.getStateStore(StoreNames.SOURCE_STATES);
        this.guard = new EntityGuard(EntityType.SOURCE, timing, metrics);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] key = record.key();
        if (key != null && !indexed.isEmpty()) {
            String source = new String(key, StandardCharsets.UTF_8);
            if (indexed.contains(source)) {
                GuardState state = states.get(source);
                if (state != null && guard.pausedForEveryRecord(state, record.timestamp(),
                        policies.policyFor(source).rateLimit())) {
                    context.forward(record.withValue(new UnparsedEvent(source, record.value())));
                    return;
                }
            }
        }
        String topic = context.recordMetadata().map(metadata -> metadata.topic()).orElse("");
        context.forward(record.withValue(events.deserialize(topic, record.headers(), record.value())));
    }
}
