package org.eventscheduler.topology.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The home's count of what it granted: the rule that keeps a shared trigger's starts within its limit. */
class GrantLedgerTest {
    private static final int BUCKETS = 10;

    @Test
    void shouldLeaveRoomForWhatTheGrantsEndingAWindowBeforeItsFirstBucketOnHaveNotTaken() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(100, 30);
        ledger.add(105, 50);

        assertThat(ledger.room(105, 100)).isEqualTo(20);
        assertThat(ledger.room(110, 100)).as("a grant ending in bucket 100 shares an interval with bucket 110")
                .isEqualTo(20);
        assertThat(ledger.room(111, 100)).as("bucket 100 is a window and a bucket behind").isEqualTo(50);
        assertThat(ledger.room(116, 100)).isEqualTo(100);
    }

    @Test
    void shouldCountAGrantOfSeveralBucketsUntilAWindowAfterItsLastBucket() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        // starts from bucket 200 to 209, counted at 209
        ledger.add(209, 60);
        assertThat(ledger.room(200, 100)).isEqualTo(40);
        assertThat(ledger.room(219, 100)).as("a start in bucket 209 and one in 219 can share an interval").isEqualTo(40);
        assertThat(ledger.room(220, 100)).isEqualTo(100);
    }

    @Test
    void shouldAnswerForBucketsNoOlderThanTwoWindowsAndABucketBeforeItsNewestEnd() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(209, 5);

        assertThat(ledger.grantableFrom(200)).isEqualTo(200);
        assertThat(ledger.grantableFrom(150)).as("older than the ring can answer for").isEqualTo(188);
        assertThat(ledger.grantableFrom(210)).isEqualTo(210);
    }

    /**
     * A task granted the window from bucket 200 asks ahead, half way through it, for the window after: the
     * grant ends in 219. Another task's demand for the bucket it is in, 205, is still answered for 205 (with
     * the room the window before it leaves), not for a later bucket its matches would wait for.
     */
    @Test
    void shouldAnswerADemandForTheBucketItIsInAfterAnotherTaskWasGrantedTheNextWindowAhead() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(209, 20);
        ledger.add(219, 30);

        assertThat(ledger.grantableFrom(205)).isEqualTo(205);
        assertThat(ledger.room(205, 100)).isEqualTo(50);
    }

    /** A ledger its changelog kept from the older ring of two windows and two buckets answers as that ring can. */
    @Test
    void shouldAnswerFromALedgerOfTheOlderRingOnlyForWhatThatRingHolds() {
        java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(8 + 4 + 4 + 4 * (2 * BUCKETS + 2)).putLong(219)
                .putInt(BUCKETS).putInt(2 * BUCKETS + 2);
        for (int slot = 0; slot < 2 * BUCKETS + 2; slot++) {
            old.putInt(slot == Math.floorMod(209, 2 * BUCKETS + 2) ? 20 : slot == Math.floorMod(219, 2 * BUCKETS + 2) ? 30 : 0);
        }
        GrantLedger ledger = GrantLedger.serde().deserializer().deserialize("t", old.array());

        assertThat(ledger.grantableFrom(205)).as("a window and a bucket before 219").isEqualTo(208);
        assertThat(ledger.room(208, 100)).isEqualTo(50);
    }

    @Test
    void shouldTakeBackWhatATaskGaveBackUnused() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(300, 40);
        ledger.giveBack(300, 25, 0, Long.MIN_VALUE);
        assertThat(ledger.room(300, 100)).isEqualTo(85);
        ledger.giveBack(300, 100, 0, Long.MIN_VALUE);
        assertThat(ledger.room(300, 100)).as("never below nothing").isEqualTo(100);
    }

    @Test
    void shouldCountTheStartsOfAGrantOfSeveralBucketsWhereTheLastOfThemWasOnceTheTaskIsDoneWithIt() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(409, 30);
        assertThat(ledger.room(415, 100)).isEqualTo(70);
        // 12 used, the last in bucket 402; 18 never
        ledger.giveBack(409, 18, 12, 402);
        assertThat(ledger.room(412, 100)).as("bucket 402 shares an interval with 412").isEqualTo(88);
        assertThat(ledger.room(413, 100)).isEqualTo(100);
    }

    @Test
    void shouldSurviveItsChangelogUnchanged() {
        GrantLedger ledger = GrantLedger.empty(BUCKETS);
        ledger.add(42, 7);
        ledger.add(45, 3);
        var serde = GrantLedger.serde();
        GrantLedger read = serde.deserializer().deserialize("t", serde.serializer().serialize("t", ledger));
        assertThat(read.room(45, 100)).isEqualTo(90);
        assertThat(read.grantableFrom(0)).isEqualTo(24);
    }

    /**
     * Demands in any order, for any first bucket the ledger answers for, over one bucket or up to a window of
     * them, granted whatever room there is, some of it given back: no interval of the window's length holds
     * more than the limit, where the starts of each grant may lie anywhere in its buckets (the worst case:
     * every start of a grant at any one of them).
     */
    @Test
    void shouldNeverGrantMoreThanTheLimitThatAnIntervalCouldHoldWhateverTheOrderOfTheDemands() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            long limit = 1 + random.nextInt(50);
            GrantLedger ledger = GrantLedger.empty(BUCKETS);
            List<long[]> grants = new ArrayList<>();
            long now = 1_000;
            for (int demand = 0; demand < 300; demand++) {
                now += random.nextInt(3);
                // mostly the bucket a task is in or just before it; some ahead by up to a window, some behind by
                // up to two and a half windows (a task that lags), older than the ring can answer for
                long asked = now - (random.nextInt(8) == 0 ? random.nextInt(5 * BUCKETS / 2) : random.nextInt(4))
                        + (random.nextInt(5) == 0 ? random.nextInt(BUCKETS + 1) : 0);
                long from = ledger.grantableFrom(asked);
                long room = ledger.room(from, limit) - (random.nextBoolean() ? limit / 2 : 0);
                int starts = (int) Math.max(0, Math.min(1 + random.nextInt(8), room));
                long end = from + (random.nextBoolean() ? 0 : random.nextInt(BUCKETS));
                ledger.add(end, starts);
                if (random.nextInt(4) == 0 && starts > 0) {
                    // the task is done with it: some never started, the rest by a bucket of the grant's
                    int back = random.nextInt(starts + 1);
                    long lastUsed = from + random.nextInt((int) (end - from + 1));
                    ledger.giveBack(end, back, starts - back, lastUsed);
                    grants.add(new long[] {from, lastUsed, starts - back});
                } else {
                    grants.add(new long[] {from, end, starts});
                }
            }
            // an interval of the window's length touches the buckets j to j + BUCKETS
            for (long j = 900; j < now + BUCKETS; j++) {
                long sum = 0;
                for (long[] grant : grants) {
                    if (grant[0] <= j + BUCKETS && grant[1] >= j) {
                        sum += grant[2];
                    }
                }
                assertThat(sum).as("seed %s: grants whose starts buckets %s..%s could hold", seed, j, j + BUCKETS)
                        .isLessThanOrEqualTo(limit);
            }
        }
    }

    @Test
    void shouldSendAGrantToItsTaskAndANoticeToEveryTask() {
        GrantPartitioner partitioner = new GrantPartitioner();
        assertThat(partitioner.partitions("g", "t", new TriggerInput.Grant("t", 2, 9, 9, 5, false, false), 4))
                .isEqualTo(Optional.of(Set.of(2)));
        assertThat(partitioner.partitions("g", "t", TriggerInput.Grant.revocation("t", 9), 4))
                .isEqualTo(Optional.of(Set.of(0, 1, 2, 3)));
        assertThat(partitioner.partitions("g", "t", TriggerInput.Grant.invitation("t", 9), 3))
                .isEqualTo(Optional.of(Set.of(0, 1, 2)));
        assertThatThrownBy(() -> partitioner.partitions("g", "t", new TriggerInput.Grant("t", 5, 9, 9, 1, false, false), 4))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("as many as the ingress topic");
    }
}
