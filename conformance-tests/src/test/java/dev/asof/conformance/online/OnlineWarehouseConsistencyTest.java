package dev.asof.conformance.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.SettableClock;
import dev.asof.conformance.trino.TrinoEngine;
import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.conformance.TestCredentials;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Online = offline on each warehouse and each online store, through the project's JDBC driver:
 * random events (NULLs, ties, late rows, events on tile boundaries), one latest-value view with a
 * TTL and one windowed view, materialized at T1 and incrementally at T2 (on a tile boundary);
 * every key's online lookup at T equals the warehouse's {@code AS OF TIMESTAMP T} row.
 */
class OnlineWarehouseConsistencyTest {
    private static final Instant T1 = Instant.parse("2025-03-01T12:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-01T15:15:00Z");
    private static final int KEYS = 120;
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static TrinoEngine trino;

    @AfterAll
    static void closeTrino() {
        if (trino != null) {
            trino.close();
        }
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({"duckdb, rocksdb", "duckdb, aerospike", "trino, rocksdb", "trino, aerospike"})
    void onlineLookupsEqualTheWarehouseAsOfTheRunTime(String warehouse, String store) throws Exception {
        SettableClock clock = new SettableClock(T1);
        Path dir = Files.createTempDirectory("asof-online-consistency");
        GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir)).withClock(clock);
        String table;
        if (warehouse.equals("trino")) {
            if (trino == null) {
                trino = new TrinoEngine();
            }
            config = trino.configure(config);
            table = "memory.\"default\".online_events_" + store;
        } else {
            table = "lake.main.online_events";
        }
        try (AerospikeTestServer server = store.equals("aerospike") ? new AerospikeTestServer().start() : null) {
            if (server != null) {
                config = config.withOnlineStore("aerospike", Map.of("hosts", server.seed()));
            }
            try (AsofGateway gateway = AsofGateway.start(config);
                    Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
                    Statement s = c.createStatement()) {
                String ts = warehouse.equals("trino") ? "TIMESTAMP(6)" : "TIMESTAMP";
                s.execute("CREATE TABLE " + table + " (card BIGINT, amount DOUBLE, merchant VARCHAR, e " + ts + ", c " + ts + ")");
                s.execute(inserts(table, new Random(777L)));
                s.execute("CREATE ENTITY card (card BIGINT)");
                s.execute("CREATE SOURCE card_events FROM TABLE " + table + " EVENT TIME e CREATED TIME c");
                s.execute("CREATE FEATURE VIEW card_last ENTITY card FROM card_events AS SELECT card, amount, merchant"
                        + " TTL INTERVAL '6' HOUR ONLINE");
                s.execute("CREATE FEATURE VIEW card_windows ENTITY card FROM card_events AS SELECT card,"
                        + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h,"
                        + " SUM(amount) OVER (RANGE INTERVAL '6' HOUR PRECEDING) AS sum_6h,"
                        + " MAX(merchant) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS max_m_1d,"
                        + " STDDEV_SAMP(amount) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS sd_1d,"
                        + " LAST(merchant) OVER (RANGE INTERVAL '6' HOUR PRECEDING) AS last_m_6h,"
                        + " APPROX_COUNT_DISTINCT(merchant) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS am_1d"
                        + " HOP INTERVAL '15' MINUTE ONLINE");
                int live = 0;
                for (Instant t : List.of(T1, T2)) {
                    clock.set(t);
                    s.execute("MATERIALIZE card_last");
                    s.execute("MATERIALIZE card_windows");
                    live += compare(c, "card_last", "card", KEYS, t);
                    live += compare(c, "card_windows", "card", KEYS, t);
                }
                assertThat(live).as("rows with values, over both views and times").isGreaterThan(KEYS);
            }
        }
    }

    /**
     * Every key's (-1 to {@code maxKey}) online row equals the warehouse's snapshot row at t;
     * returns how many keys have one.
     */
    static int compare(Connection c, String view, String keyColumn, long maxKey, Instant t) throws SQLException {
        String at = LocalDateTime.ofInstant(t, ZoneOffset.UTC).format(TS);
        Map<Object, List<Object>> offline = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + view + " AS OF TIMESTAMP '" + at + "'")) {
            while (rs.next()) {
                List<Object> row = OnlineAnswers.row(rs);
                offline.put(((Number) row.get(0)).longValue(), row);
            }
        }
        int present = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + view + " WHERE " + keyColumn + " = ?")) {
            for (long key = -1; key <= maxKey; key++) {
                ps.setLong(1, key);
                List<List<Object>> online = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        online.add(OnlineAnswers.row(rs));
                    }
                }
                List<Object> expected = offline.get(key);
                OnlineAnswers.assertSameAnswer(view + " key " + key + " at " + at, online, expected);
                if (expected != null) {
                    present++;
                }
            }
        }
        return present;
    }

    /** Events in 5-minute steps from T1 - 1 day to T2 + 1 hour; a fifth of them loaded late. */
    private static String inserts(String table, Random random) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
        for (int i = 0; i < 1_500; i++) {
            Instant e = T1.minusSeconds(86_400).plusSeconds(300L * random.nextInt(288 + 52));
            String c = random.nextInt(5) == 0 ? ts(e.plusSeconds(60L * random.nextInt(120))) : "NULL";
            sql.append(i == 0 ? "" : ", ").append('(').append(random.nextInt(KEYS)).append(", ")
                    .append(random.nextInt(8) == 0 ? "NULL" : "DOUBLE '" + random.nextInt(10_000) / 100.0 + "'").append(", ")
                    .append(random.nextInt(8) == 0 ? "NULL" : "'m" + random.nextInt(6) + "'").append(", ")
                    .append(ts(e)).append(", ").append(c).append(')');
        }
        return sql.toString();
    }

    private static String ts(Instant instant) {
        return "TIMESTAMP '" + LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(TS) + "'";
    }
}
