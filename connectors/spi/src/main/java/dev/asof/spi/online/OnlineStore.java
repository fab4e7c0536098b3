package dev.asof.spi.online;

import dev.asof.spi.ConnectorException;
import java.util.List;

/**
 * A key-value store that serves materialized feature values to online lookups (RocksDB embedded,
 * Aerospike distributed). Keys and values are opaque bytes: the gateway decides what they hold
 * (which feature view, which entity key, which materialization run), so a store only has to be
 * fast and durable. Implementations are thread-safe.
 *
 * <p>Failures (store down, timeout after the configured retries) throw {@link ConnectorException}
 * with a message that names the store and what failed; the store must recover by itself when
 * its server comes back, without the gateway recreating it.
 */
public interface OnlineStore extends AutoCloseable {
    /** Short name for messages and EXPLAIN, e.g. {@code rocksdb} or {@code aerospike}. */
    String storeName();

    /**
     * Reads several records in one round trip.
     *
     * @return one entry per key, in the order of {@code keys}: the stored value, or {@code null}
     *     where there is no record (never written, deleted, or expired by the store's TTL)
     */
    List<byte[]> getAll(List<byte[]> keys);

    /**
     * Writes records, replacing whole values; writing the same record twice has the same effect
     * as writing it once. Not atomic across records: callers that need all-or-nothing visibility
     * build it on top (the gateway keeps the previous complete run readable until a new run
     * commits).
     */
    void putAll(List<OnlineRecord> records);

    /** Deletes records; deleting a missing key is not an error. */
    void deleteAll(List<byte[]> keys);

    @Override
    void close();
}
