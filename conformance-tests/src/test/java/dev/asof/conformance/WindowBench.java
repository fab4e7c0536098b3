package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; run with {@code mvn -B verify -Pbench -pl conformance-tests -am
 * -Dtest=WindowBench}): a training extract of 1M spine rows from a windowed view with three windows
 * (COUNT 1 h, SUM 1 d, AVG 7 d) over 10M events on the embedded DuckDB, against a hand-written
 * DuckDB query computing the same numbers (one window pass over events and spine rows). Both run
 * through the same gateway (the hand-written one is passed through as written), each aggregated to
 * one row so the client protocol does not dominate; medians of {@code bench.runs} (default 5) runs
 * after 1 warm-up. Variants: HOP 5 minutes, and exact windows (no HOP).
 *
 * <p>Sizes: {@code -Dbench.events} (default 10,000,000), {@code -Dbench.spine} (1,000,000),
 * {@code -Dbench.keys} (100,000); events spread over 90 days.
 */
class WindowBench {
    private static final int WARMUP = 1;
    private static final int RUNS = Integer.getInteger("bench.runs", 5);
    private static final long EVENTS = Long.getLong("bench.events", 10_000_000L);
    private static final long SPINE = Long.getLong("bench.spine", 1_000_000L);
    private static final long KEYS = Long.getLong("bench.keys", 100_000L);
    private static final long SPAN_MICROS = 90L * 86_400_000_000L;
    private static final long HOP_MICROS = 300_000_000L;

    private static final String ASOF = "SELECT COUNT(*) AS n, SUM(s.n_1h) AS n_1h, SUM(s.sum_1d) AS sum_1d, SUM(s.avg_7d) AS avg_7d"
            + " FROM lake.bench.spine l LEFT JOIN %s AS OF l.ts s ON s.customer_id = l.customer_id";

    /**
     * The hand-written query: events and spine rows in one relation per customer, ordered by time
     * in microseconds; the frame of a spine row at T reaches back to {@code start(T)}, i.e.
     * {@code W + (T mod hop)} (just {@code W} without a hop), and includes rows at T itself.
     */
    private static String hand(boolean hop) {
        return "SELECT COUNT(*) AS n, SUM(n_1h) AS n_1h, SUM(sum_1d) AS sum_1d, SUM(avg_7d) AS avg_7d FROM ("
                + " SELECT kind,"
                + " COUNT(amount) " + frame(3_600_000_000L, hop) + " AS n_1h,"
                + " SUM(amount) " + frame(86_400_000_000L, hop) + " AS sum_1d,"
                + " AVG(amount) " + frame(604_800_000_000L, hop) + " AS avg_7d"
                + " FROM (SELECT customer_id, EPOCH_US(event_ts) AS t, amount, 0 AS kind FROM lake.bench.events"
                + " UNION ALL SELECT customer_id, EPOCH_US(ts) AS t, NULL AS amount, 1 AS kind FROM lake.bench.spine) u) w"
                + " WHERE kind = 1";
    }

    private static String frame(long windowMicros, boolean hop) {
        return "OVER (PARTITION BY customer_id ORDER BY t RANGE BETWEEN " + windowMicros
                + (hop ? " + t % " + HOP_MICROS : "") + " PRECEDING AND CURRENT ROW)";
    }

    @Test
    void threeWindowExtract() throws Exception {
        try (DuckDbEngine engine = new DuckDbEngine(); Connection gw = DriverManager.getConnection(engine.jdbcUrl())) {
            long t0 = System.nanoTime();
            exec(gw, "CREATE SCHEMA lake.bench");
            exec(gw, "CREATE TABLE lake.bench.events AS SELECT CAST(hash(i) % " + KEYS + " AS BIGINT) AS customer_id,"
                    + " TIMESTAMP '2025-01-01 00:00:00' + to_microseconds(CAST(hash(i * 7 + 1) % " + SPAN_MICROS + " AS BIGINT))"
                    + " AS event_ts, CAST(hash(i * 13 + 5) % 100000 AS DOUBLE) / 100 AS amount FROM range(" + EVENTS + ") t(i)");
            exec(gw, "CREATE TABLE lake.bench.spine AS SELECT i AS id, CAST(hash(i + 1000000007) % " + KEYS + " AS BIGINT)"
                    + " AS customer_id, TIMESTAMP '2025-01-01 00:00:00' + to_microseconds(CAST(hash(i * 3 + 11) % "
                    + SPAN_MICROS + " AS BIGINT)) AS ts FROM range(" + SPINE + ") t(i)");
            System.out.printf(Locale.ROOT, "data: %,d events, %,d spine rows, %,d keys, generated in %.1f s%n",
                    EVENTS, SPINE, KEYS, (System.nanoTime() - t0) / 1e9);
            exec(gw, "CREATE ENTITY bench_customer (customer_id BIGINT)");
            exec(gw, "CREATE SOURCE bench_events FROM TABLE lake.bench.events EVENT TIME event_ts");
            String windows = " AS SELECT customer_id, COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h,"
                    + " SUM(amount) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS sum_1d,"
                    + " AVG(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS avg_7d";
            exec(gw, "CREATE FEATURE VIEW bench_spend_hop ENTITY bench_customer FROM bench_events" + windows
                    + " HOP INTERVAL '5' MINUTE");
            exec(gw, "CREATE FEATURE VIEW bench_spend_exact ENTITY bench_customer FROM bench_events" + windows);

            StringBuilder report = new StringBuilder();
            for (boolean hop : new boolean[] {true, false}) {
                String asof = String.format(Locale.ROOT, ASOF, hop ? "bench_spend_hop" : "bench_spend_exact");
                String hand = hand(hop);
                List<Object> a = one(gw, asof);
                List<Object> h = one(gw, hand);
                System.out.println((hop ? "HOP 5 min" : "exact") + ": asof " + a + ", hand-written " + h);
                assertThat(a.subList(0, 2)).isEqualTo(h.subList(0, 2));
                for (int i = 2; i < 4; i++) {
                    assertThat((Double) a.get(i)).isCloseTo((Double) h.get(i),
                            org.assertj.core.data.Percentage.withPercentage(1e-7));
                }
                double ta = median(gw, asof);
                double th = median(gw, hand);
                report.append(String.format(Locale.ROOT, "  %-9s asof view via gateway %8.0f ms | hand-written via gateway %8.0f ms"
                        + " | ratio %.2fx%n", hop ? "HOP 5 min" : "exact", ta, th, ta / th));
            }
            System.out.printf(Locale.ROOT, "%nBENCH windowed extract, %,d spine rows x %,d events, 3 windows, median of %d runs:%n%s",
                    SPINE, EVENTS, RUNS, report);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<Object> one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return List.of(rs.getLong(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4));
        }
    }

    private static double median(Connection c, String sql) throws SQLException {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < WARMUP + RUNS; i++) {
            long t0 = System.nanoTime();
            one(c, sql);
            if (i >= WARMUP) {
                times.add((System.nanoTime() - t0) / 1e6);
            }
        }
        times.sort(Double::compare);
        return times.get(times.size() / 2);
    }
}
