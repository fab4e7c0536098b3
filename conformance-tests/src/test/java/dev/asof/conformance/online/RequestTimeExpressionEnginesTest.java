package dev.asof.conformance.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.SettableClock;
import dev.asof.conformance.TestCredentials;
import dev.asof.conformance.trino.TrinoEngine;
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
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request-time expressions through the JDBC driver on each warehouse: the online lookup (values
 * computed in the gateway, or in the warehouse where the engine's rule differs, e.g. DuckDB's
 * exact integer division) equals the same expression in a warehouse {@code AS OF TIMESTAMP} query,
 * on random feature values and parameters, NULLs, zeros and overflows included. An error on one
 * side must be an error on the other.
 */
class RequestTimeExpressionEnginesTest {
    private static final Instant T = Instant.parse("2025-03-01T00:00:00Z");
    private static final int KEYS = 40;
    private static TrinoEngine trino;

    @AfterAll
    static void closeTrino() {
        if (trino != null) {
            trino.close();
        }
    }

    private record Case(String expression, Function<Random, Object> parameter) {}

    @ParameterizedTest
    @ValueSource(strings = {"duckdb", "trino"})
    void onlineEqualsWarehouse(String warehouse) throws Exception {
        Path dir = Files.createTempDirectory("asof-request-time");
        GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir)).withClock(new SettableClock(T));
        String table = "lake.main.spend";
        String ts = "TIMESTAMP";
        if (warehouse.equals("trino")) {
            if (trino == null) {
                trino = new TrinoEngine();
            }
            config = trino.configure(config);
            table = "memory.\"default\".request_spend";
            ts = "TIMESTAMP(6)";
        }
        try (AsofGateway gateway = AsofGateway.start(config);
                Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (customer_id BIGINT, txn_1h BIGINT, avg_7d DOUBLE, n INTEGER,"
                    + " segment VARCHAR, e " + ts + ")");
            s.execute(inserts(table, new Random(31L)));
            s.execute("CREATE ENTITY customer (customer_id BIGINT)");
            s.execute("CREATE SOURCE spend FROM TABLE " + table + " EVENT TIME e");
            s.execute("CREATE FEATURE VIEW customer_spend ENTITY customer FROM spend"
                    + " AS SELECT customer_id, txn_1h, avg_7d, n, segment ONLINE");
            s.execute("MATERIALIZE customer_spend");

            Function<Random, Object> dbl = r -> r.nextInt(6) == 0 ? null : r.nextInt(5) == 0 ? 0.0 : (r.nextInt(2001) - 1000) / 10.0;
            Function<Random, Object> integer = r -> r.nextInt(6) == 0 ? null : r.nextInt(6) == 0 ? 0 : r.nextInt(41) - 20;
            List<Case> cases = List.of(
                    new Case("CAST(? AS DOUBLE) / s.avg_7d", dbl),
                    new Case("s.txn_1h / CAST(? AS BIGINT)", integer),
                    new Case("s.n * CAST(? AS INTEGER) + s.txn_1h", integer),
                    new Case("MOD(s.txn_1h, CAST(? AS BIGINT))", integer),
                    new Case("CASE WHEN s.avg_7d > CAST(? AS DOUBLE) THEN s.avg_7d * 2 ELSE -s.avg_7d END", dbl),
                    new Case("COALESCE(s.n, CAST(? AS INTEGER)) > 3 AND s.segment IS NOT NULL", integer),
                    new Case("UPPER(s.segment) || CAST(CAST(? AS INTEGER) AS VARCHAR)", integer),
                    new Case("s.avg_7d / CAST(s.n AS DOUBLE) - CAST(? AS DOUBLE)", dbl));
            Random random = new Random(99L);
            int compared = 0;
            for (Case k : cases) {
                String online = "SELECT " + k.expression() + " AS v FROM customer_spend s WHERE customer_id = ?";
                String offline = "SELECT " + k.expression() + " AS v FROM customer_spend"
                        + " AS OF TIMESTAMP '2025-03-01 00:00:00' s WHERE customer_id = ?";
                try (PreparedStatement on = c.prepareStatement(online);
                        PreparedStatement off = c.prepareStatement(offline)) {
                    for (int i = 0; i < 20; i++) {
                        Object parameter = k.parameter().apply(random);
                        long key = random.nextInt(KEYS);
                        Object expected = value(off, parameter, key);
                        Object actual = value(on, parameter, key);
                        assertThat(actual).as(warehouse + ": " + k.expression() + " with " + parameter + ", key " + key)
                                .isEqualTo(expected);
                        compared++;
                    }
                }
            }
            assertThat(compared).isEqualTo(cases.size() * 20);
        }
    }

    /** The single value, normalized ("error" for a failure, numbers by value), or "no row". */
    private static Object value(PreparedStatement ps, Object parameter, long key) {
        try {
            ps.setObject(1, parameter);
            ps.setLong(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "no row";
                }
                Object v = rs.getObject(1);
                return v instanceof Number n && !(v instanceof Double) && !(v instanceof Float) ? new BigDecimal(n.toString()) : v;
            }
        } catch (SQLException e) {
            return "error";
        }
    }

    private static String inserts(String table, Random random) {
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
}
