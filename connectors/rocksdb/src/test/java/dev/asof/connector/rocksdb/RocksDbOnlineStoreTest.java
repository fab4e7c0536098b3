package dev.asof.connector.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.spi.ConnectorException;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.OnlineStoreContract;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbOnlineStoreTest extends OnlineStoreContract {
    @TempDir
    Path dir;

    @Override
    protected OnlineStore openStore() {
        return RocksDbOnlineStore.open(dir.resolve("online"));
    }

    @Override
    protected Duration expiryLag() {
        // Missing from the expiry rounded up to the next whole second.
        return Duration.ofSeconds(1);
    }

    @Test
    void reopeningTheDirectoryKeepsTheRecords() {
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
        store().putAll(List.of(record("a", "alpha"), record("b", "beta", tomorrow), record("gone", "x")));
        store().deleteAll(List.of(key("gone")));
        store().close();

        try (RocksDbOnlineStore reopened = RocksDbOnlineStore.open(dir.resolve("online"))) {
            assertValues(reopened.getAll(List.of(key("a"), key("b"), key("gone"))), "alpha", "beta", null);
            reopened.putAll(List.of(record("a", "after reopen")));
            assertValues(reopened.getAll(List.of(key("a"))), "after reopen");
        }
    }

    /**
     * Single-key reads land in a reused per-thread array up to 1 MiB; a larger record gets its own
     * array. Either way the reader sees exactly the value, and the getAll of the same keys agrees.
     */
    @Test
    void readsOfRecordsAboveTheReusedArraySizeAreWhole() {
        java.util.Random random = new java.util.Random(5);
        List<OnlineRecord> records = new ArrayList<>();
        for (int size : new int[] {3_000_000, 10, 1 << 20, (1 << 20) + 1, 5}) {
            byte[] value = new byte[size];
            random.nextBytes(value);
            records.add(new OnlineRecord(key("big-" + size), value, Optional.empty()));
        }
        store().putAll(records);
        for (OnlineRecord r : records) {
            byte[] read = store().readAll(List.of(r.key()), (index, value) -> {
                byte[] out = new byte[value.remaining()];
                value.duplicate().get(out);
                return out;
            }).get(0);
            assertThat(read).as("%s bytes", r.value().length).isEqualTo(r.value());
            assertThat(store().getAll(List.of(r.key())).get(0)).isEqualTo(r.value());
        }
    }

    @Test
    void secondOpenOfAnOpenDirectoryFailsNamingIt() {
        Path online = dir.resolve("online");
        assertThatThrownBy(() -> RocksDbOnlineStore.open(online))
                .isInstanceOf(ConnectorException.class)
                .hasMessageStartingWith("rocksdb: cannot open " + online.toAbsolutePath())
                .hasMessageContaining("lock");
    }

    @Test
    void expiryIsRoundedUpToTheNextSecondOfTheStoreClock() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00.250Z"));
        try (RocksDbOnlineStore store = RocksDbOnlineStore.open(dir.resolve("clocked"), clock)) {
            byte[] key = "k".getBytes(UTF_8);
            byte[] exact = "exact".getBytes(UTF_8);
            store.putAll(List.of(
                    new OnlineRecord(key, "v".getBytes(UTF_8), Optional.of(Instant.parse("2026-01-01T00:00:01.100Z"))),
                    new OnlineRecord(exact, "v".getBytes(UTF_8), Optional.of(Instant.parse("2026-01-01T00:00:01Z")))));

            clock.set(Instant.parse("2026-01-01T00:00:01.000Z"));
            assertValues(store.getAll(List.of(key, exact)), "v", null);
            clock.set(Instant.parse("2026-01-01T00:00:01.999Z"));
            assertValues(store.getAll(List.of(key)), "v");
            clock.set(Instant.parse("2026-01-01T00:00:02Z"));
            assertValues(store.getAll(List.of(key)), (String) null);

            // Already expired by the store's clock when written: not written, older value deleted.
            store.putAll(List.of(new OnlineRecord(exact, "new".getBytes(UTF_8), Optional.empty())));
            store.putAll(List.of(new OnlineRecord(exact, "late".getBytes(UTF_8), Optional.of(Instant.parse("2026-01-01T00:00:01.500Z")))));
            clock.set(Instant.parse("2026-01-01T00:00:00Z"));
            assertValues(store.getAll(List.of(exact)), (String) null);
        }
    }

    @Test
    void closeWhileCallsAreRunningFailsThemCleanly() throws Exception {
        store().putAll(List.of(record("a", "alpha")));
        byte[] key = key("a");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> loops = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                loops.add(pool.submit(() -> {
                    int reads = 0;
                    while (true) {
                        try {
                            assertValues(store().getAll(List.of(key, key)), "alpha", "alpha");
                            reads++;
                        }
                        catch (ConnectorException e) {
                            assertThat(e).hasMessageContaining("is closed");
                            return reads;
                        }
                    }
                }));
            }
            Thread.sleep(200);
            store().close();
            for (Future<Integer> loop : loops) {
                assertThat(loop.get(10, TimeUnit.SECONDS)).isPositive();
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    private static final class ManualClock implements InstantSource {
        private final AtomicReference<Instant> now;

        ManualClock(Instant now) {
            this.now = new AtomicReference<>(now);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
