package dev.asof.spi.online;

import java.util.Arrays;

/**
 * A record's value as {@link OnlineStore#getAllVersioned} read it, with the version a
 * {@link ConditionalWrite} names to replace exactly this value.
 *
 * @param value the stored value, or {@code null} when there is no record (never written, deleted
 *     or expired)
 * @param version opaque to the caller: {@link #ABSENT} when there is no record; otherwise a
 *     number the store changes whenever the record is written (Aerospike: the record's
 *     generation)
 */
public record VersionedValue(byte[] value, long version) {
    /** The version of a missing record. */
    public static final long ABSENT = 0;

    public VersionedValue {
        if ((value == null) != (version == ABSENT)) {
            throw new IllegalArgumentException("a missing record has version " + ABSENT + ", a present one another: "
                    + version);
        }
    }

    /** No record under the key. */
    public static VersionedValue absent() {
        return new VersionedValue(null, ABSENT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionedValue v && Arrays.equals(value, v.value) && version == v.version;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(value) + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "VersionedValue[" + (value == null ? "absent" : value.length + " bytes, version " + version) + "]";
    }
}
