package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request-time expressions in online lookups: computed in the gateway by Calcite-compiled code,
 * equal to the warehouse (DuckDB) evaluating the same expression over the same values, on random
 * feature values (NULLs, zeros, negatives, values that overflow) and random parameters.
 */
class RequestTimeExpressionTest {
    private static final Instant T = Instant.parse("2025-03-01T00:00:00Z");
    private static final int KEYS = 60;

    @TempDir
    Path dir;
    private AsofGateway gateway;
    private StatementExecutor executor;

    /** One expression and how to draw its parameters. */
    private record Case(String expression, List<Function<Random, Object>> parameters) {}

    @BeforeEach
    void start() {
        gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir))
                .withClock(new OnlineServingTest.MutableClock(T)));
        executor = gateway.executor();
        run("CREATE TABLE lake.main.spend (customer_id BIGINT, txn_1h BIGINT, avg_7d DOUBLE, n INTEGER,"
                + " segment VARCHAR, vip BOOLEAN, ts TIMESTAMP)");
        Random random = new Random(15_05L);
        StringBuilder insert = new StringBuilder("INSERT INTO lake.main.spend VALUES ");
        for (int k = 0; k < KEYS; k++) {
            insert.append(k == 0 ? "" : ", ").append('(').append(k)
                    .append(", ").append(nullOr(random, () -> Long.toString(random.nextInt(41) - 20)))
                    .append(", ").append(nullOr(random, () -> random.nextInt(5) == 0 ? "0.0"
                            : Double.toString((random.nextInt(20001) - 10000) / 100.0)))
                    .append(", ").append(nullOr(random, () -> random.nextInt(8) == 0 ? "2147483000"
                            : Integer.toString(random.nextInt(21) - 10)))
                    .append(", ").append(nullOr(random, () -> "'seg" + random.nextInt(3) + "'"))
                    .append(", ").append(nullOr(random, () -> Boolean.toString(random.nextBoolean())))
                    .append(", TIMESTAMP '2025-02-27 00:00:00')");
        }
        run(insert.toString());
        run("CREATE ENTITY customer (customer_id BIGINT)");
        run("CREATE SOURCE spend FROM TABLE lake.main.spend EVENT TIME ts");
        run("CREATE FEATURE VIEW customer_spend ENTITY customer FROM spend"
                + " AS SELECT customer_id, txn_1h, avg_7d, n, segment, vip ONLINE");
        run("MATERIALIZE customer_spend");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void onlineExpressionsEqualTheWarehouseOnRandomInputs() {
        Function<Random, Object> dbl = r -> r.nextInt(6) == 0 ? null : r.nextInt(5) == 0 ? 0.0 : (r.nextInt(2001) - 1000) / 10.0;
        Function<Random, Object> lng = r -> r.nextInt(6) == 0 ? null : (long) (r.nextInt(21) - 10);
        Function<Random, Object> integer = r -> r.nextInt(6) == 0 ? null : r.nextInt(7) == 0 ? 0 : r.nextInt(2001) - 1000;
        Function<Random, Object> text = r -> r.nextInt(6) == 0 ? null : "x" + r.nextInt(3);
        List<Case> cases = List.of(
                new Case("CAST(? AS DOUBLE) / s.avg_7d", List.of(dbl)),
                new Case("s.txn_1h > ?", List.of(lng)),
                new Case("s.txn_1h + s.n * CAST(? AS INTEGER)", List.of(integer)),
                new Case("s.n + CAST(? AS INTEGER)", List.of(integer)),
                new Case("s.txn_1h - CAST(? AS BIGINT) * 3", List.of(lng)),
                new Case("MOD(s.n, CAST(? AS INTEGER))", List.of(integer)),
                new Case("ABS(s.n - CAST(? AS INTEGER))", List.of(integer)),
                new Case("COALESCE(s.n, CAST(? AS INTEGER), -1)", List.of(integer)),
                new Case("CASE WHEN s.avg_7d IS NULL THEN -1.0E0 WHEN s.avg_7d > ? THEN s.avg_7d * 2"
                        + " ELSE s.avg_7d / 4 END", List.of(dbl)),
                new Case("s.avg_7d / CAST(s.n AS DOUBLE) + ?", List.of(dbl)),
                new Case("(s.vip AND s.txn_1h >= ?) OR NOT s.vip", List.of(lng)),
                new Case("UPPER(s.segment) || CAST(? AS VARCHAR)", List.of(text)),
                new Case("s.segment = ? OR s.segment IS NULL", List.of(text)),
                new Case("CAST(s.n AS BIGINT) * CAST(? AS BIGINT) - s.txn_1h", List.of(lng)),
                new Case("s.avg_7d * CAST(? AS DOUBLE) < s.txn_1h", List.of(dbl)),
                new Case("CHAR_LENGTH(s.segment) + CAST(? AS INTEGER)", List.of(integer)),
                new Case("s.n BETWEEN CAST(? AS INTEGER) AND 5", List.of(integer)));
        Random random = new Random(2026_12_05L);
        int compared = 0;
        int errors = 0;
        for (Case c : cases) {
            String online = "SELECT " + c.expression() + " AS v, s.txn_1h FROM customer_spend s WHERE customer_id = ?";
            assertThat(explain(online, c.parameters().size() + 1)).as(c.expression())
                    .contains("online: rocksdb").contains("request-time expressions compiled in the gateway");
            String warehouse = "SELECT " + c.expression() + " AS v, s.txn_1h FROM customer_spend"
                    + " AS OF TIMESTAMP '2025-03-01 00:00:00' s WHERE customer_id = ?";
            var onlineStatement = executor.prepare(online);
            var warehouseStatement = executor.prepare(warehouse);
            for (int i = 0; i < 25; i++) {
                List<Object> parameters = new ArrayList<>();
                c.parameters().forEach(p -> parameters.add(p.apply(random)));
                parameters.add((long) random.nextInt(KEYS + 2));
                StatementOutcome expected = StatementOutcome.of(() -> rows(warehouseStatement, parameters));
                StatementOutcome actual = StatementOutcome.of(() -> rows(onlineStatement, parameters));
                assertThat(actual.failed()).as(c.expression() + " " + parameters + ": " + expected + " vs " + actual)
                        .isEqualTo(expected.failed());
                if (actual.failed()) {
                    assertThat(actual.error().code().sqlState()).as(c.expression() + " " + parameters).startsWith("22");
                    errors++;
                } else {
                    assertThat(StatementOutcome.normalized(actual.rows())).as(c.expression() + " " + parameters)
                            .isEqualTo(StatementOutcome.normalized(expected.rows()));
                    compared++;
                }
            }
        }
        // Both outcomes were exercised: values and errors (overflow, MOD by zero).
        assertThat(compared).as("compared, errors " + errors).isGreaterThan(300);
        assertThat(errors).as("errors, compared " + compared).isGreaterThan(2);
    }

    /**
     * The same request-time expression in a training extract, with the spine's columns as the
     * request: each spine row's value equals the online lookup with that row's request values.
     */
    @Test
    void extractWithSpineColumnsAsTheRequestAgreesWithOnlineLookups() {
        run("CREATE TABLE lake.main.requests (customer_id BIGINT, amount DOUBLE, ts TIMESTAMP)");
        Random random = new Random(7L);
        StringBuilder insert = new StringBuilder("INSERT INTO lake.main.requests VALUES ");
        for (int i = 0; i < 80; i++) {
            insert.append(i == 0 ? "" : ", ").append('(').append(random.nextInt(KEYS)).append(", ")
                    .append(random.nextInt(8) == 0 ? "NULL" : Double.toString((random.nextInt(20001) - 10000) / 10.0))
                    .append(", TIMESTAMP '2025-03-01 00:00:00')");
        }
        run(insert.toString());
        List<List<Object>> extract = rows(executor.prepare("SELECT l.customer_id, l.amount,"
                + " CAST(l.amount AS DOUBLE) / s.avg_7d AS ratio, s.txn_1h > 10 AS burst FROM lake.main.requests l"
                + " LEFT JOIN customer_spend AS OF l.ts s ON s.customer_id = l.customer_id"), List.of());
        assertThat(extract).hasSize(80);
        var online = executor.prepare("SELECT CAST(? AS DOUBLE) / s.avg_7d AS ratio, s.txn_1h > 10 AS burst"
                + " FROM customer_spend s WHERE customer_id = ?");
        int withValue = 0;
        for (List<Object> row : extract) {
            List<List<Object>> served = rows(online, Arrays.asList(row.get(1), row.get(0)));
            // A key with no features: the extract's LEFT JOIN gives NULLs, the lookup no row.
            List<Object> expected = row.subList(2, 4);
            List<Object> actual = served.isEmpty() ? Arrays.asList(null, null) : served.get(0);
            assertThat(actual).as("request " + row).isEqualTo(expected);
            withValue += expected.get(0) != null ? 1 : 0;
        }
        assertThat(withValue).isGreaterThan(20);
    }

    /** The README's example, value for value. */
    @Test
    void readmeExample() {
        run("CREATE TABLE lake.main.txn (customer_id BIGINT, txn_1h BIGINT, avg_7d DOUBLE, ts TIMESTAMP)");
        run("INSERT INTO lake.main.txn VALUES (42, 12, 50.0, TIMESTAMP '2025-02-28 00:00:00'),"
                + " (43, 3, NULL, TIMESTAMP '2025-02-28 00:00:00')");
        run("CREATE SOURCE transactions FROM TABLE lake.main.txn EVENT TIME ts");
        run("CREATE FEATURE VIEW readme_spend ENTITY customer FROM transactions AS SELECT customer_id, txn_1h, avg_7d"
                + " ONLINE");
        run("MATERIALIZE readme_spend");
        String sql = "SELECT CAST(? AS DOUBLE) / s.avg_7d AS ratio, s.txn_1h > 10 AS burst"
                + " FROM readme_spend s WHERE customer_id = ?";
        List<String> explain = explainLines(sql, 2);
        assertThat(explain.get(0)).isEqualTo("online: rocksdb (one batched read of 1 record(s): [readme_spend] x 1 key(s);"
                + " TTL applied at lookup time)");
        assertThat(explain.get(1)).isEqualTo("request-time expressions compiled in the gateway: ratio = /(CAST(?0):DOUBLE, $2),"
                + " burst = >($1, 10), where $1 = readme_spend.txn_1h, $2 = readme_spend.avg_7d");
        var prepared = executor.prepare(sql);
        assertThat(rows(prepared, List.of(250.0, 42L))).containsExactly(List.of(5.0, true));
        assertThat(rows(prepared, Arrays.asList(250.0, 43L))).containsExactly(Arrays.asList(null, false));
        assertThat(rows(prepared, Arrays.asList(null, 42L))).containsExactly(Arrays.asList(null, true));
        assertThat(rows(prepared, List.of(250.0, 44L))).isEmpty();
        assertThat(rows(executor.prepare("SELECT NULLIF(s.txn_1h, 12) AS v FROM readme_spend s WHERE customer_id = ?"),
                List.of(42L))).containsExactly(Arrays.asList((Object) null));
    }

    @Test
    void formsWhoseSemanticsDifferGoToTheWarehouseAndExplainSaysWhy() {
        String intDivision = "SELECT s.txn_1h / ? AS v FROM customer_spend s WHERE customer_id = ?";
        String text = String.join("\n", explainLines(intDivision, 2));
        assertThat(text).startsWith("offline: duckdb").contains("not served online: integer division");
        // The warehouse's rule holds: DuckDB divides integers exactly.
        Long key = firstKeyWith("txn_1h IS NOT NULL AND txn_1h % 2 <> 0");
        long txn = (Long) rows(executor.prepare("SELECT txn_1h FROM customer_spend WHERE customer_id = ?"),
                List.of(key)).get(0).get(0);
        assertThat(rows(executor.prepare(intDivision), List.of(2, key))).containsExactly(List.of(txn / 2.0));

        assertThat(String.join("\n", explainLines(
                "SELECT CAST(s.avg_7d AS INTEGER) AS v FROM customer_spend s WHERE customer_id = ?", 1)))
                .contains("not served online: CAST from DOUBLE to INTEGER");
        assertThat(String.join("\n", explainLines(
                "SELECT ROUND(s.avg_7d) AS v FROM customer_spend s WHERE customer_id = ?", 1)))
                .contains("not served online: function or operator ROUND");
    }

    @Test
    void typesParametersAndErrors() {
        Long key = firstKeyWith("n IS NOT NULL AND avg_7d IS NOT NULL AND avg_7d <> 0 AND n < 100");
        var prepared = executor.prepare("SELECT CAST(? AS DOUBLE) / s.avg_7d AS ratio, s.n > 10 AS burst,"
                + " MOD(s.n, CAST(? AS INTEGER)) AS m FROM customer_spend s WHERE customer_id = ?");
        assertThat(prepared.columns().orElseThrow()).as(prepared.columns().toString()).extracting(c -> c.name() + " " + c.jdbcType())
                .containsExactly("ratio DOUBLE", "burst BOOLEAN", "m INTEGER");
        List<Object> row = rows(prepared, List.of(120.5, 7, key)).get(0);
        double avg = (Double) rows(executor.prepare("SELECT avg_7d FROM customer_spend WHERE customer_id = ?"),
                List.of(key)).get(0).get(0);
        assertThat(row.get(0)).isEqualTo(120.5 / avg);
        // A numeric string binds as the driver would bind it for the warehouse.
        assertThat(rows(prepared, List.of("120.5", 7, key)).get(0).get(0)).isEqualTo(120.5 / avg);
        assertThatThrownBy(() -> rows(prepared, List.of("abc", 7, key)))
                .isInstanceOfSatisfying(AsofException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER));
        assertThatThrownBy(() -> rows(prepared, List.of(1.0, 0, key)))
                .isInstanceOfSatisfying(AsofException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DIVISION_BY_ZERO));
        // The statement stays usable after the error.
        assertThat(rows(prepared, List.of(1.0, 3, key))).hasSize(1);
    }

    private Long firstKeyWith(String condition) {
        return (Long) rows(executor.prepare("SELECT min(customer_id) FROM lake.main.spend WHERE " + condition),
                List.of()).get(0).get(0);
    }

    private static String nullOr(Random random, java.util.function.Supplier<String> value) {
        return random.nextInt(7) == 0 ? "NULL" : value.get();
    }

    private String explain(String sql, int parameters) {
        return String.join("\n", explainLines(sql, parameters));
    }

    private List<String> explainLines(String sql, int parameters) {
        return rows(executor.prepare("EXPLAIN " + sql), List.of()).stream().map(r -> (String) r.get(0)).toList();
    }

    private void run(String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }

    private List<List<Object>> rows(dev.asof.gateway.execution.PreparedQuery prepared, List<Object> parameters) {
        StatementResult r = executor.execute(prepared, parameters, QueryControl.none());
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
}
