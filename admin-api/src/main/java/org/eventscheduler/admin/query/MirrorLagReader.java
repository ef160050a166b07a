package org.eventscheduler.admin.query;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

/**
 * The Postgres mirror's lag, read from the cluster: its consumer group's committed offsets (the log
 * start where it has none) against the last stable offsets of the topics it mirrors. The same figure
 * from every instance, wherever the mirror runs (in the application or alone); reused for
 * {@code cacheFor}.
 */
public final class MirrorLagReader implements AutoCloseable {
    private final Admin admin;
    private final String groupId;
    private final List<String> topics;
    private final Clock clock;
    private final Duration cacheFor;
    private Optional<Long> cached = Optional.empty();
    private long cachedAt;

    public MirrorLagReader(Properties clientProperties, String groupId, List<String> topics, Clock clock,
                           Duration cacheFor) {
        this.admin = Admin.create(clientProperties);
        this.groupId = groupId;
        this.topics = List.copyOf(topics);
        this.clock = clock;
        this.cacheFor = cacheFor;
    }

    public String groupId() {
        return groupId;
    }

    /** Records of the mirrored topics not yet committed by the mirror's group; throws {@link LagUnavailableException} when the cluster does not answer. */
    public synchronized long read(Duration timeout) {
        long now = clock.millis();
        if (cached.isPresent() && now - cachedAt < cacheFor.toMillis()) {
            return cached.get();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long lag = 0;
        for (GroupLag.Position position : GroupLag.read(admin, groupId, topics, deadline)) {
            lag += position.behind();
        }
        cached = Optional.of(lag);
        cachedAt = now;
        return lag;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
