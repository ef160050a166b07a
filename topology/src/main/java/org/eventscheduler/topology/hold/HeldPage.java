package org.eventscheduler.topology.hold;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Consecutive held records of one queue of one entity, stored as one value of the held store: a page.
 * A storm holds many records a second; one store value (and one changelog record) per page instead of
 * per record makes the changelog write a page's, not a record's, through the record cache, which
 * coalesces every append to a page until the commit flushes it. Appending copies the page, so pages are
 * small ({@link #FULL_RECORDS} records, or {@link #FULL_BYTES} bytes).
 *
 * <p>Binary form: a version byte ({@code 'P'}), the number of records, then each record's length and
 * its {@link HeldRecord#toBytes()} form.
 */
public final class HeldPage {
    /** A page holds at most this many records... */
    public static final int FULL_RECORDS = 16;
    /** ...and takes no record that would make it larger than this, unless it is empty. */
    public static final int FULL_BYTES = 64 * 1024;
    /** 'P': not the first byte of a single held record's form, so neither is read as the other. */
    private static final byte VERSION = 'P';
    private static final int HEADER = 1 + 4;
    private static final byte[] EMPTY = ByteBuffer.allocate(HEADER).put(VERSION).putInt(0).array();

    private HeldPage() {
    }

    /** A page with no record. */
    public static byte[] empty() {
        return EMPTY;
    }

    /** Whether {@code page} takes no more records: full by count, or too large for {@code recordBytes} more. */
    public static boolean isFullFor(byte[] page, int recordBytes) {
        int count = count(page);
        return count >= FULL_RECORDS || count > 0 && page.length + 4 + recordBytes > FULL_BYTES;
    }

    /** A copy of {@code page} with {@code record} (a {@link HeldRecord#toBytes()} form) appended. */
    public static byte[] append(byte[] page, byte[] record) {
        byte[] longer = new byte[page.length + 4 + record.length];
        System.arraycopy(page, 0, longer, 0, page.length);
        ByteBuffer.wrap(longer).putInt(1, count(page) + 1).putInt(page.length, record.length)
                .put(page.length + 4, record);
        return longer;
    }

    /** How many records {@code page} holds. */
    public static int count(byte[] page) {
        if (page.length < HEADER || page[0] != VERSION) {
            throw new SerializationException("not a held page (version " + (page.length == 0 ? "none" : page[0]) + ")");
        }
        return ByteBuffer.wrap(page).getInt(1);
    }

    /** The binary form of record {@code index} (from 0) of {@code page}. */
    public static byte[] recordAt(byte[] page, int index) {
        ByteBuffer buffer = ByteBuffer.wrap(page);
        int count = count(page);
        if (index < 0 || index >= count) {
            throw new SerializationException("a held page of " + count + " records has no record " + index);
        }
        int at = HEADER;
        for (int i = 0; i < index; i++) {
            at += 4 + buffer.getInt(at);
        }
        byte[] record = new byte[buffer.getInt(at)];
        buffer.get(at + 4, record);
        return record;
    }

    /** Every record of {@code page}, in order. */
    public static List<HeldRecord> records(byte[] page) {
        ByteBuffer buffer = ByteBuffer.wrap(page);
        int count = count(page);
        List<HeldRecord> records = new ArrayList<>(count);
        int at = HEADER;
        for (int i = 0; i < count; i++) {
            byte[] record = new byte[buffer.getInt(at)];
            buffer.get(at + 4, record);
            records.add(HeldRecord.fromBytes(record));
            at += 4 + record.length;
        }
        return records;
    }
}
