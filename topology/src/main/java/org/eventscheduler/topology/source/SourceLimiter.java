package org.eventscheduler.topology.source;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.ThrottleReason;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.metrics.SchedulerMetrics.Action;
import org.eventscheduler.topology.metrics.SchedulerMetrics.IngressOutcome;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each source's rate limit, pauses and resumes sources, and says where every event goes.
 *
 * <p>Runs after events are partitioned by source, so one task sees every event of a source and the
 * counts are exact. Every decision depends only on record timestamps and the order of records, never
 * on the wall clock: replaying the input replays the decisions. Resumes are also checked by a
 * stream-time punctuator, so a paused source that goes quiet still resumes.
 */
final class SourceLimiter implements Processor<byte[], IngressEvent, String, SourceDecision> {
    /** How often (in stream time) entries that no longer matter are removed from the store. */
    static final Duration IDLE_SCAN_INTERVAL = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(SourceLimiter.class);

    private final SourceLimiting settings;
    private final SchedulerMetrics metrics;
    private ProcessorContext<String, SourceDecision> context;
    private KeyValueStore<String, SourceState> states;
    private KeyValueStore<String, Long> pausedSources;

    SourceLimiter(SourceLimiting settings, SchedulerMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SourceDecision> context) {
        this.context = context;
        this.states = context.getStateStore(StoreNames.SOURCE_STATES);
        this.pausedSources = context.getStateStore(StoreNames.PAUSED_SOURCES);
        context.schedule(settings.window().bucket(), PunctuationType.STREAM_TIME, this::resumeDueSources);
        context.schedule(IDLE_SCAN_INTERVAL, PunctuationType.STREAM_TIME, this::forgetIdleSources);
    }

    @Override
    public void process(Record<byte[], IngressEvent> record) {
        IngressEvent event = record.value();
        String source = event.source();
        long timestamp = record.timestamp();
        long bucket = settings.window().bucketOf(timestamp);
        SourceState state = states.get(source);
        if (state == null) {
            state = new SourceState(SlidingCount.empty(bucket, settings.window().buckets()));
        }
        state.window.add(bucket);
        long count = state.window.total();
        RateLimit limit = settings.limits().limitFor(source);

        if (state.isPaused() && mayResume(state, timestamp, count, limit)) {
            resume(source, state, timestamp, count, limit);
        }
        boolean overLimit = count > limit.maxEvents();
        if (overLimit && state.status == SourceState.Status.ACTIVE) {
            int streak = state.markOverLimit(bucket);
            boolean trips = limit.action() != LimitAction.THROTTLE
                    && (streak >= settings.policy().afterConsecutiveBuckets()
                    || settings.policy().isStorm(count, limit));
            if (trips) {
                pause(source, state, timestamp, count, limit, event.correlationId(),
                        limit.action() == LimitAction.SHADOW);
            }
        }

        if (state.status == SourceState.Status.PAUSED) {
            hold(record, ThrottleReason.SOURCE_PAUSED);
        } else if (overLimit && limit.action() != LimitAction.SHADOW) {
            hold(record, ThrottleReason.RATE_LIMITED);
        } else {
            admit(record);
        }
        states.put(source, state);
    }

    private boolean mayResume(SourceState state, long now, long count, RateLimit limit) {
        return now >= state.resumeAt && count <= settings.policy().resumeThreshold(limit);
    }

    private void pause(String source, SourceState state, long now, long count, RateLimit limit,
                       String correlationId, boolean shadow) {
        if (state.resumedAt != SourceState.NEVER
                && now - state.resumedAt > settings.policy().pauseCountResetAfter().toMillis()) {
            state.pauseCount = 0;
        }
        state.pauseCount++;
        state.status = shadow ? SourceState.Status.SHADOW_PAUSED : SourceState.Status.PAUSED;
        state.pausedAt = now;
        state.resumeAt = now + settings.policy().cooldownFor(state.pauseCount).toMillis();
        state.trippedBy = correlationId;
        state.overLimitBucket = SourceState.NEVER;
        state.overLimitStreak = 0;
        pausedSources.put(source, state.resumeAt);

        PauseRecord change = new PauseRecord(EntityType.SOURCE, source, PauseState.PAUSED, shadow,
                PauseReason.RATE_LIMIT_EXCEEDED, count, limit.maxEvents(), settings.window().size(),
                Optional.of(Instant.ofEpochMilli(now)), Optional.of(Instant.ofEpochMilli(state.resumeAt)),
                Optional.empty(), Optional.empty(), state.pauseCount, correlationId, settings.instanceId());
        forwardChange(change, now);
        metrics.action(EntityType.SOURCE, shadow ? Action.SHADOW_PAUSE : Action.PAUSE, change.reason().code());
        LOG.atInfo()
                .addKeyValue("correlation_id", correlationId)
                .addKeyValue("entity", change.key())
                .addKeyValue("reason", change.reason().code())
                .addKeyValue("shadow", shadow)
                .log("{}paused source {}: {} events in {} over the limit of {}; resume not before {}",
                        shadow ? "shadow-" : "", source, count, settings.window().size(), limit.maxEvents(),
                        change.resumeAt().orElseThrow());
    }

    private void resume(String source, SourceState state, long now, long count, RateLimit limit) {
        boolean shadow = state.status == SourceState.Status.SHADOW_PAUSED;
        state.status = SourceState.Status.ACTIVE;
        state.resumedAt = now;
        pausedSources.delete(source);

        PauseRecord change = new PauseRecord(EntityType.SOURCE, source, PauseState.ACTIVE, shadow,
                PauseReason.COOLDOWN_ELAPSED, count, limit.maxEvents(), settings.window().size(),
                Optional.of(Instant.ofEpochMilli(state.pausedAt)), Optional.empty(),
                Optional.of(Instant.ofEpochMilli(now)), Optional.of(PauseRecord.SCHEDULER), state.pauseCount,
                state.trippedBy, settings.instanceId());
        forwardChange(change, now);
        metrics.action(EntityType.SOURCE, shadow ? Action.SHADOW_RESUME : Action.RESUME, change.reason().code());
        LOG.atInfo()
                .addKeyValue("correlation_id", state.trippedBy)
                .addKeyValue("entity", change.key())
                .addKeyValue("reason", change.reason().code())
                .addKeyValue("shadow", shadow)
                .log("{}resumed source {}: {} events in the window, resume threshold {}",
                        shadow ? "shadow-" : "", source, count, settings.policy().resumeThreshold(limit));
    }

    private void forwardChange(PauseRecord change, long timestamp) {
        Headers headers = new RecordHeaders();
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, change.correlationId());
        context.forward(new Record<>(change.key(), new SourceDecision.PauseChanged(change), timestamp, headers));
    }

    private void admit(Record<byte[], IngressEvent> record) {
        metrics.ingress(IngressOutcome.ACCEPTED);
        IngressEvent event = record.value();
        context.forward(new Record<>(event.source(), new SourceDecision.Admitted(event), record.timestamp(),
                outputHeaders(record)));
    }

    private void hold(Record<byte[], IngressEvent> record, ThrottleReason reason) {
        metrics.ingress(reason == ThrottleReason.SOURCE_PAUSED ? IngressOutcome.PAUSED_SOURCE : IngressOutcome.THROTTLED);
        metrics.throttled(EntityType.SOURCE, reason);
        IngressEvent event = record.value();
        Headers headers = outputHeaders(record);
        SchedulerHeaders.put(headers, SchedulerHeaders.REASON, reason.code());
        context.forward(new Record<>(event.source(), new SourceDecision.Held(event, reason), record.timestamp(),
                headers));
    }

    /** The original headers, plus the correlation id and source, on a copy: the input record is not changed. */
    private static Headers outputHeaders(Record<byte[], IngressEvent> record) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        SchedulerHeaders.put(headers, SchedulerHeaders.CORRELATION_ID, record.value().correlationId());
        SchedulerHeaders.put(headers, SchedulerHeaders.SOURCE, record.value().source());
        return headers;
    }

    private void resumeDueSources(long streamTime) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, Long> paused = pausedSources.all()) {
            while (paused.hasNext()) {
                KeyValue<String, Long> entry = paused.next();
                if (entry.value <= streamTime) {
                    due.add(entry.key);
                }
            }
        }
        for (String source : due) {
            SourceState state = states.get(source);
            if (state == null || !state.isPaused()) {
                pausedSources.delete(source);
                continue;
            }
            state.window.advanceTo(settings.window().bucketOf(streamTime));
            long count = state.window.total();
            RateLimit limit = settings.limits().limitFor(source);
            if (mayResume(state, streamTime, count, limit)) {
                resume(source, state, streamTime, count, limit);
                states.put(source, state);
            }
        }
    }

    private void forgetIdleSources(long streamTime) {
        long windowStart = settings.window().bucketOf(streamTime) - settings.window().buckets() + 1;
        long resetMillis = settings.policy().pauseCountResetAfter().toMillis();
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, SourceState> all = states.all()) {
            while (all.hasNext()) {
                KeyValue<String, SourceState> entry = all.next();
                if (entry.value.isForgettable(streamTime, windowStart, resetMillis)) {
                    idle.add(entry.key);
                }
            }
        }
        idle.forEach(states::delete);
    }
}
