package dev.asof.spi.online;

import dev.asof.spi.ConnectorException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A key-value store that serves materialized feature values to online lookups (RocksDB embedded,
 * Aerospike distributed). Keys and values are opaque bytes: the gateway decides what they hold
 * (which feature view, which entity key, which materialization run), so a store only has to be
 * fast and durable. Implementations are thread-safe.
 *
 * <p>Keys are any byte arrays, the empty one included; two keys are the same key when their bytes
 * are equal. Values are any byte arrays up to 1 MiB (a store may accept more; Aerospike's record
 * size limit is a server setting). Stores never keep or hand out the caller's arrays: what
 * {@link #getAll} returns belongs to the caller.
 *
 * <p>Expiry ({@link OnlineRecord#expiresAt()}) only frees space: a record is returned until its
 * expiry instant, and is missing some time after it (RocksDB: from the expiry rounded up to the
 * next whole second; Aerospike: within about two seconds of it, by the server's clock). Readers
 * that need exact validity check it themselves.
 *
 * <p>Failures (store down, timeout after the configured retries) throw {@link ConnectorException}
 * with a message that names the store and what failed; the store must recover by itself when
 * its server comes back, without the gateway recreating it. After {@link #close()}, every call
 * throws {@link ConnectorException}.
 */
public interface OnlineStore extends AutoCloseable {
    /** Short name for messages and EXPLAIN, e.g. {@code rocksdb} or {@code aerospike}. */
    String storeName();

    /**
     * Reads several records in one round trip (per server node, for a distributed store).
     *
     * @param keys the keys to read, in any order, duplicates allowed; may be empty
     * @return one entry per key, in the order of {@code keys} (a duplicated key gets its value at
     *     each of its positions): the stored value, or {@code null} where there is no record
     *     (never written, deleted, or expired). The list and its arrays belong to the caller.
     */
    List<byte[]> getAll(List<byte[]> keys);

    /**
     * Reads several records as {@link #getAll} does and gives each value to {@code reader}, which
     * returns what the caller keeps of it: the read path of online lookups, where a value may be
     * hundreds of kilobytes of which a lookup decodes a few, so that a store can hand out its own
     * memory instead of a copy of every value.
     *
     * <p>The buffer holds the value between its position and its limit and is valid only during
     * that call of the reader: the store may read the next value into the same memory. The reader
     * must not keep the buffer, change its bytes, or call this store. The default reads with
     * {@link #getAll} and wraps its arrays; a store overrides it when it can do with fewer copies.
     *
     * @return the reader's result for each key, in the order of {@code keys}
     */
    default <T> List<T> readAll(List<byte[]> keys, ValueReader<T> reader) {
        List<byte[]> values = getAll(keys);
        List<T> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            byte[] v = values.get(i);
            out.add(reader.read(i, v == null ? null : ByteBuffer.wrap(v)));
        }
        return out;
    }

    /** What a caller of {@link #readAll} keeps of one value. */
    @FunctionalInterface
    interface ValueReader<T> {
        /**
         * @param index the key's position in the request
         * @param value the value (valid during this call only), or null where there is no record
         */
        T read(int index, ByteBuffer value);
    }

    /**
     * Whether a read is answered inside this process (an embedded store such as RocksDB), in about
     * the time of a memory or local file read, never waiting on a network peer: the gateway then
     * serves lookups from it on its network threads instead of handing each to a worker thread.
     * False by default.
     */
    default boolean readsInProcess() {
        return false;
    }

    /**
     * Writes records, replacing whole values and expiries; writing the same record twice has the
     * same effect as writing it once. If the same key occurs more than once in {@code records},
     * the last occurrence wins. A record whose {@code expiresAt} has already passed is not
     * written, and an existing record under its key is removed. Not atomic across records:
     * callers that need all-or-nothing visibility build it on top (the gateway keeps the previous
     * complete run readable until a new run commits). After a failure, any subset of the records
     * may have been written; retrying the whole call is safe.
     */
    void putAll(List<OnlineRecord> records);

    /**
     * As {@link #getAll}, with each record's version for {@link #putAllIfUnchanged}: one round
     * trip per chunk as for {@link #getAll}.
     *
     * @return one entry per key, in the order of {@code keys}; {@link VersionedValue#absent()}
     *     where there is no record
     * @throws UnsupportedOperationException when the store cannot write conditionally
     */
    default List<VersionedValue> getAllVersioned(List<byte[]> keys) {
        throw new UnsupportedOperationException(storeName() + " has no conditional writes");
    }

    /**
     * Writes each record only if it is still at the version it was read at (compare-and-set per
     * record, atomic for each record, not across records). Several processes changing the same
     * records read them with {@link #getAllVersioned}, compute the new values, write them here,
     * and read again, recompute and retry the ones that lost: no change is lost.
     *
     * @param writes at most one write per key
     * @return per write, in order: true when it was written (or, for an expired record, deleted),
     *     false when the record had changed (nothing was written for it)
     * @throws UnsupportedOperationException when the store cannot write conditionally
     */
    default boolean[] putAllIfUnchanged(List<ConditionalWrite> writes) {
        throw new UnsupportedOperationException(storeName() + " has no conditional writes");
    }

    /** Deletes records; deleting a missing key is not an error. */
    void deleteAll(List<byte[]> keys);

    /**
     * Releases the store's connections or files. Idempotent. Calls in flight either complete or
     * throw {@link ConnectorException}.
     */
    @Override
    void close();
}
