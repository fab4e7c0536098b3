package dev.asof.connector.rocksdb;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The bytes RocksDB holds for one record: a header, then the caller's value.
 *
 * <pre>
 * 0x00 value...                          never expires
 * 0x01 expiry(8, big-endian) value...    expires at that epoch second
 * </pre>
 *
 * The first byte also versions the format, so a later layout can be read next to this one.
 */
final class StoredValue {
    private static final byte NO_EXPIRY = 0x00;
    private static final byte EXPIRY_SECOND = 0x01;
    private static final int EXPIRY_HEADER_LENGTH = 9;

    private StoredValue() {}

    /**
     * The epoch second from which a record expiring at {@code expiresAt} is missing: the instant
     * rounded up, so a record is never dropped before its expiry.
     */
    static long expirySecond(Instant expiresAt) {
        return expiresAt.getNano() == 0 ? expiresAt.getEpochSecond() : expiresAt.getEpochSecond() + 1;
    }

    static byte[] encode(byte[] value, Optional<Instant> expiresAt) {
        if (expiresAt.isEmpty()) {
            byte[] stored = new byte[value.length + 1];
            stored[0] = NO_EXPIRY;
            System.arraycopy(value, 0, stored, 1, value.length);
            return stored;
        }
        long second = expirySecond(expiresAt.get());
        byte[] stored = new byte[value.length + EXPIRY_HEADER_LENGTH];
        stored[0] = EXPIRY_SECOND;
        for (int i = 0; i < 8; i++) {
            stored[1 + i] = (byte) (second >>> (56 - 8 * i));
        }
        System.arraycopy(value, 0, stored, EXPIRY_HEADER_LENGTH, value.length);
        return stored;
    }

    /**
     * The caller's value in the first {@code length} bytes of {@code stored}, or {@code null} when
     * the record has expired at {@code nowSecond}.
     *
     * @throws IllegalArgumentException when the bytes were not written by {@link #encode}
     */
    static byte[] decode(byte[] stored, int length, long nowSecond) {
        int header = header(stored, length, nowSecond);
        return header < 0 ? null : Arrays.copyOfRange(stored, header, length);
    }

    /** As {@link #decode(byte[], int, long)} of all of {@code stored}. */
    static byte[] decode(byte[] stored, long nowSecond) {
        return decode(stored, stored.length, nowSecond);
    }

    /** As {@link #decode(byte[], int, long)}, the value as a view of {@code stored} (no copy). */
    static ByteBuffer view(byte[] stored, int length, long nowSecond) {
        int header = header(stored, length, nowSecond);
        return header < 0 ? null : ByteBuffer.wrap(stored, header, length - header).slice();
    }

    /** Where the caller's value starts in {@code stored}; -1 when it has expired at {@code nowSecond}. */
    private static int header(byte[] stored, int length, long nowSecond) {
        if (length >= 1 && stored[0] == NO_EXPIRY) {
            return 1;
        }
        if (length >= EXPIRY_HEADER_LENGTH && stored[0] == EXPIRY_SECOND) {
            long second = 0;
            for (int i = 0; i < 8; i++) {
                second = (second << 8) | (stored[1 + i] & 0xff);
            }
            return nowSecond >= second ? -1 : EXPIRY_HEADER_LENGTH;
        }
        throw new IllegalArgumentException("unknown stored value format " + (length == 0 ? "(empty)" : "0x%02x".formatted(stored[0])));
    }

    /** Whether a record expiring at {@code expiresAt} is already missing at {@code nowSecond}. */
    static boolean expired(Optional<Instant> expiresAt, long nowSecond) {
        return expiresAt.isPresent() && nowSecond >= expirySecond(expiresAt.get());
    }
}
