package dev.asof.spi.online;

import static java.util.Objects.requireNonNull;

/**
 * A write that takes effect only if the record is still at the version it was read at: the
 * compare-and-set that lets several processes read, change and write the same record without
 * losing each other's changes.
 *
 * @param record what to write (an expiry that has passed deletes the record, as in
 *     {@link OnlineStore#putAll})
 * @param expectedVersion the {@link VersionedValue#version()} the record was read at;
 *     {@link VersionedValue#ABSENT}: write only if there is still no record
 */
public record ConditionalWrite(OnlineRecord record, long expectedVersion) {
    public ConditionalWrite {
        requireNonNull(record, "record");
    }
}
