package org.eventscheduler.topology.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class HeldPageTest {
    private static HeldRecord record(int i, int valueBytes) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("scheduler.origin", ("in-0@" + i).getBytes(StandardCharsets.UTF_8));
        return new HeldRecord(1_000L + i, "source-paused", ("s").getBytes(StandardCharsets.UTF_8),
                new byte[valueBytes], headers);
    }

    @Test
    void shouldKeepItsRecordsInOrder() {
        byte[] page = HeldPage.empty();
        for (int i = 0; i < 5; i++) {
            page = HeldPage.append(page, record(i, 10 + i).toBytes());
        }
        assertThat(HeldPage.count(page)).isEqualTo(5);
        assertThat(HeldRecord.fromBytes(HeldPage.recordAt(page, 3)).heldAt()).isEqualTo(1_003L);
        assertThat(HeldPage.records(page)).extracting(HeldRecord::heldAt).containsExactly(1_000L, 1_001L, 1_002L, 1_003L, 1_004L);
        assertThat(HeldPage.records(page).get(4).value()).hasSize(14);
        assertThatThrownBy(() -> HeldPage.recordAt(HeldPage.empty(), 0)).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldBeFullAtItsRecordsOrItsBytesButTakeOneLargeRecordWhenEmpty() {
        byte[] page = HeldPage.empty();
        for (int i = 0; i < HeldPage.FULL_RECORDS; i++) {
            assertThat(HeldPage.isFullFor(page, 100)).isFalse();
            page = HeldPage.append(page, record(i, 100).toBytes());
        }
        assertThat(HeldPage.isFullFor(page, 100)).as("by count").isTrue();
        assertThat(HeldPage.isFullFor(HeldPage.empty(), 10 * HeldPage.FULL_BYTES)).as("an empty page takes any record")
                .isFalse();
        byte[] large = HeldPage.append(HeldPage.empty(), record(0, HeldPage.FULL_BYTES - 200).toBytes());
        assertThat(HeldPage.isFullFor(large, 300)).as("by bytes").isTrue();
    }

    @Test
    void shouldRefuseWhatIsNotAPage() {
        assertThatThrownBy(() -> HeldPage.count(record(0, 1).toBytes())).isInstanceOf(SerializationException.class);
    }
}
