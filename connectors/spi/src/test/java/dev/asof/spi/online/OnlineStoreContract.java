package dev.asof.spi.online;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.asof.spi.ConnectorException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link OnlineStore} must have, as one suite: a store's test class extends
 * this and says how to open the store. Each test uses keys that start with a prefix unique to
 * that test, so the store may be shared with other tests or hold records from earlier runs (a
 * real Aerospike namespace); the suite deletes what it wrote when a test ends.
 */
public abstract class OnlineStoreContract {
    private final Set<ByteBuffer> written = ConcurrentHashMap.newKeySet();
    private OnlineStore store;
    private byte[] prefix;

    /** Opens the store under test; called before each test, closed after it. */
    protected abstract OnlineStore openStore() throws Exception;

    /**
     * How long after a record's expiry the store may still return it. RocksDB drops it at the
     * next whole second; Aerospike keeps a record for up to a second past its void time, which is
     * itself rounded up to a whole second.
     */
    protected Duration expiryLag() {
        return Duration.ofSeconds(2);
    }

    @BeforeEach
    final void openStoreForTest() throws Exception {
        byte[] random = new byte[8];
        new Random().nextBytes(random);
        prefix = ("contract-" + HexFormat.of().formatHex(random) + "/").getBytes(UTF_8);
        store = openStore();
    }

    @AfterEach
    final void cleanUpAndCloseStore() {
        try {
            List<byte[]> keys = written.stream().map(OnlineStoreContract::bytes).toList();
            if (!keys.isEmpty()) {
                store.deleteAll(keys);
            }
        }
        catch (ConnectorException e) {
            // Best effort: a test may have closed the store; leftovers never collide (unique prefix).
        }
        finally {
            store.close();
        }
    }

    @Test
    void putThenGetReturnsTheValues() {
        store.putAll(List.of(record("a", "alpha"), record("b", "beta"), record("c", "")));

        assertValues(get("a", "b", "c"), "alpha", "beta", "");
        assertValues(get("c", "a"), "", "alpha");
    }

    @Test
    void missingKeysAreNullAtTheirPositions() {
        store.putAll(List.of(record("a", "alpha"), record("c", "gamma")));

        assertValues(get("x", "a", "y", "c", "z"), null, "alpha", null, "gamma", null);
        assertValues(get("never"), (String) null);
    }

    @Test
    void emptyListsAreNoOps() {
        assertThat(store.getAll(List.of())).isEmpty();
        store.putAll(List.of());
        store.deleteAll(List.of());
    }

    @Test
    void oneKeyPresentOrMissing() {
        store.putAll(List.of(record("only", "value")));

        assertValues(get("only"), "value");
        assertValues(get("other"), (String) null);
        assertValues(get("only", "only"), "value", "value");
    }

    @Test
    void fiveHundredKeysComeBackInRequestOrderWithDuplicatesAndMissingKeys() {
        Random random = new Random(500);
        Map<String, byte[]> model = new HashMap<>();
        List<OnlineRecord> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            byte[] value = randomValue(random, random.nextInt(64));
            model.put("k" + i, value);
            records.add(new OnlineRecord(key("k" + i), value, Optional.empty()));
        }
        store.putAll(records);

        // 450 names of which 50 were never written; drawn with replacement, so some repeat.
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            names.add("k" + random.nextInt(450));
        }
        assertThat(names.stream().distinct().count()).isLessThan(500);
        assertThat(names).anyMatch(name -> !model.containsKey(name));

        List<byte[]> actual = store.getAll(names.stream().map(this::key).toList());
        assertThat(actual).hasSize(500);
        for (int i = 0; i < names.size(); i++) {
            assertThat(describe(actual.get(i)))
                    .as("position %s, key %s", i, names.get(i))
                    .isEqualTo(describe(model.get(names.get(i))));
        }
    }

    @Test
    void overwriteReplacesTheValueAndRepeatingAWriteChangesNothing() {
        store.putAll(List.of(record("a", "first value, longer than the second"), record("b", "b1")));
        store.putAll(List.of(record("a", "second")));
        assertValues(get("a", "b"), "second", "b1");

        List<OnlineRecord> again = List.of(record("a", "third"), record("b", "b2"));
        store.putAll(again);
        store.putAll(again);
        assertValues(get("a", "b"), "third", "b2");
    }

    @Test
    void lastOccurrenceOfAKeyInOneWriteWins() {
        store.putAll(List.of(record("a", "1"), record("b", "only"), record("a", "2"), record("a", "3")));

        assertValues(get("a", "b"), "3", "only");
    }

    @Test
    void deleteRemovesRecordsAndIgnoresMissingKeys() {
        store.putAll(List.of(record("a", "alpha"), record("b", "beta"), record("c", "gamma")));

        store.deleteAll(List.of(key("a"), key("missing"), key("c"), key("c")));
        assertValues(get("a", "b", "c"), null, "beta", null);

        store.deleteAll(List.of(key("a")));
        store.putAll(List.of(record("a", "again")));
        assertValues(get("a"), "again");
    }

    @Test
    void recordWhoseExpiryHasPassedIsMissing() {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        store.putAll(List.of(record("existing", "old value")));

        store.putAll(List.of(
                record("new", "never visible", past),
                record("existing", "replaced by an expired value", past),
                record("live", "live value", Instant.now().plus(Duration.ofDays(1)))));

        assertValues(get("new", "existing", "live"), null, null, "live value");
    }

    @Test
    void recordExpiringSoonIsPresentUntilItsExpiryThenMissing() throws InterruptedException {
        Instant expiresAt = Instant.now().plusSeconds(1);
        store.putAll(List.of(
                record("expiring", "soon gone", expiresAt),
                record("kept", "written with an expiry", expiresAt),
                record("far", "expires tomorrow", Instant.now().plus(Duration.ofDays(1)))));
        // Rewriting without an expiry must clear the earlier one.
        store.putAll(List.of(record("kept", "kept forever")));

        Instant deadline = expiresAt.plus(expiryLag()).plusMillis(500);
        boolean sawPresent = false;
        while (true) {
            List<byte[]> values = get("expiring", "kept", "far");
            Instant readBy = Instant.now();
            assertValues(values.subList(1, 3), "kept forever", "expires tomorrow");
            if (values.get(0) == null) {
                assertThat(readBy).as("read that found the record gone ended after its expiry").isAfterOrEqualTo(expiresAt);
                break;
            }
            assertValues(values.subList(0, 1), "soon gone");
            sawPresent = true;
            if (readBy.isAfter(deadline)) {
                fail("record expiring at %s was still returned at %s", expiresAt, readBy);
            }
            Thread.sleep(100);
        }
        assertThat(sawPresent).as("record was returned before it expired").isTrue();
        assertValues(get("expiring", "kept", "far"), null, "kept forever", "expires tomorrow");
    }

    @Test
    void valuesFromZeroBytesToHundredsOfKilobytes() {
        int[] sizes = {0, 1, 2, 127, 128, 255, 256, 1000, 4095, 4096, 65535, 65536, 100_000, 262_144};
        Random random = new Random(7);
        List<OnlineRecord> records = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (int size : sizes) {
            byte[] key = key("size-" + size);
            keys.add(key);
            records.add(new OnlineRecord(key, randomValue(random, size), Optional.empty()));
        }
        store.putAll(records);

        List<byte[]> together = store.getAll(keys);
        for (int i = 0; i < sizes.length; i++) {
            assertThat(describe(together.get(i))).as("%s bytes", sizes[i]).isEqualTo(describe(records.get(i).value()));
            List<byte[]> alone = store.getAll(List.of(keys.get(i)));
            assertThat(describe(alone.get(0))).as("%s bytes alone", sizes[i]).isEqualTo(describe(records.get(i).value()));
        }
    }

    @Test
    void readAllHandsEachValueToTheReaderInKeyOrder() {
        int[] sizes = {0, 1, 4096, 100_000, 262_144};
        Random random = new Random(11);
        List<OnlineRecord> records = new ArrayList<>();
        for (int size : sizes) {
            records.add(new OnlineRecord(key("buffer-" + size), randomValue(random, size), Optional.empty()));
        }
        // Expiry headers must not show in the buffers either.
        records.add(new OnlineRecord(key("buffer-expiring"), utf8("expires tomorrow"),
                Optional.of(Instant.now().plus(Duration.ofDays(1)))));
        store.putAll(records);
        List<byte[]> keys = new ArrayList<>(records.stream().map(OnlineRecord::key).toList());
        keys.add(key("buffer-missing"));
        keys.add(key("buffer-" + sizes[2])); // a duplicate gets its value again

        List<String> together = store.readAll(keys, (index, value) -> index + ":" + (value == null ? null : describe(bytes(value))));

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            expected.add(i + ":" + describe(records.get(i).value()));
        }
        expected.add(records.size() + ":null");
        expected.add((records.size() + 1) + ":" + describe(records.get(2).value()));
        assertThat(together).containsExactlyElementsOf(expected);
        // One key at a time, large and small in turn: a value never shows bytes of the one read before.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < records.size(); i++) {
                List<String> alone = store.readAll(List.of(records.get(i).key()), (index, value) -> describe(bytes(value)));
                assertThat(alone).as("value %d alone", i).containsExactly(describe(records.get(i).value()));
            }
        }
        assertThat(store.readAll(List.of(key("buffer-missing")), (index, value) -> value)).containsExactly((ByteBuffer) null);
        assertThat(store.readAll(List.of(), (index, value) -> value)).isEmpty();
    }

    @Test
    void keysAreComparedByTheirBytes() {
        byte[] base = key("b");
        byte[] withZero = concat(base, new byte[] {0});
        byte[] withTwoZeros = concat(base, new byte[] {0, 0});
        byte[] withFf = concat(base, new byte[] {(byte) 0xff});
        byte[] empty = new byte[0];
        store.putAll(List.of(
                new OnlineRecord(base, utf8("base"), Optional.empty()),
                new OnlineRecord(withZero, utf8("zero"), Optional.empty()),
                new OnlineRecord(withTwoZeros, utf8("two zeros"), Optional.empty()),
                new OnlineRecord(withFf, utf8("ff"), Optional.empty()),
                new OnlineRecord(empty, utf8("empty key"), Optional.empty())));
        List.of(base, withZero, withTwoZeros, withFf, empty).forEach(this::remember);

        assertValues(store.getAll(List.of(withFf, base, empty, withTwoZeros, withZero)),
                "ff", "base", "empty key", "two zeros", "zero");
        // Equal bytes in a different array are the same key.
        assertValues(store.getAll(List.of(Arrays.copyOf(base, base.length), new byte[0])), "base", "empty key");

        store.deleteAll(List.of(new byte[0]));
        assertValues(store.getAll(List.of(empty, base)), null, "base");
    }

    @Test
    void returnedValuesBelongToTheCaller() {
        byte[] value = utf8("original");
        store.putAll(List.of(new OnlineRecord(key("a"), value, Optional.empty())));
        value[0] = 'X';
        byte[] read = store.getAll(List.of(key("a"))).get(0);
        read[0] = 'Y';

        assertValues(get("a"), "original");
    }

    @Test
    void concurrentReadersAndWritersSeeWholeValuesInWriteOrder() throws Exception {
        int writers = 3;
        int readers = 3;
        int keysPerWriter = 20;
        int versions = 60;
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<?>> writerTasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writerTasks.add(pool.submit(() -> {
                    for (int version = 1; version <= versions; version++) {
                        List<OnlineRecord> records = new ArrayList<>();
                        for (int k = 0; k < keysPerWriter; k++) {
                            int id = writer * keysPerWriter + k;
                            records.add(new OnlineRecord(key("c" + id), versionedValue(id, version), Optional.empty()));
                        }
                        store.putAll(records);
                    }
                    return null;
                }));
            }
            List<Future<Integer>> readerTasks = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                long seed = r;
                readerTasks.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    int[] lastSeen = new int[writers * keysPerWriter];
                    int reads = 0;
                    while (writing.get() || reads == 0) {
                        List<Integer> ids = new ArrayList<>();
                        for (int i = 0; i < 10; i++) {
                            ids.add(random.nextInt(writers * keysPerWriter));
                        }
                        List<byte[]> values = store.getAll(ids.stream().map(id -> key("c" + id)).toList());
                        for (int i = 0; i < ids.size(); i++) {
                            int id = ids.get(i);
                            if (values.get(i) != null) {
                                int version = checkVersionedValue(id, values.get(i));
                                assertThat(version).as("version of key %s never goes back", id).isGreaterThanOrEqualTo(lastSeen[id]);
                                lastSeen[id] = version;
                            }
                            else {
                                assertThat(lastSeen[id]).as("key %s vanished after it was seen", id).isZero();
                            }
                        }
                        reads++;
                    }
                    return reads;
                }));
            }
            for (Future<?> task : writerTasks) {
                task.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<Integer> task : readerTasks) {
                assertThat(task.get(60, TimeUnit.SECONDS)).isPositive();
            }
        }
        finally {
            writing.set(false);
            pool.shutdownNow();
        }

        List<byte[]> keys = new ArrayList<>();
        for (int id = 0; id < writers * keysPerWriter; id++) {
            keys.add(key("c" + id));
        }
        List<byte[]> last = store.getAll(keys);
        for (int id = 0; id < keys.size(); id++) {
            assertThat(checkVersionedValue(id, last.get(id))).isEqualTo(versions);
        }
    }

    @Test
    void closedStoreRejectsCallsAndClosesOnce() {
        assertThat(store.storeName()).matches("[a-z][a-z0-9-]*");
        store.close();
        store.close();

        assertThatThrownBy(() -> store.getAll(List.of(key("a"))))
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining(store.storeName());
        assertThatThrownBy(() -> store.putAll(List.of(record("a", "a"))))
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining(store.storeName());
        assertThatThrownBy(() -> store.deleteAll(List.of(key("a"))))
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining(store.storeName());
    }

    @Test
    void conditionalWritesSucceedOnlyAtTheVersionRead() {
        store.putAll(List.of(record("a", "alpha")));
        List<VersionedValue> read = store.getAllVersioned(List.of(key("a"), key("missing")));
        assertThat(read.get(0).value()).asString(UTF_8).isEqualTo("alpha");
        assertThat(read.get(0).version()).isNotEqualTo(VersionedValue.ABSENT);
        assertThat(read.get(1)).isEqualTo(VersionedValue.absent());

        // Both records still as read: both written.
        boolean[] first = store.putAllIfUnchanged(List.of(
                new ConditionalWrite(record("a", "alpha2"), read.get(0).version()),
                new ConditionalWrite(record("missing", "created"), VersionedValue.ABSENT)));
        assertThat(first).containsExactly(true, true);
        assertValues(get("a", "missing"), "alpha2", "created");

        // The same versions again: both records changed since, nothing is written.
        boolean[] second = store.putAllIfUnchanged(List.of(
                new ConditionalWrite(record("a", "stale"), read.get(0).version()),
                new ConditionalWrite(record("missing", "stale"), VersionedValue.ABSENT)));
        assertThat(second).containsExactly(false, false);
        assertValues(get("a", "missing"), "alpha2", "created");

        // A plain write in between also counts as a change.
        List<VersionedValue> again = store.getAllVersioned(List.of(key("a")));
        store.putAll(List.of(record("a", "other writer")));
        assertThat(store.putAllIfUnchanged(List.of(new ConditionalWrite(record("a", "lost"), again.get(0).version()))))
                .containsExactly(false);
        assertValues(get("a"), "other writer");
    }

    @Test
    void conditionalWriteOfAnExpiredRecordDeletesItAtTheVersionRead() {
        store.putAll(List.of(record("a", "alpha")));
        long version = store.getAllVersioned(List.of(key("a"))).get(0).version();

        boolean[] written = store.putAllIfUnchanged(List.of(
                new ConditionalWrite(record("a", "gone", Instant.now().minusSeconds(60)), version),
                new ConditionalWrite(record("never", "gone", Instant.now().minusSeconds(60)), VersionedValue.ABSENT)));

        assertThat(written).containsExactly(true, true);
        assertValues(get("a", "never"), null, null);
    }

    /** Read-modify-write from several threads, each with its own retries: no increment is lost. */
    @Test
    void concurrentReadModifyWritesLoseNoUpdate() throws Exception {
        int threads = 4;
        int increments = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            VersionedValue current = store.getAllVersioned(List.of(key("counter"))).get(0);
                            int n = current.value() == null ? 0 : Integer.parseInt(new String(current.value(), UTF_8));
                            if (store.putAllIfUnchanged(List.of(new ConditionalWrite(record("counter",
                                    Integer.toString(n + 1)), current.version())))[0]) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        }
        finally {
            pool.shutdownNow();
        }
        assertValues(get("counter"), Integer.toString(threads * increments));
    }

    /** The store under test, for subclasses' own tests. */
    protected final OnlineStore store() {
        return store;
    }

    /** A key unique to the running test; the suite deletes it when the test ends. */
    protected final byte[] key(String name) {
        byte[] key = concat(prefix, utf8(name));
        remember(key);
        return key;
    }

    protected final OnlineRecord record(String name, String value) {
        return new OnlineRecord(key(name), utf8(value), Optional.empty());
    }

    protected final OnlineRecord record(String name, String value, Instant expiresAt) {
        return new OnlineRecord(key(name), utf8(value), Optional.of(expiresAt));
    }

    protected final List<byte[]> get(String... names) {
        return store.getAll(Arrays.stream(names).map(this::key).toList());
    }

    /** Asserts UTF-8 values position by position; {@code null} means missing. */
    protected static void assertValues(List<byte[]> actual, String... expected) {
        List<String> decoded = actual.stream().map(value -> value == null ? null : new String(value, UTF_8)).toList();
        assertThat(decoded).containsExactly(expected);
    }

    private void remember(byte[] key) {
        written.add(ByteBuffer.wrap(key.clone()));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(UTF_8);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] result = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, result, first.length, second.length);
        return result;
    }

    private static byte[] randomValue(Random random, int size) {
        byte[] value = new byte[size];
        random.nextBytes(value);
        return value;
    }

    /** Length and checksum: compares large values exactly without printing them. */
    private static String describe(byte[] value) {
        if (value == null) {
            return "missing";
        }
        CRC32 crc = new CRC32();
        crc.update(value);
        return value.length + " bytes, crc " + Long.toHexString(crc.getValue()) + ", hash " + Arrays.hashCode(value);
    }

    /**
     * Key id, version, then a body whose length and bytes follow from both, so a torn or mixed
     * value fails {@link #checkVersionedValue}.
     */
    private static byte[] versionedValue(int id, int version) {
        int bodyLength = (id * 31 + version * 17) % 2048;
        ByteBuffer buffer = ByteBuffer.allocate(8 + bodyLength);
        buffer.putInt(id).putInt(version);
        for (int i = 0; i < bodyLength; i++) {
            buffer.put((byte) (id ^ version ^ i));
        }
        return buffer.array();
    }

    private static int checkVersionedValue(int id, byte[] value) {
        assertThat(value).as("value of key %s", id).isNotNull().hasSizeGreaterThanOrEqualTo(8);
        int version = ByteBuffer.wrap(value).getInt(4);
        assertThat(describe(value)).as("value of key %s", id).isEqualTo(describe(versionedValue(id, version)));
        return version;
    }
}
