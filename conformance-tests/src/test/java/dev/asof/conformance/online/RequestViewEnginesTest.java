package dev.asof.conformance.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.SettableClock;
import dev.asof.conformance.TestCredentials;
import dev.asof.conformance.trino.TrinoEngine;
import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The declared request-time view through the JDBC driver on each warehouse and online store: its
 * online lookup equals the warehouse reading it {@code AS OF TIMESTAMP} with the same request
 * values, on random feature values and request values (NULLs, zeros, overflows: an error on one
 * side is an error on the other), and an extract that takes the request values from a spine's
 * columns equals the lookups row for row.
 */
class RequestViewEnginesTest {
    private static final Instant T = Instant.parse("2025-03-01T00:00:00Z");
    private static final int KEYS = 40;
    private static final String LOOKUP = "SELECT ratio, burst, units, tag FROM payment_risk"
            + " WHERE customer_id = ? AND amount = ? AND merchant = ? AND qty = ?";
    private static TrinoEngine trino;

    @AfterAll
    static void closeTrino() {
        if (trino != null) {
            trino.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"duckdb, rocksdb", "duckdb, aerospike", "trino, rocksdb", "trino, aerospike"})
    void onlineEqualsWarehouse(String warehouse, String store) throws Exception {
        Path dir = Files.createTempDirectory("asof-request-view");
        GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir)).withClock(new SettableClock(T));
        String schema = "lake.main.";
        String ts = "TIMESTAMP";
        if (warehouse.equals("trino")) {
            if (trino == null) {
                trino = new TrinoEngine();
            }
            config = trino.configure(config);
            schema = "memory.\"default\".rv_" + store + "_"; // one Trino for every run: tables of their own
            ts = "TIMESTAMP(6)";
        }
        AerospikeTestServer aerospike = store.equals("aerospike") ? new AerospikeTestServer().start() : null;
        if (aerospike != null) {
            config = config.withOnlineStore("aerospike", Map.of("hosts", aerospike.seed()));
        }
        try (AsofGateway gateway = AsofGateway.start(config);
                Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + schema + "spend (customer_id BIGINT, txn_1h BIGINT, avg_7d DOUBLE, n INTEGER,"
                    + " segment VARCHAR, e " + ts + ")");
            s.execute(spend(schema + "spend", new Random(31L)));
            s.execute("CREATE TABLE " + schema + "requests (request_id INTEGER, customer_id BIGINT, amount DOUBLE,"
                    + " merchant VARCHAR, qty INTEGER, ts " + ts + ")");
            s.execute(requests(schema + "requests", new Random(5L)));
            s.execute("CREATE ENTITY customer (customer_id BIGINT)");
            s.execute("CREATE SOURCE spend FROM TABLE " + schema + "spend EVENT TIME e");
            s.execute("CREATE FEATURE VIEW customer_spend ENTITY customer FROM spend"
                    + " AS SELECT customer_id, txn_1h, avg_7d, n, segment ONLINE");
            s.execute("MATERIALIZE customer_spend");
            s.execute("CREATE FEATURE VIEW payment_risk ENTITY customer FROM customer_spend"
                    + " REQUEST (amount DOUBLE, merchant VARCHAR, qty INTEGER)"
                    + " AS SELECT amount / avg_7d AS ratio, txn_1h > 10 AS burst, n * qty + txn_1h AS units,"
                    + " UPPER(segment) || merchant AS tag ONLINE");

            try (ResultSet rs = s.executeQuery("EXPLAIN " + LOOKUP)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).startsWith("online: " + store);
            }
            Random random = new Random(99L);
            int compared = 0;
            try (PreparedStatement on = c.prepareStatement(LOOKUP);
                    PreparedStatement off = c.prepareStatement("SELECT ratio, burst, units, tag FROM payment_risk"
                            + " AS OF TIMESTAMP '2025-03-01 00:00:00'"
                            + " WHERE customer_id = ? AND amount = ? AND merchant = ? AND qty = ?")) {
                for (int i = 0; i < 120; i++) {
                    List<Object> request = Arrays.asList((long) random.nextInt(KEYS),
                            random.nextInt(6) == 0 ? null : random.nextInt(5) == 0 ? 0.0 : (random.nextInt(2001) - 1000) / 10.0,
                            random.nextInt(6) == 0 ? null : "m" + random.nextInt(3),
                            random.nextInt(6) == 0 ? null : random.nextInt(6) == 0 ? 0 : random.nextInt(2001) - 1000);
                    Object expected = values(off, request);
                    Object actual = values(on, request);
                    assertThat(actual).as(warehouse + "/" + store + ": " + request).isEqualTo(expected);
                    compared++;
                }
            }
            assertThat(compared).isEqualTo(120);

            // The extract: request values from the spine's columns of the same names.
            List<List<Object>> extract = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT l.customer_id, l.amount, l.merchant, l.qty, r.ratio, r.burst,"
                    + " r.units, r.tag FROM " + schema + "requests l LEFT JOIN payment_risk AS OF l.ts r"
                    + " ON r.customer_id = l.customer_id ORDER BY l.request_id")) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= 8; i++) {
                        row.add(normalized(rs.getObject(i)));
                    }
                    extract.add(row);
                }
            }
            assertThat(extract).hasSize(60);
            int withValue = 0;
            try (PreparedStatement on = c.prepareStatement(LOOKUP)) {
                for (List<Object> row : extract) {
                    Object served = values(on, row.subList(0, 4));
                    List<Object> features = row.subList(4, 8);
                    if ("no row".equals(served)) {
                        assertThat(features.get(1)).as(row.toString()).isNull();
                        continue;
                    }
                    assertThat(served).as(warehouse + "/" + store + ": " + row).isEqualTo(features);
                    withValue += features.get(0) != null ? 1 : 0;
                }
            }
            assertThat(withValue).isGreaterThan(20);
        } finally {
            if (aerospike != null) {
                aerospike.close();
            }
        }
    }

    /** The single row's values, normalized; "error" for a failure, "no row" for none. */
    private static Object values(PreparedStatement ps, List<Object> request) {
        try {
            ps.setLong(1, ((Number) request.get(0)).longValue());
            ps.setObject(2, request.get(1));
            ps.setObject(3, request.get(2));
            ps.setObject(4, request.get(3) == null ? null : ((Number) request.get(3)).intValue());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "no row";
                }
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= 4; i++) {
                    row.add(normalized(rs.getObject(i)));
                }
                return row;
            }
        } catch (SQLException e) {
            return "error";
        }
    }

    private static Object normalized(Object v) {
        return v instanceof Number n && !(v instanceof Double) && !(v instanceof Float) ? new BigDecimal(n.toString()) : v;
    }

    private static String spend(String table, Random random) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
        for (int k = 0; k < KEYS - 2; k++) {
            sql.append(k == 0 ? "" : ", ").append('(').append(k)
                    .append(", ").append(random.nextInt(7) == 0 ? "NULL" : "CAST(" + (random.nextInt(41) - 20) + " AS BIGINT)")
                    .append(", ").append(random.nextInt(7) == 0 ? "NULL" : random.nextInt(5) == 0 ? "CAST(0 AS DOUBLE)"
                            : "CAST(" + (random.nextInt(20001) - 10000) / 100.0 + " AS DOUBLE)")
                    .append(", ").append(random.nextInt(7) == 0 ? "NULL" : random.nextInt(6) == 0
                            ? "CAST(2147483000 AS INTEGER)" : "CAST(" + (random.nextInt(21) - 10) + " AS INTEGER)")
                    .append(", ").append(random.nextInt(7) == 0 ? "NULL" : "'seg" + random.nextInt(3) + "'")
                    .append(", TIMESTAMP '2025-02-27 00:00:00')");
        }
        return sql.toString();
    }

    private static String requests(String table, Random random) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
        for (int i = 0; i < 60; i++) {
            sql.append(i == 0 ? "" : ", ").append("(").append(i)
                    .append(", CAST(").append(random.nextInt(KEYS)).append(" AS BIGINT)")
                    .append(", ").append(random.nextInt(8) == 0 ? "CAST(NULL AS DOUBLE)"
                            : "CAST(" + (random.nextInt(20001) - 10000) / 10.0 + " AS DOUBLE)")
                    .append(", ").append(random.nextInt(8) == 0 ? "CAST(NULL AS VARCHAR)" : "'m" + random.nextInt(3) + "'")
                    .append(", CAST(").append(random.nextInt(3) - 1).append(" AS INTEGER)")
                    .append(", TIMESTAMP '2025-03-01 00:00:00')");
        }
        return sql.toString();
    }
}
