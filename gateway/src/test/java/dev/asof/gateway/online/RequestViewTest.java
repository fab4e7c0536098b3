package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.PreparedQuery;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
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
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The declared request-time view ({@code CREATE FEATURE VIEW … FROM feature_view REQUEST (…) AS
 * SELECT …}): its online lookup (evaluated in the gateway over RocksDB) equals the warehouse (DuckDB)
 * reading it {@code AS OF} the same time with the same request values, and the extract that takes
 * the request values from a spine's columns equals the lookups row for row; its errors, its
 * metadata, its registry round trip and its grants.
 */
class RequestViewTest {
    private static final Instant T = Instant.parse("2025-03-01T00:00:00Z");
    private static final int KEYS = 50;
    private static final String PAYMENT_RISK = "CREATE FEATURE VIEW payment_risk ENTITY customer FROM customer_spend"
            + " REQUEST (amount DOUBLE, merchant VARCHAR, qty INTEGER)"
            + " AS SELECT amount / avg_7d AS ratio, txn_1h > 10 AS burst, n * qty + txn_1h AS units,"
            + " UPPER(segment) || merchant AS tag ONLINE";
    private static final String LOOKUP = "SELECT ratio, burst, units, tag FROM payment_risk"
            + " WHERE customer_id = ? AND amount = ? AND merchant = ? AND qty = ?";

    @TempDir
    Path dir;
    private AsofGateway gateway;
    private StatementExecutor executor;

    @BeforeEach
    void start() {
        startGateway();
        run("CREATE TABLE lake.main.spend (customer_id BIGINT, txn_1h BIGINT, avg_7d DOUBLE, n INTEGER,"
                + " segment VARCHAR, ts TIMESTAMP)");
        Random random = new Random(41L);
        StringBuilder insert = new StringBuilder("INSERT INTO lake.main.spend VALUES ");
        for (int k = 0; k < KEYS; k++) {
            insert.append(k == 0 ? "" : ", ").append('(').append(k)
                    .append(", ").append(nullOr(random, Long.toString(random.nextInt(41) - 20)))
                    .append(", ").append(nullOr(random, random.nextInt(5) == 0 ? "0.0"
                            : Double.toString((random.nextInt(20001) - 10000) / 100.0)))
                    .append(", ").append(nullOr(random, random.nextInt(8) == 0 ? "2147483000"
                            : Integer.toString(random.nextInt(21) - 10)))
                    .append(", ").append(nullOr(random, "'seg" + random.nextInt(3) + "'"))
                    .append(", TIMESTAMP '2025-02-27 00:00:00')");
        }
        run(insert.toString());
        run("CREATE ENTITY customer (customer_id BIGINT)");
        run("CREATE SOURCE spend FROM TABLE lake.main.spend EVENT TIME ts");
        run("CREATE FEATURE VIEW customer_spend ENTITY customer FROM spend"
                + " AS SELECT customer_id, txn_1h, avg_7d, n, segment ONLINE");
        run("MATERIALIZE customer_spend");
        run(PAYMENT_RISK);
    }

    private void startGateway() {
        gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir))
                .withClock(new OnlineServingTest.MutableClock(T)));
        executor = gateway.executor();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void onlineLookupEqualsTheWarehouseOnRandomInputs() {
        String explain = String.join("\n", column(executor.prepare("EXPLAIN " + LOOKUP), List.of()));
        assertThat(explain).startsWith("online: rocksdb").contains("request-time expressions compiled in the gateway")
                .contains("customer_spend.avg_7d").contains("request-time view payment_risk reads feature view"
                        + " customer_spend; amount = ?2 (DOUBLE), merchant = ?3 (VARCHAR), qty = ?4 (INTEGER)");
        PreparedQuery online = executor.prepare(LOOKUP);
        assertThat(online.columns().orElseThrow()).extracting(c -> c.name() + " " + c.jdbcType())
                .containsExactly("ratio DOUBLE", "burst BOOLEAN", "units BIGINT", "tag VARCHAR");
        PreparedQuery warehouse = executor.prepare("SELECT ratio, burst, units, tag FROM payment_risk"
                + " AS OF TIMESTAMP '2025-03-01 00:00:00' WHERE customer_id = ? AND amount = ? AND merchant = ? AND qty = ?");
        assertThat(String.join("\n", column(executor.prepare("EXPLAIN SELECT ratio FROM payment_risk"
                + " AS OF TIMESTAMP '2025-03-01 00:00:00' WHERE customer_id = ? AND amount = ? AND merchant = ?"
                + " AND qty = ?"), List.of()))).startsWith("offline: duckdb");
        // The request values bound in another order than the view declares them.
        PreparedQuery reordered = executor.prepare("SELECT tag, ratio FROM payment_risk"
                + " WHERE qty = ? AND merchant = ? AND amount = ? AND customer_id = ?");
        Random random = new Random(2026_12_05L);
        int compared = 0;
        int errors = 0;
        for (int i = 0; i < 300; i++) {
            Double amount = random.nextInt(6) == 0 ? null : random.nextInt(5) == 0 ? 0.0 : (random.nextInt(2001) - 1000) / 10.0;
            String merchant = random.nextInt(6) == 0 ? null : "m" + random.nextInt(3);
            Integer qty = random.nextInt(6) == 0 ? null : random.nextInt(7) == 0 ? 0 : random.nextInt(2001) - 1000;
            long key = random.nextInt(KEYS + 2);
            List<Object> parameters = Arrays.asList(key, amount, merchant, qty);
            StatementOutcome expected = StatementOutcome.of(() -> rows(warehouse, parameters));
            StatementOutcome actual = StatementOutcome.of(() -> rows(online, parameters));
            assertThat(actual.failed()).as(parameters + ": " + expected + " vs " + actual).isEqualTo(expected.failed());
            if (actual.failed()) {
                assertThat(actual.error().code().sqlState()).as(parameters.toString()).startsWith("22");
                errors++;
                continue;
            }
            assertThat(StatementOutcome.normalized(actual.rows())).as(parameters.toString()).isEqualTo(StatementOutcome.normalized(expected.rows()));
            List<List<Object>> other = rows(reordered, Arrays.asList(qty, merchant, amount, key));
            assertThat(other).as(parameters.toString()).isEqualTo(actual.rows().stream()
                    .map(r -> Arrays.asList(r.get(3), r.get(0))).toList());
            compared++;
        }
        assertThat(compared).as("compared, errors " + errors).isGreaterThan(200);
        assertThat(errors).as("errors (INTEGER overflow of n * qty), compared " + compared).isGreaterThan(0);
    }

    /** The spine's columns of the request columns' names are the request: each row equals the lookup with its values. */
    @Test
    void extractTakesTheRequestFromTheSpineAndAgreesWithLookups() {
        run("CREATE TABLE lake.main.requests (request_id INTEGER, customer_id BIGINT, amount DOUBLE,"
                + " merchant VARCHAR, qty INTEGER, ts TIMESTAMP)");
        Random random = new Random(7L);
        StringBuilder insert = new StringBuilder("INSERT INTO lake.main.requests VALUES ");
        for (int i = 0; i < 80; i++) {
            insert.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(random.nextInt(KEYS + 2))
                    .append(", ").append(random.nextInt(8) == 0 ? "NULL" : Double.toString((random.nextInt(20001) - 10000) / 10.0))
                    .append(", ").append(random.nextInt(8) == 0 ? "NULL" : "'m" + random.nextInt(3) + "'")
                    .append(", ").append(random.nextInt(3) - 1)
                    .append(", TIMESTAMP '2025-03-01 00:00:00')");
        }
        run(insert.toString());
        List<List<Object>> extract = rows(executor.prepare("SELECT l.request_id, l.customer_id, l.amount, l.merchant, l.qty,"
                + " r.ratio, r.burst, r.units, r.tag FROM lake.main.requests l"
                + " LEFT JOIN payment_risk AS OF l.ts r ON r.customer_id = l.customer_id ORDER BY l.request_id"), List.of());
        assertThat(extract).hasSize(80);
        PreparedQuery online = executor.prepare(LOOKUP);
        int withValue = 0;
        for (List<Object> row : extract) {
            List<List<Object>> served = rows(online, Arrays.asList(row.get(1), row.get(2), row.get(3), row.get(4)));
            // A key without features: the LEFT JOIN keeps the row with NULL features, the lookup has no row.
            List<Object> actual = served.isEmpty() ? Arrays.asList(null, null, null, null) : served.get(0);
            List<Object> expected = row.subList(5, 9);
            if (served.isEmpty()) {
                assertThat(expected.get(0)).as("request " + row).isNull();
                continue;
            }
            assertThat(StatementOutcome.normalized(List.of(actual))).as("request " + row).isEqualTo(StatementOutcome.normalized(List.of(expected)));
            withValue += expected.get(0) != null ? 1 : 0;
        }
        assertThat(withValue).isGreaterThan(30);

        // SELECT r.* spells out the keys, the request columns (the spine's values) and the features.
        List<List<Object>> star = rows(executor.prepare("SELECT r.* FROM lake.main.requests l"
                + " LEFT JOIN payment_risk AS OF l.ts r ON r.customer_id = l.customer_id WHERE l.request_id = 3"), List.of());
        List<Object> three = extract.get(3);
        assertThat(star).hasSize(1);
        assertThat(StatementOutcome.normalized(List.of(star.get(0).subList(1, 8))))
                .isEqualTo(StatementOutcome.normalized(List.of(Arrays.asList(three.get(2), three.get(3), three.get(4), three.get(5),
                        three.get(6), three.get(7), three.get(8)))));
    }

    @Test
    void definitionErrors() {
        run("CREATE TABLE lake.main.other (customer_id BIGINT, v DOUBLE, ts TIMESTAMP)");
        run("CREATE SOURCE other FROM TABLE lake.main.other EVENT TIME ts");
        run("CREATE FEATURE VIEW offline_spend ENTITY customer FROM other AS SELECT customer_id, v");
        assertError("CREATE FEATURE VIEW r1 ENTITY customer FROM customer_spend REQUEST (amount DOUBLE)"
                + " AS SELECT amout / avg_7d AS ratio", ErrorCode.UNKNOWN_OBJECT,
                "line 1, column 94: column 'amout' is neither a request column nor a column of feature view"
                        + " 'customer_spend'; did you mean 'amount'?");
        assertError("CREATE FEATURE VIEW r1 ENTITY customer FROM customer_spend REQUEST (avg_7d DOUBLE)"
                + " AS SELECT avg_7d * 2 AS doubled", ErrorCode.INVALID_DEFINITION,
                "line 1, column 69: request column 'avg_7d' has the name of column 'avg_7d' of feature view"
                        + " 'customer_spend', which it would hide");
        assertError("CREATE FEATURE VIEW r1 ENTITY customer FROM customer_spend REQUEST (amount DOUBLE)"
                + " AS SELECT txn_1h / CAST(amount AS BIGINT) AS per_unit ONLINE", ErrorCode.INVALID_DEFINITION,
                "request-time view 'r1' cannot be served online: ");
        // Without ONLINE the same view is accepted: the warehouse answers its lookups, EXPLAIN says why.
        run("CREATE FEATURE VIEW r1 ENTITY customer FROM customer_spend REQUEST (amount DOUBLE)"
                + " AS SELECT txn_1h / CAST(amount AS BIGINT) AS per_unit");
        assertThat(String.join("\n", column(executor.prepare("EXPLAIN SELECT per_unit FROM r1 WHERE customer_id = ?"
                + " AND amount = ?"), List.of()))).startsWith("offline: duckdb").contains("not served online: ");
        assertError("CREATE FEATURE VIEW r2 ENTITY customer FROM offline_spend REQUEST (amount DOUBLE)"
                + " AS SELECT amount * v AS x ONLINE", ErrorCode.INVALID_DEFINITION,
                "request-time view 'r2' is declared ONLINE but feature view 'offline_spend', which it reads, is not ONLINE");
        assertError("CREATE FEATURE VIEW r2 ENTITY customer FROM spend REQUEST (amount DOUBLE) AS SELECT amount AS x",
                ErrorCode.INVALID_DEFINITION, "'spend' is a source; a request-time view (REQUEST …) reads a feature view");
        assertError("CREATE FEATURE VIEW r2 ENTITY customer FROM customer_spend REQUEST (amount DOUBLE)"
                + " AS SELECT amount * avg_7d AS x TTL INTERVAL '1' DAY", ErrorCode.INVALID_DEFINITION,
                "TTL belongs to the feature view a request-time view reads ('customer_spend')");
        assertError("CREATE FEATURE VIEW r2 ENTITY customer FROM customer_spend REQUEST (amount TIMESTAMP)"
                + " AS SELECT txn_1h AS x", ErrorCode.INVALID_DEFINITION, "request columns are BIGINT");
        assertError("CREATE FEATURE VIEW r2 ENTITY customer FROM customer_spend REQUEST (amount DOUBLE)"
                + " AS SELECT SUM(amount) AS x", ErrorCode.INVALID_DEFINITION, "no aggregates, windows or sub-queries");
        assertError("CREATE FEATURE VIEW r2 ENTITY customer FROM customer_spend REQUEST (amount DOUBLE)"
                + " AS SELECT avg_7d AS amount", ErrorCode.INVALID_DEFINITION, "'amount' is a request column");
        assertError("CREATE FEATURE VIEW r2 ENTITY customer FROM payment_risk REQUEST (x DOUBLE) AS SELECT x * ratio AS y",
                ErrorCode.INVALID_DEFINITION, "'payment_risk' is a request-time view");
        assertError("CREATE FEATURE VIEW r2 ENTITY customer FROM customer_spnd REQUEST (x DOUBLE) AS SELECT x AS y",
                ErrorCode.UNKNOWN_OBJECT, "feature view 'customer_spnd' not found; did you mean 'customer_spend'?");
        assertError("MATERIALIZE payment_risk", ErrorCode.INVALID_QUERY,
                "'payment_risk' is a request-time view, which stores nothing");
    }

    @Test
    void queryErrors() {
        assertError("SELECT ratio FROM payment_risk WHERE customer_id = ? AND amout = ? AND merchant = ? AND qty = ?",
                ErrorCode.INVALID_QUERY, "line 1, column 19: request view 'payment_risk' needs a value for its request"
                        + " column(s) amount: give each in WHERE (amount = ?) for a lookup, or join the view AS OF a spine");
        assertError("SELECT ratio FROM payment_risk WHERE customer_id = ? AND amout = ? AND merchant = ? AND qty = ?",
                ErrorCode.INVALID_QUERY, "WHERE names 'amout'; did you mean 'amount'?");
        run("CREATE TABLE lake.main.spine (customer_id BIGINT, amount DOUBLE, ts TIMESTAMP)");
        assertError("SELECT r.ratio FROM lake.main.spine l LEFT JOIN payment_risk AS OF l.ts r"
                + " ON r.customer_id = l.customer_id", ErrorCode.UNKNOWN_OBJECT, "request column 'merchant' of request"
                + " view 'payment_risk' is not a column of the spine 'l'");
        // A sub-query spine maps spine columns onto request columns.
        assertThat(rows(executor.prepare("SELECT r.tag FROM (SELECT customer_id, amount, 'z' AS merchant, 1 AS qty, ts"
                + " FROM lake.main.spine) l LEFT JOIN payment_risk AS OF l.ts r ON r.customer_id = l.customer_id"),
                List.of())).isEmpty();
    }

    /** DROP of what a request view reads is refused while it exists, as for feature views on sources. */
    @Test
    void dependenciesOnDrop() {
        assertError("DROP FEATURE VIEW customer_spend", ErrorCode.INVALID_DEFINITION,
                "feature view 'customer_spend' is used by request-time view(s) payment_risk; drop them first");
        assertError("DROP ENTITY customer", ErrorCode.INVALID_DEFINITION, "is used by request-time view(s) payment_risk");
        run("DROP FEATURE VIEW payment_risk");
        run("DROP FEATURE VIEW customer_spend");
        assertError("SELECT ratio FROM payment_risk WHERE customer_id = 1 AND amount = 1", ErrorCode.UNKNOWN_OBJECT, "");
    }

    @Test
    void metadataAndRegistryRoundTrip() throws SQLException {
        List<List<Object>> show = rows(executor.prepare("SHOW FEATURE VIEWS"), List.of());
        assertThat(show).filteredOn(r -> r.get(0).equals("payment_risk")).singleElement()
                .satisfies(r -> assertThat(r.subList(0, 6)).containsExactly("payment_risk", "customer", "customer_spend",
                        null, null, true))
                .satisfies(r -> assertThat((String) r.get(6)).contains("REQUEST (").contains("amount").contains("DOUBLE"));
        List<List<Object>> describe = rows(executor.prepare("DESCRIBE payment_risk"), List.of());
        assertThat(describe).extracting(r -> r.get(0) + " " + r.get(1) + " " + r.get(2)).containsExactly(
                "customer_id BIGINT key", "amount DOUBLE request", "merchant VARCHAR request", "qty INTEGER request",
                "ratio DOUBLE request-time feature", "burst BOOLEAN request-time feature",
                "units BIGINT request-time feature", "tag VARCHAR request-time feature");
        try (Connection c = TestUsers.connect(gateway.jdbcUrl());
                ResultSet rs = c.getMetaData().getColumns(null, null, "payment_risk", null)) {
            List<String> columns = new ArrayList<>();
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME") + " " + rs.getString("REMARKS"));
            }
            assertThat(columns).containsExactly("customer_id null", "amount request column", "merchant request column",
                    "qty request column", "ratio null", "burst null", "units null", "tag null");
        }
        List<Object> parameters = Arrays.asList(firstKeyWith("avg_7d IS NOT NULL AND avg_7d <> 0 AND n IS NOT NULL"
                + " AND n < 1000 AND txn_1h IS NOT NULL AND segment IS NOT NULL"), 250.0, "m1", 2);
        List<List<Object>> before = rows(executor.prepare(LOOKUP), parameters);
        assertThat(before).hasSize(1);
        assertThat(before.get(0)).doesNotContainNull();

        gateway.close();
        gateway = null;
        startGateway();
        assertThat(rows(executor.prepare(LOOKUP), parameters)).isEqualTo(before);
        assertThat(String.join("\n", column(executor.prepare("EXPLAIN " + LOOKUP), List.of()))).startsWith("online: rocksdb");
        assertThat(rows(executor.prepare("DESCRIBE payment_risk"), List.of())).isEqualTo(describe);
    }

    /**
     * Reading a request-time view needs SELECT on it, and only that, as an SQL view: its creator
     * (who needed SELECT on the feature view it reads) decides what it exposes. SELECT on the feature
     * view alone does not open the request view.
     */
    @Test
    void grants() throws SQLException {
        run("CREATE TABLE lake.main.requests (customer_id BIGINT, amount DOUBLE, merchant VARCHAR, qty INTEGER, ts TIMESTAMP)");
        run("INSERT INTO lake.main.requests VALUES (1, 10.0, 'm', 1, TIMESTAMP '2025-03-01 00:00:00')");
        run("CREATE USER bob PASSWORD 'bob-secret-1'");
        String extract = "SELECT r.ratio FROM lake.main.requests l LEFT JOIN payment_risk AS OF l.ts r"
                + " ON r.customer_id = l.customer_id";
        try (Connection bob = connect("bob", "bob-secret-1")) {
            assertRefused(bob, LOOKUP, "feature view payment_risk");
            run("GRANT SELECT ON FEATURE VIEW customer_spend TO bob");
            assertRefused(bob, LOOKUP, "feature view payment_risk");
            run("REVOKE SELECT ON FEATURE VIEW customer_spend FROM bob");
            run("GRANT SELECT ON FEATURE VIEW payment_risk TO bob");
            List<Object> parameters = Arrays.asList(firstKeyWith("avg_7d IS NOT NULL AND avg_7d <> 0 AND n < 1000"), 250.0, "m1", 2);
            try (PreparedStatement ps = bob.prepareStatement(LOOKUP)) {
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getDouble("ratio")).isEqualTo(rows(executor.prepare(LOOKUP), parameters).get(0).get(0));
                }
            }
            // The feature view it reads stays closed to bob, and so does its CREATE for a non-admin.
            assertRefused(bob, "SELECT avg_7d FROM customer_spend WHERE customer_id = 1", "feature view customer_spend");
            // The extract also reads the spine, which needs its own grant.
            assertRefused(bob, extract, "lake.main.requests");
            run("GRANT SELECT ON TABLE lake.main.requests TO bob");
            try (Statement s = bob.createStatement(); ResultSet rs = s.executeQuery(extract)) {
                assertThat(rs.next()).isTrue();
            }
            assertRefused(bob, "CREATE FEATURE VIEW mine ENTITY customer FROM customer_spend REQUEST (a DOUBLE)"
                    + " AS SELECT a * avg_7d AS x", "CREATE");
        }
    }

    private void assertRefused(Connection c, String sql, String naming) {
        assertThatThrownBy(() -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) {
                    ps.setObject(i, 1);
                }
                ps.executeQuery().close();
            }
        }).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("42501");
            assertThat(e.getMessage()).contains(naming);
        });
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(gateway.jdbcUrl(), p);
    }

    private void assertError(String sql, ErrorCode code, String message) {
        assertThatThrownBy(() -> rows(executor.prepare(sql), Arrays.asList(new Object[markers(sql)])))
                .isInstanceOfSatisfying(AsofException.class, e -> {
                    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    /** Counts the {@code ?} markers of a test statement (none are quoted here). */
    private static int markers(String sql) {
        return (int) sql.chars().filter(ch -> ch == '?').count();
    }

    private Long firstKeyWith(String condition) {
        return (Long) rows(executor.prepare("SELECT min(customer_id) FROM lake.main.spend WHERE " + condition),
                List.of()).get(0).get(0);
    }

    private static String nullOr(Random random, String value) {
        return random.nextInt(7) == 0 ? "NULL" : value;
    }

    private List<String> column(PreparedQuery prepared, List<Object> parameters) {
        return rows(prepared, parameters).stream().map(r -> (String) r.get(0)).toList();
    }

    private void run(String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }

    private List<List<Object>> rows(PreparedQuery prepared, List<Object> parameters) {
        StatementResult r = executor.execute(prepared, parameters, QueryControl.none());
        if (!(r instanceof StatementResult.Rows result)) {
            return List.of();
        }
        List<List<Object>> out = new ArrayList<>();
        try (RowCursor c = result.cursor()) {
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
}
