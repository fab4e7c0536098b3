package dev.asof.spi.online;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * One record to write to an {@link OnlineStore}.
 *
 * @param key the record's key, opaque to the store
 * @param value the record's whole value, opaque to the store
 * @param expiresAt when the store may drop the record (an instant, second precision is enough:
 *     stores round it up); empty keeps it until it is overwritten or deleted. Correctness never
 *     depends on this: readers check validity themselves, expiry only frees space.
 */
public record OnlineRecord(byte[] key, byte[] value, Optional<Instant> expiresAt) {
    public OnlineRecord {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnlineRecord r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && expiresAt.equals(r.expiresAt);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(key) + Arrays.hashCode(value)) + expiresAt.hashCode();
    }

    @Override
    public String toString() {
        return "OnlineRecord[" + key.length + "-byte key, " + value.length + "-byte value, expiresAt=" + expiresAt + "]";
    }
}
