package org.eventscheduler.topology.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StartWindowTest {
    /** 10 s of 1 s buckets. */
    private static final RateWindow WINDOW = new RateWindow(Duration.ofSeconds(10), Duration.ofSeconds(1));

    private static StartWindow startsAt(long... times) {
        StartWindow starts = StartWindow.empty(0, WINDOW.buckets());
        for (long time : times) {
            starts.add(time, WINDOW);
        }
        return starts;
    }

    @Test
    void shouldCountWhatWentWithinTheWindowsLengthUpToNow() {
        StartWindow starts = startsAt(500, 1_500, 9_999);
        assertThat(starts.countAt(9_999, WINDOW)).isEqualTo(3);
        assertThat(starts.countAt(10_499, WINDOW)).as("500 is 9.999 s old").isEqualTo(3);
        assertThat(starts.countAt(10_500, WINDOW)).as("500 is 10 s old: out").isEqualTo(2);
        assertThat(starts.countAt(19_999, WINDOW)).isZero();
    }

    @Test
    void shouldCountTheBucketBeforeTheWindowWhileItsLastStartIsWithinTheWindowsLength() {
        StartWindow starts = startsAt(100, 900);
        // at 10.5 s the window's buckets are 1..10; bucket 0 lies before it, and its last start (0.9 s) is
        // within 10 s: both of its starts still count (a bucket's count is not split)
        assertThat(starts.countAt(10_500, WINDOW)).isEqualTo(2);
        assertThat(starts.countAt(10_900, WINDOW)).isZero();
    }

    @Test
    void shouldFindRoomWhenTheOldestStartsAreAWindowsLengthOld() {
        StartWindow starts = startsAt(500, 500, 3_200, 3_700);
        assertThat(starts.roomAt(4_000, 5, WINDOW)).as("room now").isEqualTo(4_000);
        assertThat(starts.roomAt(4_000, 4, WINDOW)).as("when the two at 0.5 s are 10 s old").isEqualTo(10_500);
        assertThat(starts.roomAt(4_000, 2, WINDOW)).as("when bucket 3's last is 10 s old").isEqualTo(13_700);
        assertThat(starts.roomAt(11_000, 4, WINDOW)).as("already past").isEqualTo(11_000);
    }

    @Test
    void shouldNeverLetMoreThanTheLimitThroughInAnyIntervalOfTheWindowsLength() {
        // a limit of 3 per 10 s, a record asking every 100 ms for 60 s: each goes when there is room
        StartWindow starts = StartWindow.empty(0, WINDOW.buckets());
        java.util.List<Long> went = new java.util.ArrayList<>();
        for (long time = 250; time < 60_000; time += 100) {
            if (starts.countAt(time, WINDOW) < 3) {
                starts.add(time, WINDOW);
                went.add(time);
            }
        }
        for (int i = 0; i + 3 < went.size(); i++) {
            assertThat(went.get(i + 3) - went.get(i)).as("the 4th after %d", went.get(i))
                    .isGreaterThanOrEqualTo(10_000);
        }
        assertThat(went).as("and it goes as soon as the window allows (a bucket leaves whole, at its last's time)")
                .startsWith(250L, 350L, 450L, 10_450L, 10_550L, 10_650L, 20_650L);
    }

    @Test
    void shouldCountARecordOlderThanTheNewestBucketFromThatBucketsStart() {
        StartWindow starts = startsAt(500, 5_500);
        // asked at 0.6 s after having seen 5.5 s: counted as at 5 s, when 0.5 s is within the window
        assertThat(starts.countAt(600, WINDOW)).isEqualTo(2);
    }

    @Test
    void shouldSurviveItsBinaryForm() {
        StartWindow starts = startsAt(500, 1_500, 1_700, 9_999, 10_300);
        ByteBuffer buffer = ByteBuffer.allocate(StartWindow.byteSize(WINDOW.buckets()));
        starts.write(buffer);
        assertThat(buffer.hasRemaining()).isFalse();
        StartWindow read = StartWindow.read(buffer.flip(), WINDOW.buckets());
        assertThat(read.roomAt(10_300, 3, WINDOW)).isEqualTo(starts.roomAt(10_300, 3, WINDOW)).isEqualTo(11_700);
        for (long time : new long[] {10_300, 10_500, 11_000, 11_700, 12_000, 19_999, 20_299, 20_300}) {
            assertThat(read.countAt(time, WINDOW)).as("at %d", time).isEqualTo(starts.countAt(time, WINDOW));
        }
    }

    @Test
    void shouldReadCountsAloneAsIfEachBucketsLastWentAtItsEnd() {
        SlidingCount counts = SlidingCount.empty(0, WINDOW.buckets());
        counts.add(0);
        counts.add(3);
        StartWindow starts = StartWindow.ofCounts(counts, WINDOW);
        assertThat(starts.countAt(10_998, WINDOW)).isEqualTo(2);
        assertThat(starts.countAt(10_999, WINDOW)).isEqualTo(1);
    }
}
