package dev.asof.conformance.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.conformance.SettableClock;
import dev.asof.conformance.TestCredentials;
import dev.asof.conformance.trino.TrinoEngine;
import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.push.PushedBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Semantics 5 for pushed rows: random rows of one push source (late event times, event times equal
 * to earlier ones, re-pushed duplicates, rows with an event time still to come, new keys) are
 * pushed in batches while the clock moves; after each batch is applied, every key's online lookup
 * of a latest-value view with a TTL and of a windowed view equals the warehouse's {@code AS OF}
 * the lookup's time over the same rows. Along the way: a view created while rows flow, a
 * MATERIALIZE of a push view (a rebuild: nothing counted twice), and a gateway restart (rebuilt
 * from the warehouse, then pushes again). On DuckDB and Trino, RocksDB and the Aerospike test server.
 */
class PushedRowsConsistencyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final int ROUNDS = 36;
    private static TrinoEngine trino;

    @AfterAll
    static void closeTrino() {
        if (trino != null) {
            trino.close();
        }
    }

    /**
     * How the test's rows reach asof, each row in the source's column order {@code (user_id, ts,
     * amount, merchant)}, created at the clock's now. Today: the warehouse table gets the rows with
     * their created time and the online side is told as the ingest path tells it; once push
     * ingestion lands, a JDBC {@code INSERT INTO clicks} does both.
     */
    interface Pusher {
        void push(List<Object[]> rows) throws SQLException;
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({"duckdb, rocksdb", "duckdb, aerospike", "trino, rocksdb", "trino, aerospike"})
    void lookupsEqualTheWarehouseAsOfTheirTime(String warehouse, String store) throws Exception {
        SettableClock clock = new SettableClock(T0);
        Path dir = Files.createTempDirectory("asof-push-consistency");
        GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir)).withClock(clock);
        String table;
        String ts;
        if (warehouse.equals("trino")) {
            if (trino == null) {
                trino = new TrinoEngine();
            }
            config = trino.configure(config);
            table = "memory.\"default\".clicks_" + store;
            ts = "TIMESTAMP(6)";
        } else {
            table = "lake.main.clicks";
            ts = "TIMESTAMP";
        }
        Random random = new Random(20261205L);
        History history = new History();
        try (AerospikeTestServer server = store.equals("aerospike") ? new AerospikeTestServer().start() : null) {
            if (server != null) {
                config = config.withOnlineStore("aerospike", Map.of("hosts", server.seed()));
            }
            int compared = 0;
            AsofGateway gateway = AsofGateway.start(config);
            try {
                Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE " + table + " (user_id BIGINT, ts " + ts + ", amount DOUBLE, merchant VARCHAR,"
                            + " created_at " + ts + ")");
                    // Rows in the warehouse before anything is pushed: the rebuild's part.
                    List<Object[]> before = history.rows(random, clock.instant(), 150);
                    s.execute(insert(table, before, T0.minusSeconds(600)));
                    s.execute("CREATE ENTITY usr (user_id BIGINT)");
                    s.execute("CREATE SOURCE clicks FROM TABLE " + table + " EVENT TIME ts CREATED TIME created_at");
                    s.execute("CREATE FEATURE VIEW last_click ENTITY usr FROM clicks AS SELECT user_id, amount, merchant"
                            + " TTL INTERVAL '1' HOUR ONLINE");
                    s.execute("CREATE FEATURE VIEW click_windows ENTITY usr FROM clicks AS SELECT user_id,"
                            + " COUNT(*) OVER (RANGE INTERVAL '30' MINUTE PRECEDING) AS n_30m,"
                            + " COUNT(amount) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS na_1h,"
                            + " SUM(amount) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS sum_1h,"
                            + " AVG(amount) OVER (RANGE INTERVAL '3' HOUR PRECEDING) AS avg_3h,"
                            + " MAX(merchant) OVER (RANGE INTERVAL '3' HOUR PRECEDING) AS max_m_3h,"
                            + " LAST(merchant) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS last_m_1h"
                            + " HOP INTERVAL '5' MINUTE ONLINE");
                }
                Pusher pusher = pusher(c, table, gateway, clock);
                List<String> views = new ArrayList<>(List.of("last_click", "click_windows"));
                for (int round = 0; round < ROUNDS; round++) {
                    clock.set(clock.instant().plusSeconds(random.nextInt(6) == 0 ? 0 : 1 + random.nextInt(240)));
                    pusher.push(history.rows(random, clock.instant(), 1 + random.nextInt(25)));
                    awaitApplied(gateway);
                    if (round == 0) {
                        assertLive(c, "last_click");
                        assertLive(c, "click_windows");
                    }
                    for (String view : views) {
                        compared += compare(c, view, clock.instant());
                    }
                    if (round == 8) {
                        // A view created while rows are pushed: built from the warehouse, then kept.
                        clock.set(clock.instant().plusSeconds(1));
                        try (Statement s = c.createStatement()) {
                            s.execute("CREATE FEATURE VIEW click_amount ENTITY usr FROM clicks AS SELECT user_id, amount ONLINE");
                        }
                        views.add("click_amount");
                        assertLive(c, "click_amount");
                    }
                    if (round == 14) {
                        // MATERIALIZE of a push view rebuilds it; nothing is counted twice.
                        clock.set(clock.instant().plusSeconds(1));
                        try (Statement s = c.createStatement()) {
                            s.execute("MATERIALIZE click_windows");
                            assertThatThrownBy(() -> s.execute("MATERIALIZE click_windows TO TIMESTAMP '2030-01-01 00:00:00'"))
                                    .hasMessageContaining("kept up to date from pushed rows");
                        }
                    }
                    if (round == 24) {
                        // Rows held for their event time come back from the warehouse after the restart.
                        c.close();
                        gateway.close();
                        clock.set(clock.instant().plusSeconds(30));
                        gateway = AsofGateway.start(config);
                        // What the push-source wiring does at start for every PUSH source.
                        gateway.pushApplier().maintain("clicks");
                        c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
                        for (String view : views) {
                            assertLive(c, view);
                        }
                        pusher = pusher(c, table, gateway, clock);
                    }
                }
                // Windows move and TTLs expire with time alone.
                for (int minutes : new int[] {7, 45, 200}) {
                    clock.set(clock.instant().plusSeconds(60L * minutes));
                    awaitApplied(gateway);
                    for (String view : views) {
                        compared += compare(c, view, clock.instant());
                    }
                }
                assertPushColumns(c, history.lastCreated());
                c.close();
            } finally {
                gateway.close();
            }
            assertThat(compared).as("keys with values over all views and times").isGreaterThan(ROUNDS * 20);
        }
    }

    private static Pusher pusher(Connection c, String table, AsofGateway gateway, SettableClock clock) {
        long[] sequence = {1};
        return rows -> {
            Instant created = clock.instant();
            try (Statement s = c.createStatement()) {
                s.execute(insert(table, rows, created));
            }
            gateway.pushApplier().onDurable(new PushedBatch("clicks", sequence[0],
                    ChronoUnit.MICROS.between(Instant.EPOCH, created), rows));
            sequence[0] += rows.size();
        };
    }

    /** The random rows pushed so far, to draw ties and duplicates from. */
    private static final class History {
        private final List<Object[]> pushed = new ArrayList<>();
        private Instant lastCreated = Instant.MIN;
        private int maxKey = 12;

        List<Object[]> rows(Random random, Instant created, int n) {
            List<Object[]> rows = new ArrayList<>(n);
            maxKey++;
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(20);
                Object[] row;
                if (kind == 0 && !pushed.isEmpty()) {
                    row = pushed.get(random.nextInt(pushed.size())).clone(); // pushed again
                } else {
                    Instant e;
                    if (kind == 1 && !pushed.isEmpty()) {
                        e = ((LocalDateTime) pushed.get(random.nextInt(pushed.size()))[1]).toInstant(ZoneOffset.UTC);
                    } else if (kind == 2) {
                        e = created.plusSeconds(1 + random.nextInt(300)); // event time still to come
                    } else if (kind < 6) {
                        e = created;
                    } else {
                        e = created.minusSeconds(random.nextInt(4 * 3_600)); // late
                    }
                    row = new Object[] {(long) random.nextInt(maxKey), LocalDateTime.ofInstant(e, ZoneOffset.UTC),
                            random.nextInt(7) == 0 ? null : random.nextInt(10_000) / 100.0,
                            random.nextInt(7) == 0 ? null : "m" + random.nextInt(6)};
                    if (kind == 1 && !pushed.isEmpty()) {
                        row[0] = pushed.get(random.nextInt(pushed.size()))[0]; // same key and time, maybe
                    }
                }
                rows.add(row);
            }
            pushed.addAll(rows);
            lastCreated = created;
            return rows;
        }

        Instant lastCreated() {
            return lastCreated;
        }
    }

    private static String insert(String table, List<Object[]> rows, Instant created) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
        for (int i = 0; i < rows.size(); i++) {
            Object[] r = rows.get(i);
            sql.append(i == 0 ? "" : ", ").append('(').append(r[0]).append(", ")
                    .append(ts(((LocalDateTime) r[1]).toInstant(ZoneOffset.UTC))).append(", ")
                    .append(r[2] == null ? "NULL" : "DOUBLE '" + r[2] + "'").append(", ")
                    .append(r[3] == null ? "NULL" : "'" + r[3] + "'").append(", ")
                    .append(ts(created)).append(')');
        }
        return sql.toString();
    }

    private static void awaitApplied(AsofGateway gateway) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!gateway.pushApplier().caughtUp()) {
            assertThat(System.nanoTime() - deadline).as("pushed rows applied within 120 s").isNegative();
            Thread.sleep(2);
        }
    }

    /** The view is rebuilt and kept live, and lookups on it are served by the online store. */
    private static void assertLive(Connection c, String view) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try (PreparedStatement ps = c.prepareStatement("SELECT push_state, served_run_id FROM sys.online_views"
                    + " WHERE view_name = ?")) {
                ps.setString(1, view);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    if ("live".equals(rs.getString(1)) && rs.getObject(2) != null) {
                        break;
                    }
                    assertThat(System.nanoTime() - deadline).as(view + " live within 120 s, now " + rs.getString(1))
                            .isNegative();
                }
            }
            Thread.sleep(10);
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN SELECT * FROM " + view
                + " WHERE user_id = 1")) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            assertThat(plan.toString()).contains("online:");
        }
    }

    private static void assertPushColumns(Connection c, Instant lastCreated) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT view_name, push_state,"
                + " push_applied_through, push_lag_ms, push_queued_rows FROM sys.online_views ORDER BY view_name")) {
            int n = 0;
            while (rs.next()) {
                n++;
                assertThat(rs.getString(2)).isEqualTo("live");
                assertThat(rs.getTimestamp(3, java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")))
                        .toInstant()).as(rs.getString(1)).isEqualTo(lastCreated);
                assertThat(rs.getLong(4)).as("lag of " + rs.getString(1)).isEqualTo((7 + 45 + 200) * 60_000L);
                assertThat(rs.getLong(5)).isZero();
            }
            assertThat(n).isEqualTo(3);
        }
    }

    private static int compare(Connection c, String view, Instant t) throws SQLException {
        return OnlineWarehouseConsistencyTest.compare(c, view, "user_id", 60, t);
    }

    private static String ts(Instant instant) {
        return "TIMESTAMP '" + LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(TS) + "'";
    }
}
