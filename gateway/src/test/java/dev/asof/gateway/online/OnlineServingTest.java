package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.planner.error.AsofException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lookups and MATERIALIZE on the embedded engines (DuckDB warehouse, RocksDB online store). */
class OnlineServingTest {
    private static final Instant T = Instant.parse("2025-03-01T00:00:00Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T);
    private AsofGateway gateway;
    private StatementExecutor executor;

    /** The gateway under test on the embedded engines; subclasses run the same tests on another registry. */
    GatewayConfig embedded(Path dir) {
        return GatewayConfig.embedded(dir);
    }

    @BeforeEach
    void start() {
        gateway = AsofGateway.start(TestUsers.withAdmin(embedded(dir)).withClock(clock));
        executor = gateway.executor();
        run("CREATE TABLE lake.main.profile (customer_id BIGINT, segment VARCHAR, score DOUBLE, ts TIMESTAMP, loaded TIMESTAMP)");
        run("INSERT INTO lake.main.profile VALUES"
                // 1: two versions; the later one is the value.
                + " (1, 'a', 1.0, TIMESTAMP '2025-02-20 00:00:00', NULL),"
                + " (1, 'b', 2.0, TIMESTAMP '2025-02-25 00:00:00', NULL),"
                // 2: its latest row is loaded after T, so the earlier one is the value.
                + " (2, 'c', 3.0, TIMESTAMP '2025-02-26 00:00:00', NULL),"
                + " (2, 'late', 4.0, TIMESTAMP '2025-02-27 00:00:00', TIMESTAMP '2025-03-02 00:00:00'),"
                // 3: older than the 10-day TTL at T.
                + " (3, 'old', 5.0, TIMESTAMP '2025-02-10 00:00:00', NULL),"
                // 4: exactly at the TTL boundary T - 10 days: still valid (e >= T - ttl).
                + " (4, 'edge', 6.0, TIMESTAMP '2025-02-19 00:00:00', NULL),"
                // 5: in the future of T.
                + " (5, 'future', 7.0, TIMESTAMP '2025-03-05 00:00:00', NULL)");
        run("CREATE ENTITY customer (customer_id BIGINT)");
        run("CREATE SOURCE profile FROM TABLE lake.main.profile EVENT TIME ts CREATED TIME loaded");
        run("CREATE FEATURE VIEW customer_profile ENTITY customer FROM profile"
                + " AS SELECT customer_id, segment, score TTL INTERVAL '10' DAY ONLINE");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void lookupsServeTheMaterializedValuesWithTheTtlAppliedAtLookupTime() {
        List<List<Object>> summary = rows("MATERIALIZE customer_profile");
        assertThat(summary).hasSize(1);
        assertThat(summary.get(0).get(0)).isEqualTo("customer_profile");
        assertThat(summary.get(0).get(1)).isEqualTo(1L);
        assertThat(summary.get(0).get(4)).as("keys written").isEqualTo(4L); // 1, 2, 3, 4: 5 is not visible yet

        String lookup = "SELECT segment, score FROM customer_profile WHERE customer_id = ?";
        assertThat(explain(lookup)).startsWith("online: rocksdb");
        assertThat(rows(lookup, 1L)).containsExactly(List.of("b", 2.0));
        assertThat(rows(lookup, 2)).containsExactly(List.of("c", 3.0));
        assertThat(rows(lookup, "4")).containsExactly(List.of("edge", 6.0));
        assertThat(rows(lookup, 3L)).as("expired").isEmpty();
        assertThat(rows(lookup, 5L)).as("not visible at the materialization time").isEmpty();
        assertThat(rows(lookup, 99L)).as("unknown key").isEmpty();

        // A microsecond later key 4's value is past its TTL: gone, not stale.
        clock.set(T.plusNanos(1_000));
        assertThat(rows(lookup, 4L)).isEmpty();
        assertThat(rows(lookup, 1L)).containsExactly(List.of("b", 2.0));
    }

    @Test
    void onlineValuesEqualTheWarehouseAsOfTheMaterializationTime() {
        run("MATERIALIZE customer_profile");
        for (long key = 0; key <= 6; key++) {
            List<List<Object>> online = rows("SELECT * FROM customer_profile WHERE customer_id = ?", key);
            List<List<Object>> offline = rows("SELECT * FROM customer_profile AS OF TIMESTAMP '2025-03-01 00:00:00'"
                    + " WHERE customer_id = ?", key);
            assertThat(online).as("key " + key).isEqualTo(offline);
        }
        assertThat(rows("SELECT customer_id, segment FROM customer_profile WHERE customer_id IN (4, 1, 3, 1, 2)"))
                .containsExactly(List.of(4L, "edge"), List.of(1L, "b"), List.of(2L, "c"));
    }

    @Test
    void beforeTheFirstRunTheWarehouseAnswers() {
        // No complete run yet: the same statement is answered AS OF now by the warehouse.
        clock.set(Instant.parse("2030-01-01T00:00:00Z"));
        List<List<Object>> before = rows("SELECT customer_id, segment FROM customer_profile WHERE customer_id = ?", 1L);
        // The warehouse's now is the real time, long after every row's TTL: nothing is live.
        assertThat(before).isEmpty();
    }

    @Test
    void incrementalRunsApplyOnlyNewChangesAndNeverGoBack() {
        run("MATERIALIZE customer_profile");
        run("INSERT INTO lake.main.profile VALUES (1, 'b2', 9.0, TIMESTAMP '2025-03-01 12:00:00', NULL)");
        clock.set(T.plusSeconds(86_400));
        List<List<Object>> second = rows("MATERIALIZE customer_profile");
        assertThat(second.get(0).get(1)).isEqualTo(2L);
        // Keys 2 (its late row became visible on 2025-03-02) and 1 (new row) changed.
        assertThat(second.get(0).get(4)).isEqualTo(2L);
        String lookup = "SELECT segment FROM customer_profile WHERE customer_id = ?";
        assertThat(rows(lookup, 1L)).containsExactly(List.of("b2"));
        assertThat(rows(lookup, 2L)).containsExactly(List.of("late"));
        assertThat(rows(lookup, 4L)).as("expired by now").isEmpty();

        assertThatThrownBy(() -> run("MATERIALIZE customer_profile TO TIMESTAMP '2025-02-01 00:00:00'"))
                .isInstanceOf(AsofException.class)
                .hasMessageContaining("never go back in time");
    }

    @Test
    void materializingAViewThatIsNotOnlineSaysHow() {
        run("CREATE FEATURE VIEW offline_only ENTITY customer FROM profile AS SELECT customer_id, segment");
        assertThatThrownBy(() -> run("MATERIALIZE offline_only"))
                .isInstanceOf(AsofException.class)
                .hasMessageContaining("not ONLINE");
        assertThatThrownBy(() -> run("MATERIALIZE customer_profil"))
                .isInstanceOf(AsofException.class)
                .hasMessageContaining("customer_profile");
    }

    @Test
    void progressAndWatermarksAreQueryable() {
        run("MATERIALIZE customer_profile");
        List<List<Object>> runs = rows("SELECT view_name, run_id, status, rows_done, rows_total, as_of"
                + " FROM sys.materializations WHERE view_name = 'customer_profile'");
        assertThat(runs).containsExactly(List.of("customer_profile", 1L, "COMPLETE", 4L, 4L,
                java.time.LocalDateTime.parse("2025-03-01T00:00:00")));
        List<List<Object>> views = rows("SELECT view_name, store, served_run_id, watermark, latest_status"
                + " FROM sys.online_views");
        assertThat(views).containsExactly(List.of("customer_profile", "rocksdb", 1L,
                java.time.LocalDateTime.parse("2025-03-01T00:00:00"), "COMPLETE"));
        assertThat(rows("SELECT run_id FROM sys.materializations WHERE LOWER(view_name) = LOWER(CAST(? AS VARCHAR))",
                "Customer_Profile")).containsExactly(List.of(1L));
        assertThatThrownBy(() -> rows("SELECT nope FROM sys.materializations"))
                .isInstanceOf(AsofException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void aRunThatFailsHalfWayLeavesLookupsOnThePreviousRun() {
        gateway.close();
        // Records go to the store 1,000 at a time; the second write of run 2 fails.
        FaultyStore faulty = new FaultyStore();
        gateway = AsofGateway.start(TestUsers.withAdmin(embedded(dir)).withClock(clock), store -> faulty.wrap(store));
        executor = gateway.executor();
        run("INSERT INTO lake.main.profile SELECT 1000 + i, 'v1', i, TIMESTAMP '2025-02-28 00:00:00', NULL"
                + " FROM range(2500) t(i)");
        run("MATERIALIZE customer_profile");
        String lookup = "SELECT segment FROM customer_profile WHERE customer_id IN (1000, 3499, 1)";
        assertThat(rows(lookup)).containsExactly(List.of("v1"), List.of("v1"), List.of("b"));

        run("INSERT INTO lake.main.profile SELECT 1000 + i, 'v2', i, TIMESTAMP '2025-03-01 06:00:00', NULL"
                + " FROM range(2500) t(i)");
        clock.set(T.plusSeconds(86_400));
        faulty.failOnPut(2);
        assertThatThrownBy(() -> run("MATERIALIZE customer_profile"))
                .isInstanceOf(AsofException.class)
                .hasMessageContaining("lookups still serve the previous complete run");
        assertThat(faulty.putsSeen()).as("run 2 wrote part of its records before failing").isGreaterThanOrEqualTo(1);
        // 1,000 keys were rewritten by run 2, yet every key still shows run 1's value.
        assertThat(rows(lookup)).containsExactly(List.of("v1"), List.of("v1"), List.of("b"));
        assertThat(segments(1000, 3500)).as("every key still on run 1").containsOnly("v1").hasSize(2500);
        assertThat(rows("SELECT status, error FROM sys.materializations WHERE run_id = 2").get(0).get(0))
                .isEqualTo("FAILED");

        // A complete run that does not rewrite those keys (their new rows are after its time)
        // must not let the failed run's versions through.
        faulty.failOnPut(-1);
        List<List<Object>> third = rows("MATERIALIZE customer_profile TO TIMESTAMP '2025-03-01 01:00:00'");
        assertThat(third.get(0).get(1)).isEqualTo(3L);
        assertThat(third.get(0).get(4)).as("keys written").isEqualTo(0L);
        assertThat(segments(1000, 3500)).as("every key still on run 1").containsOnly("v1").hasSize(2500);

        // The next run applies the changes and completes.
        List<List<Object>> fourth = rows("MATERIALIZE customer_profile");
        assertThat(fourth.get(0).get(1)).isEqualTo(4L);
        assertThat(rows(lookup)).containsExactly(List.of("v2"), List.of("v2"), List.of("b"));

        // Restarted on the same data, the gateway serves run 4.
        gateway.close();
        gateway = AsofGateway.start(TestUsers.withAdmin(embedded(dir)).withClock(clock));
        executor = gateway.executor();
        assertThat(rows(lookup)).containsExactly(List.of("v2"), List.of("v2"), List.of("b"));
    }

    @Test
    void severalViewsOfOneKeyAreReadTogether() {
        run("CREATE TABLE lake.main.txn (customer_id BIGINT, amount DECIMAL(10, 2), ts TIMESTAMP)");
        run("INSERT INTO lake.main.txn VALUES (1, 10.50, TIMESTAMP '2025-02-27 10:00:00'),"
                + " (1, 20.25, TIMESTAMP '2025-02-28 10:00:00'), (3, 5.00, TIMESTAMP '2025-02-28 11:00:00')");
        run("CREATE SOURCE txn FROM TABLE lake.main.txn EVENT TIME ts");
        run("CREATE FEATURE VIEW last_txn ENTITY customer FROM txn AS SELECT customer_id, amount ONLINE");
        run("MATERIALIZE customer_profile");
        run("MATERIALIZE last_txn");
        String inner = "SELECT p.segment, t.amount FROM customer_profile p JOIN last_txn t ON t.customer_id = p.customer_id"
                + " WHERE p.customer_id = ?";
        assertThat(explain(inner)).startsWith("online: rocksdb (one batched read of 2 record(s)");
        assertThat(rows(inner, 1L)).containsExactly(List.of("b", new java.math.BigDecimal("20.25")));
        assertThat(rows(inner, 2L)).as("no transaction").isEmpty();
        String left = "SELECT p.customer_id, p.segment, t.amount FROM customer_profile p LEFT JOIN last_txn t"
                + " USING (customer_id) WHERE p.customer_id IN (?, ?, ?)";
        assertThat(rows(left, 1L, 2L, 3L)).containsExactly(
                List.of(1L, "b", new java.math.BigDecimal("20.25")),
                Arrays.asList(2L, "c", null));
        // The warehouse gives the same rows for the same query AS OF the same time.
        clock.set(T);
        assertThat(rows("SELECT p.customer_id, p.segment, t.amount"
                + " FROM customer_profile AS OF TIMESTAMP '2025-03-01 00:00:00' p"
                + " LEFT JOIN last_txn AS OF TIMESTAMP '2025-03-01 00:00:00' t ON t.customer_id = p.customer_id"
                + " WHERE p.customer_id IN (?, ?, ?)", 1L, 2L, 3L))
                .containsExactlyInAnyOrder(
                        List.of(1L, "b", new java.math.BigDecimal("20.25")),
                        Arrays.asList(2L, "c", null));
    }

    @Test
    void compositeKeys() {
        run("CREATE TABLE lake.main.stock (store VARCHAR, sku BIGINT, qty INTEGER, ts TIMESTAMP)");
        run("INSERT INTO lake.main.stock VALUES ('s1', 1, 5, TIMESTAMP '2025-02-27 00:00:00'),"
                + " ('s1', 2, 7, TIMESTAMP '2025-02-27 00:00:00'), ('s2', 1, 9, TIMESTAMP '2025-02-27 00:00:00'),"
                + " ('s1', 1, 4, TIMESTAMP '2025-02-28 00:00:00')");
        run("CREATE ENTITY store_sku (store VARCHAR, sku BIGINT)");
        run("CREATE SOURCE stock FROM TABLE lake.main.stock EVENT TIME ts");
        run("CREATE FEATURE VIEW stock_level ENTITY store_sku FROM stock AS SELECT store, sku, qty ONLINE");
        run("MATERIALIZE stock_level");
        String lookup = "SELECT qty FROM stock_level WHERE sku = ? AND store = ?";
        assertThat(explain(lookup)).startsWith("online:");
        assertThat(rows(lookup, 1L, "s1")).containsExactly(List.of(4));
        assertThat(rows(lookup, 1L, "s2")).containsExactly(List.of(9));
        assertThat(rows(lookup, 2L, "s2")).isEmpty();
        assertThat(rows("SELECT store, sku, qty FROM stock_level WHERE store = 's1' AND sku IN (2, 1)"))
                .containsExactly(List.of("s1", 2L, 7), List.of("s1", 1L, 4));
    }

    /** The served segment of every key in [from, to), one prepared lookup each. */
    private List<Object> segments(long from, long to) {
        var prepared = executor.prepare("SELECT segment FROM customer_profile WHERE customer_id = ?");
        List<Object> out = new ArrayList<>();
        for (long k = from; k < to; k++) {
            try (RowCursor c = ((StatementResult.Rows) executor.execute(prepared, List.of(k), QueryControl.none())).cursor()) {
                while (c.next()) {
                    out.add(c.value(0));
                }
            }
        }
        return out;
    }

    private String explain(String sql) {
        return (String) rows("EXPLAIN " + sql, 1L).get(0).get(0);
    }

    private void run(String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }

    private List<List<Object>> rows(String sql, Object... parameters) {
        var prepared = executor.prepare(sql);
        List<Object> params = prepared.parameterCount() == 0 ? List.of() : Arrays.asList(parameters);
        StatementResult r = executor.execute(prepared, params, QueryControl.none());
        List<List<Object>> out = new ArrayList<>();
        try (RowCursor c = ((StatementResult.Rows) r).cursor()) {
            while (c.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < c.columns().size(); i++) {
                    row.add(c.value(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** Wraps a store so that a chosen write call fails, as a store or network failure would. */
    static final class FaultyStore {
        private volatile int failOn = -1;
        private final java.util.concurrent.atomic.AtomicInteger puts = new java.util.concurrent.atomic.AtomicInteger();

        void failOnPut(int n) {
            puts.set(0);
            failOn = n;
        }

        int putsSeen() {
            return puts.get();
        }

        dev.asof.spi.online.OnlineStore wrap(dev.asof.spi.online.OnlineStore store) {
            return new dev.asof.spi.online.ForwardingOnlineStore(store) {
                @Override
                public void putAll(List<dev.asof.spi.online.OnlineRecord> records) {
                    if (puts.incrementAndGet() == failOn) {
                        throw new dev.asof.spi.ConnectorException("injected write failure", null);
                    }
                    super.putAll(records);
                }

                @Override
                public boolean[] putAllIfUnchanged(List<dev.asof.spi.online.ConditionalWrite> writes) {
                    if (puts.incrementAndGet() == failOn) {
                        throw new dev.asof.spi.ConnectorException("injected write failure", null);
                    }
                    return super.putAllIfUnchanged(writes);
                }
            };
        }
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
