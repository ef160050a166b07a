package org.eventscheduler.topology.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The home's count of what it granted: the rule that keeps a shared trigger's starts within its limit. */
class GrantLedgerTest {
    private static final int BUCKETS = 10;

    @Test
    void shouldLeaveRoomForWhatTheWindowAndOneBucketMoreHaveNotGranted() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(100, 30);
        ledger.add(105, 50);

        assertThat(ledger.room(105, 100)).isEqualTo(20);
        assertThat(ledger.room(110, 100)).as("bucket 100 still shares an interval of the window's length with 110")
                .isEqualTo(20);
        assertThat(ledger.room(111, 100)).as("bucket 100 is a window and a bucket behind").isEqualTo(50);
        assertThat(ledger.room(116, 100)).isEqualTo(100);
    }

    @Test
    void shouldAnswerForTheBucketBeforeTheNewestButNoOlder() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(200, 5);

        assertThat(ledger.grantableFor(199)).isEqualTo(199);
        assertThat(ledger.grantableFor(150)).as("older than the ring can answer for: the bucket before the newest")
                .isEqualTo(199);
        assertThat(ledger.grantableFor(201)).isEqualTo(201);
    }

    @Test
    void shouldTakeBackWhatATaskGaveBackUnused() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(300, 40);
        ledger.giveBack(300, 25);
        assertThat(ledger.room(300, 100)).isEqualTo(85);
        ledger.giveBack(300, 100);
        assertThat(ledger.room(300, 100)).as("never below nothing").isEqualTo(100);
    }

    @Test
    void shouldSurviveItsChangelogUnchanged() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(42, 7);
        ledger.add(45, 3);
        var serde = GrantLedger.serde();
        GrantLedger read = serde.deserializer().deserialize("t", serde.serializer().serialize("t", ledger));
        assertThat(read.room(45, 100)).isEqualTo(90);
        assertThat(read.grantableFor(0)).isEqualTo(44);
    }

    /**
     * Demands in any order, for any bucket the ledger answers for, granted whatever room there is: no
     * window-and-a-bucket of consecutive buckets (what an interval of the window's length can touch) ever
     * holds more grants than the limit.
     */
    @Test
    void shouldNeverGrantMoreThanTheLimitOverAnyWindowAndABucketWhateverTheOrderOfTheDemands() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            long limit = 1 + random.nextInt(50);
            GrantLedger ledger = GrantLedger.empty(BUCKETS);
            Map<Long, Long> granted = new TreeMap<>();
            long now = 1_000;
            for (int demand = 0; demand < 400; demand++) {
                now += random.nextInt(3);
                long asked = now - random.nextInt(4);
                long bucket = ledger.grantableFor(random.nextInt(5) == 0 ? asked + 1 : asked);
                long room = ledger.room(bucket, limit) - (random.nextBoolean() ? limit / 2 : 0);
                int starts = (int) Math.max(0, Math.min(1 + random.nextInt(8), room));
                ledger.add(bucket, starts);
                granted.merge(bucket, (long) starts, Long::sum);
                if (random.nextInt(10) == 0 && starts > 0) {
                    int back = random.nextInt(starts + 1);
                    ledger.giveBack(bucket, back);
                    granted.merge(bucket, (long) -back, Long::sum);
                }
            }
            for (long first : granted.keySet()) {
                long sum = 0;
                for (long b = first; b <= first + BUCKETS; b++) {
                    sum += granted.getOrDefault(b, 0L);
                }
                assertThat(sum).as("seed %s: grants in buckets %s..%s", seed, first, first + BUCKETS)
                        .isLessThanOrEqualTo(limit);
            }
        }
    }

    @Test
    void shouldSendAGrantToItsTaskAndANoticeToEveryTask() {
        GrantPartitioner partitioner = new GrantPartitioner();
        assertThat(partitioner.partitions("g", "t", new TriggerInput.Grant("t", 2, 9, 5, false, false), 4))
                .isEqualTo(Optional.of(Set.of(2)));
        assertThat(partitioner.partitions("g", "t", TriggerInput.Grant.revocation("t", 9), 4))
                .isEqualTo(Optional.of(Set.of(0, 1, 2, 3)));
        assertThat(partitioner.partitions("g", "t", TriggerInput.Grant.invitation("t", 9), 3))
                .isEqualTo(Optional.of(Set.of(0, 1, 2)));
        assertThatThrownBy(() -> partitioner.partitions("g", "t", new TriggerInput.Grant("t", 5, 9, 1, false, false), 4))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("as many as the ingress topic");
    }
}
