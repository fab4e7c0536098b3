package dev.asof.connector.rocksdb;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ConnectorException;
import dev.asof.spi.online.ConditionalWrite;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.VersionedValue;
import java.io.IOException;
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

    /** The database directory (absolute). */
    public Path directory() {
        return dir;
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        requireNonNull(keys, "keys");
        List<byte[]> stored = readStored(keys);
        long nowSecond = clock.instant().getEpochSecond();
        List<byte[]> values = new ArrayList<>(stored.size());
        for (byte[] bytes : stored) {
            values.add(bytes == null ? null : decode(bytes, nowSecond));
        }
        return values;
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
            throw new ConnectorException("rocksdb: " + dir + " holds a value this version cannot read: " + e.getMessage(), e);
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

    private List<byte[]> readStored(List<byte[]> keys) {
        List<byte[]> stored;
        Lock read = lock.readLock();
        read.lock();
        try {
            checkOpen("reading");
            stored = switch (keys.size()) {
                case 0 -> List.of();
                // A single get skips multiGet's per-call batching setup: about half the time for one key.
                case 1 -> Collections.singletonList(db.get(readOptions, keys.get(0)));
                default -> db.multiGetAsList(readOptions, keys);
            };
        }
        catch (RocksDBException e) {
            throw failure("reading " + keys.size() + " record(s)", e);
        }
        finally {
            read.unlock();
        }
        return stored;
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
