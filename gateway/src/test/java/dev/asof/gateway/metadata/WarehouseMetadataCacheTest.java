package dev.asof.gateway.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.StubWarehouse;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared warehouse metadata cache against a warehouse that counts what it is asked. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WarehouseMetadataCacheTest {
    private static final TableName T = TableName.of("lake", "main", "t");
    private static final TableName U = TableName.of("lake", "main", "u");

    private final CountingWarehouse warehouse = new CountingWarehouse();
    private final AtomicLong nanos = new AtomicLong(1_000);
    /** Own threads: the common pool may have a single one on a 2-core machine. */
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private WarehouseMetadataCache cache(Duration ttl) {
        return new WarehouseMetadataCache(warehouse, ttl, nanos::get);
    }

    @Test
    void answersAreKeptUntilTheTtlEnds() {
        WarehouseMetadataCache cache = cache(Duration.ofSeconds(60));
        warehouse.tables.set(List.of(T));
        assertThat(cache.tables()).containsExactly(T);
        assertThat(cache.columns(T).orElseThrow()).extracting(ColumnMetadata::name).containsExactly("t_id");
        for (int i = 0; i < 5; i++) {
            assertThat(cache.tables()).containsExactly(T);
            assertThat(cache.columns(T)).isPresent();
        }
        assertThat(warehouse.listCalls.get()).isEqualTo(1);
        assertThat(warehouse.describeCalls.get()).isEqualTo(1);

        warehouse.tables.set(List.of(T, U)); // changed behind the gateway's back
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(cache.tables()).containsExactly(T);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(cache.tables()).containsExactly(T, U);
        assertThat(cache.columns(T)).isPresent();
        assertThat(warehouse.listCalls.get()).isEqualTo(2);
        assertThat(warehouse.describeCalls.get()).isEqualTo(2);
    }

    @Test
    void invalidateForgetsEverything() {
        WarehouseMetadataCache cache = cache(Duration.ofMinutes(10));
        warehouse.tables.set(List.of(T));
        assertThat(cache.tables()).containsExactly(T);
        assertThat(cache.columns(U)).isEmpty();
        warehouse.tables.set(List.of(T, U));
        cache.invalidate();
        assertThat(cache.tables()).containsExactly(T, U);
        assertThat(cache.columns(U)).isPresent();
        assertThat(warehouse.listCalls.get()).isEqualTo(2);
        assertThat(warehouse.describeCalls.get()).isEqualTo(2);
    }

    @Test
    void zeroTtlAsksTheWarehouseEveryTime() {
        WarehouseMetadataCache cache = cache(Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            cache.tables();
            cache.columns(T);
        }
        assertThat(warehouse.listCalls.get()).isEqualTo(3);
        assertThat(warehouse.describeCalls.get()).isEqualTo(3);
    }

    @Test
    void failuresAreNotKept() {
        WarehouseMetadataCache cache = cache(Duration.ofMinutes(10));
        warehouse.failure.set(new ConnectorException("warehouse down", null));
        assertThatThrownBy(cache::tables).isInstanceOf(ConnectorException.class).hasMessage("warehouse down");
        warehouse.failure.set(null);
        warehouse.tables.set(List.of(T));
        assertThat(cache.tables()).containsExactly(T);
        assertThat(warehouse.listCalls.get()).isEqualTo(2);
    }

    /** A list read before a change must not be kept once the change invalidated the cache. */
    @Test
    void aLoadThatRanAcrossAnInvalidationIsNotKept() throws Exception {
        WarehouseMetadataCache cache = cache(Duration.ofMinutes(10));
        warehouse.tables.set(List.of(T));
        CountDownLatch listing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        warehouse.pause.set(new CountDownLatch[] {listing, release});
        CompletableFuture<List<TableName>> slow = CompletableFuture.supplyAsync(cache::tables, threads);
        assertThat(listing.await(10, TimeUnit.SECONDS)).isTrue();
        warehouse.pause.set(null);
        warehouse.tables.set(List.of(T, U)); // CREATE TABLE u ran meanwhile ...
        cache.invalidate(); // ... and invalidated when it ended
        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).containsExactly(T); // its caller gets what it read
        assertThat(cache.tables()).containsExactly(T, U);
    }

    /** Callers that miss the same entry at once share one warehouse call. */
    @Test
    void concurrentMissesShareOneCall() throws Exception {
        WarehouseMetadataCache cache = cache(Duration.ofMinutes(10));
        warehouse.tables.set(List.of(T));
        CountDownLatch listing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        warehouse.pause.set(new CountDownLatch[] {listing, release});
        CompletableFuture<List<TableName>> first = CompletableFuture.supplyAsync(cache::tables, threads);
        assertThat(listing.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<List<TableName>> second = CompletableFuture.supplyAsync(cache::tables, threads);
        Thread.sleep(100);
        assertThat(second).isNotDone(); // waits for the first caller's call
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly(T);
        assertThat(second.get(10, TimeUnit.SECONDS)).containsExactly(T);
        assertThat(warehouse.listCalls.get()).isEqualTo(1);
    }

    @Test
    void negativeTtlIsRefused() {
        assertThatThrownBy(() -> cache(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    /** Lists {@link #tables}; every table has one column, {@code <table>_id}, if it is listed. */
    private static final class CountingWarehouse extends StubWarehouse {
        final AtomicReference<List<TableName>> tables = new AtomicReference<>(List.of());
        final AtomicInteger listCalls = new AtomicInteger();
        final AtomicInteger describeCalls = new AtomicInteger();
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        /** When set: listTables counts down the first latch, then waits for the second. */
        final AtomicReference<CountDownLatch[]> pause = new AtomicReference<>();

        CountingWarehouse() {
            super("counting", new DuckDbDialect());
        }

        @Override
        public Optional<List<ColumnMetadata>> describeTable(TableName table) {
            describeCalls.incrementAndGet();
            return tables.get().contains(table)
                    ? Optional.of(List.of(ColumnMetadata.of(table.table() + "_id", JDBCType.BIGINT)))
                    : Optional.empty();
        }

        @Override
        public List<TableName> listTables() {
            listCalls.incrementAndGet();
            List<TableName> answer = tables.get();
            CountDownLatch[] latches = pause.get();
            if (latches != null) {
                latches[0].countDown();
                try {
                    latches[1].await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            RuntimeException f = failure.get();
            if (f != null) {
                throw f;
            }
            return answer;
        }
    }
}
