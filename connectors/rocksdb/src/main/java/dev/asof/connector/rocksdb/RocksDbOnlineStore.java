package dev.asof.connector.rocksdb;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ConnectorException;
import dev.asof.spi.online.ConditionalWrite;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.VersionedValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link OnlineStore} in an embedded RocksDB database: one directory, one process (RocksDB locks
 * the directory, so a second open of the same directory fails until the first store is closed).
 *
 * <p>Tuned for point lookups: a 64 MiB LRU block cache, a whole-key bloom filter (10 bits per
 * key, about 1% false positives, so a lookup of a missing key rarely reads a data block) kept in
 * the cache with level-0 filters pinned, a hash index inside data blocks, and a bloom filter on
 * the memtable. Writes go through the write-ahead log without fsync: a process crash loses
 * nothing, an operating-system crash may lose the last writes.
 *
 * <p>Expiry: each stored value starts with a small header holding the expiry as an epoch second
 * (rounded up). Reads treat a record as missing from that second on, by this process's clock.
 * Expired records stay on disk until they are overwritten or deleted: RocksDB's Java binding
 * offers no compaction filter written in Java (its compaction filters are native ones only), and
 * RocksDB's own TTL mode has one TTL per database, not per record.
 *
 * <p>Needs {@code --enable-native-access=ALL-UNNAMED} on Java versions that warn about native code.
 * {@link #close()} waits for calls in flight and then releases every native handle.
 */
public final class RocksDbOnlineStore implements OnlineStore {
    private static final long BLOCK_CACHE_BYTES = 64L << 20;
    private static final double BLOOM_BITS_PER_KEY = 10;
    /** The largest record a thread keeps an array for between reads; larger ones are read into their own. */
    private static final int MAX_SCRATCH_BYTES = 1 << 20;

    /** Per thread, the array single-key reads land in: a lookup of a large record allocates nothing. */
    private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[4096]);

    private final Path dir;
    private final InstantSource clock;
    private final LRUCache blockCache;
    private final BloomFilter bloomFilter;
    private final Options options;
    private final ReadOptions readOptions;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    // Native handles must never be used after they are freed: calls hold the read lock, close()
    // takes the write lock, so it waits for calls in flight and later calls see `closed`.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;
    // Conditional writes compare and write under this, and so do plain writes, so that no write
    // slips between a conditional write's check and its write (one process owns the directory).
    private final Object writes = new Object();

    private RocksDbOnlineStore(Path dir, InstantSource clock, LRUCache blockCache, BloomFilter bloomFilter,
            Options options, ReadOptions readOptions, WriteOptions writeOptions, RocksDB db) {
        this.dir = dir;
        this.clock = clock;
        this.blockCache = blockCache;
        this.bloomFilter = bloomFilter;
        this.options = options;
        this.readOptions = readOptions;
        this.writeOptions = writeOptions;
        this.db = db;
    }

    /**
     * Opens the store in {@code dir}, creating the directory and the database if they do not
     * exist.
     *
     * @throws ConnectorException if the directory cannot be created or the database cannot be
     *     opened (for example, another store has it open)
     */
    public static RocksDbOnlineStore open(Path dir) {
        return open(dir, InstantSource.system());
    }

    /** As {@link #open(Path)}, with the clock that decides expiry (tests). */
    static RocksDbOnlineStore open(Path dir, InstantSource clock) {
        requireNonNull(dir, "dir");
        requireNonNull(clock, "clock");
        Path absolute = dir.toAbsolutePath();
        try {
            Files.createDirectories(absolute);
        }
        catch (IOException e) {
            throw new ConnectorException("rocksdb: cannot create directory " + absolute + ": " + e, e);
        }
        RocksDB.loadLibrary();
        LRUCache blockCache = new LRUCache(BLOCK_CACHE_BYTES);
        BloomFilter bloomFilter = new BloomFilter(BLOOM_BITS_PER_KEY);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setIncreaseParallelism(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
                // Whole-key bloom on the memtable (needs a non-zero ratio) spares its skip-list search.
                .setMemtableWholeKeyFiltering(true)
                .setMemtablePrefixBloomSizeRatio(0.1)
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(blockCache)
                        .setFilterPolicy(bloomFilter)
                        .setWholeKeyFiltering(true)
                        .setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true)
                        .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
                        .setDataBlockHashTableUtilRatio(0.75));
        ReadOptions readOptions = new ReadOptions();
        WriteOptions writeOptions = new WriteOptions();
        try {
            RocksDB db = RocksDB.open(options, absolute.toString());
            return new RocksDbOnlineStore(absolute, clock, blockCache, bloomFilter, options, readOptions, writeOptions, db);
        }
        catch (RocksDBException e) {
            writeOptions.close();
            readOptions.close();
            options.close();
            bloomFilter.close();
            blockCache.close();
            throw new ConnectorException("rocksdb: cannot open " + absolute + ": " + message(e), e);
        }
    }

    @Override
    public String storeName() {
        return "rocksdb";
    }

    /** Embedded: a read is a block cache or local file read. */
    @Override
    public boolean readsInProcess() {
        return true;
    }

    /** The database directory (absolute). */
    public Path directory() {
        return dir;
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        return readValues(keys, (index, stored, length, nowSecond) -> copy(stored, length, nowSecond));
    }

    /**
     * As {@link #getAll}, with fewer copies: one key (a lookup) is read into this thread's reused
     * array, so a large record is neither allocated nor copied again; several are read as
     * {@link #getAll} reads them and handed out in place.
     */
    @Override
    public <T> List<T> readAll(List<byte[]> keys, ValueReader<T> reader) {
        return readValues(keys, (index, stored, length, nowSecond) ->
                reader.read(index, view(stored, length, nowSecond)));
    }

    /** What a read keeps of one stored value: the first {@code length} bytes of {@code stored} (null: none). */
    private interface StoredReader<T> {
        T read(int index, byte[] stored, int length, long nowSecond);
    }

    private <T> List<T> readValues(List<byte[]> keys, StoredReader<T> reader) {
        requireNonNull(keys, "keys");
        long nowSecond = clock.instant().getEpochSecond();
        Lock read = lock.readLock();
        read.lock();
        try {
            checkOpen("reading");
            if (keys.size() == 1) {
                // A single get skips multiGet's per-call batching setup: about half the time for one key.
                return Collections.singletonList(readOne(keys.get(0), reader, nowSecond));
            }
            List<byte[]> stored = keys.isEmpty() ? List.of() : db.multiGetAsList(readOptions, keys);
            List<T> values = new ArrayList<>(stored.size());
            for (int i = 0; i < stored.size(); i++) {
                byte[] bytes = stored.get(i);
                values.add(reader.read(i, bytes, bytes == null ? 0 : bytes.length, nowSecond));
            }
            return values;
        }
        catch (RocksDBException e) {
            throw failure("reading " + keys.size() + " record(s)", e);
        }
        finally {
            read.unlock();
        }
    }

    /**
     * One key, read into this thread's scratch array (grown to the largest record read, up to
     * {@value #MAX_SCRATCH_BYTES}; a larger record gets an array of its own).
     */
    private <T> T readOne(byte[] key, StoredReader<T> reader, long nowSecond) throws RocksDBException {
        byte[] buffer = scratch.get();
        int length = db.get(readOptions, key, buffer);
        if (length == RocksDB.NOT_FOUND) {
            return reader.read(0, null, 0, nowSecond);
        }
        if (length > buffer.length) {
            if (length <= MAX_SCRATCH_BYTES) {
                buffer = new byte[Integer.highestOneBit(length - 1) << 1];
                scratch.set(buffer);
                length = db.get(readOptions, key, buffer);
            } else {
                byte[] own = db.get(readOptions, key);
                buffer = own;
                length = own == null ? RocksDB.NOT_FOUND : own.length;
            }
            if (length != RocksDB.NOT_FOUND && length > buffer.length) {
                // Rewritten larger between the two reads: read it whole.
                buffer = db.get(readOptions, key);
                length = buffer == null ? RocksDB.NOT_FOUND : buffer.length;
            }
            if (length == RocksDB.NOT_FOUND) {
                return reader.read(0, null, 0, nowSecond); // deleted between the reads
            }
        }
        return reader.read(0, buffer, length, nowSecond);
    }

    /** The caller's value in {@code stored} as a copy; null when expired. */
    private byte[] copy(byte[] stored, int length, long nowSecond) {
        if (stored == null) {
            return null;
        }
        try {
            return StoredValue.decode(stored, length, nowSecond);
        }
        catch (IllegalArgumentException e) {
            throw unreadable(e);
        }
    }

    /** The caller's value in {@code stored} as a view of it; null when expired. */
    private ByteBuffer view(byte[] stored, int length, long nowSecond) {
        if (stored == null) {
            return null;
        }
        try {
            return StoredValue.view(stored, length, nowSecond);
        }
        catch (IllegalArgumentException e) {
            throw unreadable(e);
        }
    }

    private ConnectorException unreadable(IllegalArgumentException e) {
        return new ConnectorException("rocksdb: " + dir + " holds a value this version cannot read: " + e.getMessage(), e);
    }

    /**
     * As {@link #getAll}; a record's version is a 64-bit digest of its stored bytes (value and
     * expiry), so a rewrite with other bytes changes it (a rewrite with the same bytes changes
     * nothing a read-modify-write could lose).
     */
    @Override
    public List<VersionedValue> getAllVersioned(List<byte[]> keys) {
        requireNonNull(keys, "keys");
        List<byte[]> stored = readStored(keys);
        long nowSecond = clock.instant().getEpochSecond();
        List<VersionedValue> values = new ArrayList<>(stored.size());
        for (byte[] bytes : stored) {
            byte[] value = bytes == null ? null : decode(bytes, nowSecond);
            values.add(value == null ? VersionedValue.absent() : new VersionedValue(value, version(bytes)));
        }
        return values;
    }

    @Override
    public boolean[] putAllIfUnchanged(List<ConditionalWrite> conditional) {
        requireNonNull(conditional, "writes");
        boolean[] written = new boolean[conditional.size()];
        List<byte[]> keys = conditional.stream().map(w -> w.record().key()).toList();
        // The read lock first, as every write takes them, so that close() cannot wedge between them.
        Lock read = lock.readLock();
        read.lock();
        try {
            synchronized (writes) {
                conditionalWrite(conditional, keys, written);
            }
        }
        finally {
            read.unlock();
        }
        return written;
    }

    private void conditionalWrite(List<ConditionalWrite> conditional, List<byte[]> keys, boolean[] written) {
        List<byte[]> stored = readStored(keys);
        long nowSecond = clock.instant().getEpochSecond();
        List<OnlineRecord> accepted = new ArrayList<>();
        for (int i = 0; i < conditional.size(); i++) {
            byte[] bytes = stored.get(i);
            boolean present = bytes != null && decode(bytes, nowSecond) != null;
            long current = present ? version(bytes) : VersionedValue.ABSENT;
            if (current == conditional.get(i).expectedVersion()) {
                written[i] = true;
                accepted.add(conditional.get(i).record());
            }
        }
        putAll(accepted);
    }

    private byte[] decode(byte[] stored, long nowSecond) {
        try {
            return StoredValue.decode(stored, nowSecond);
        }
        catch (IllegalArgumentException e) {
            throw unreadable(e);
        }
    }

    private static long version(byte[] stored) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(stored);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        long version = 0;
        for (int i = 0; i < 8; i++) {
            version = (version << 8) | (digest[i] & 0xff);
        }
        return version == VersionedValue.ABSENT ? 1 : version;
    }

    /** The stored bytes (value and expiry) of each key, as they are; null where there is none. */
    private List<byte[]> readStored(List<byte[]> keys) {
        return readValues(keys, (index, stored, length, nowSecond) ->
                stored == null ? null : java.util.Arrays.copyOf(stored, length));
    }

    @Override
    public void putAll(List<OnlineRecord> records) {
        requireNonNull(records, "records");
        long nowSecond = clock.instant().getEpochSecond();
        try (WriteBatch batch = new WriteBatch()) {
            for (OnlineRecord record : records) {
                // Writing a record that is already expired would only take space: delete instead,
                // which also hides an older value under the same key.
                if (StoredValue.expired(record.expiresAt(), nowSecond)) {
                    batch.delete(record.key());
                }
                else {
                    batch.put(record.key(), StoredValue.encode(record.value(), record.expiresAt()));
                }
            }
            write(batch, "writing " + records.size() + " record(s)");
        }
        catch (RocksDBException e) {
            throw failure("writing " + records.size() + " record(s)", e);
        }
    }

    @Override
    public void deleteAll(List<byte[]> keys) {
        requireNonNull(keys, "keys");
        try (WriteBatch batch = new WriteBatch()) {
            for (byte[] key : keys) {
                batch.delete(key);
            }
            write(batch, "deleting " + keys.size() + " record(s)");
        }
        catch (RocksDBException e) {
            throw failure("deleting " + keys.size() + " record(s)", e);
        }
    }

    private void write(WriteBatch batch, String what) throws RocksDBException {
        Lock read = lock.readLock();
        read.lock();
        try {
            checkOpen(what);
            if (batch.count() > 0) {
                synchronized (writes) {
                    db.write(writeOptions, batch);
                }
            }
        }
        finally {
            read.unlock();
        }
    }

    @Override
    public void close() {
        Lock write = lock.writeLock();
        write.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                db.closeE();
            }
            catch (RocksDBException e) {
                throw failure("closing", e);
            }
            finally {
                writeOptions.close();
                readOptions.close();
                options.close();
                bloomFilter.close();
                blockCache.close();
            }
        }
        finally {
            write.unlock();
        }
    }

    @Override
    public String toString() {
        return "rocksdb:" + dir;
    }

    private void checkOpen(String what) {
        if (closed) {
            throw new ConnectorException("rocksdb: store " + dir + " is closed (" + what + ")", null);
        }
    }

    private ConnectorException failure(String what, RocksDBException e) {
        return new ConnectorException("rocksdb: " + what + " in " + dir + " failed: " + message(e), e);
    }

    private static String message(RocksDBException e) {
        return e.getMessage();
    }
}
