package dev.asof.conformance.trino;

import io.trino.jdbc.TrinoStatement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; run with {@code mvn -B verify -Pbench -pl conformance-tests -am}): two
 * PIT extracts over TPC-H sf1 orders, each against the query an expert writes by hand: for each
 * order, the customer's latest previous order priority (the spine is the source), and the latest
 * priority at a time that is never a source time (a general spine). Three ways each, aggregated to
 * one row so the client protocol does not dominate: the asof PIT join through the gateway,
 * hand-written Trino SQL through the gateway (passed through), and the same hand-written SQL sent
 * directly with trino-jdbc. Prints medians of 5 runs after 1 warm-up, the ratios, and Trino's CPU
 * time for asof's generated SQL and the hand-written SQL ({@code -Dbench.explainAnalyze=true} adds
 * Trino's {@code EXPLAIN ANALYZE} of both).
 */
class TpchBench {
    private static final int WARMUP = 1;
    /** TPC-H schema ({@code -Dbench.scale}; sf1 unless set, tiny for a quick check under load). */
    private static final String ORDERS = "tpch." + System.getProperty("bench.scale", "sf1") + ".orders";

    /** Timed runs per query ({@code -Dbench.runs}; 5 unless set). */
    private static final int RUNS = Integer.getInteger("bench.runs", 5);

    /** Hand-written: previous order of the same customer (strictly earlier date), one window. */
    static final String HAND = "SELECT count(*) AS n, count(prev_priority) AS with_prev, count(DISTINCT prev_priority) AS d FROM ("
            + " SELECT o.orderkey, max_by(o.orderpriority, o.orderdate) OVER (PARTITION BY o.custkey ORDER BY o.orderdate"
            + " RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL '1' DAY PRECEDING) AS prev_priority FROM " + ORDERS + " o) t";

    /**
     * General spine: every order's customer at its order date + 12 h, a time that is never a
     * source time (1.5M spine rows); the latest order priority visible then.
     */
    static final String SPINE = "SELECT custkey, CAST(orderdate AS TIMESTAMP) + INTERVAL '12' HOUR AS ts FROM " + ORDERS;

    /** Hand-written for the general spine: union of spine and source, last_value IGNORE NULLS. */
    static final String HAND_SPINE = "SELECT count(*) AS n, count(prio) AS with_prev, count(DISTINCT prio) AS d FROM ("
            + " SELECT kind, last_value(prio) IGNORE NULLS OVER (PARTITION BY custkey ORDER BY ts, kind"
            + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS prio FROM ("
            + " SELECT custkey, CAST(orderdate AS TIMESTAMP) AS ts, 0 AS kind, orderpriority AS prio FROM " + ORDERS
            + " UNION ALL SELECT custkey, ts, 1, NULL FROM (" + SPINE + ") s) u) w WHERE kind = 1";

    /**
     * Trino's own as-of join ({@code NEAREST}, Trino 481 and later), self-join. Like the
     * hand-written queries it leaves ties to chance: it ranks candidates by the MATCH key only.
     */
    static final String NEAREST_SELF = "SELECT count(*) AS n, count(p.orderpriority) AS with_prev,"
            + " count(DISTINCT p.orderpriority) AS d FROM " + ORDERS + " o LEFT JOIN NEAREST (FROM " + ORDERS + " p"
            + " WHERE p.custkey = o.custkey MATCH p.orderdate < o.orderdate) ON TRUE";

    /** Trino's {@code NEAREST} join for the general spine. */
    static final String NEAREST_SPINE = "SELECT count(*) AS n, count(orderpriority) AS with_prev,"
            + " count(DISTINCT orderpriority) AS d FROM (" + SPINE + ") s LEFT JOIN NEAREST (FROM " + ORDERS + " o"
            + " WHERE o.custkey = s.custkey MATCH CAST(o.orderdate AS TIMESTAMP) <= s.ts) ON TRUE";

    /**
     * Whether to time the {@code NEAREST} queries as well ({@code -Dbench.nearest=true}); needs a
     * Trino of 481 or later ({@code -Dasof.trino.server.dir}, BENCHMARKS.md says how to assemble one).
     */
    private static final boolean NEAREST = Boolean.getBoolean("bench.nearest");

    @Test
    void latestPreviousOrderPriority() throws Exception {
        try (TrinoEngine engine = new TrinoEngine();
                Connection gw = gateway(engine);
                Connection direct = trino(engine)) {
            exec(gw, "CREATE ENTITY bench_customer (custkey BIGINT)");
            exec(gw, "CREATE SOURCE bench_orders FROM TABLE " + ORDERS + " EVENT TIME orderdate");
            exec(gw, "CREATE FEATURE VIEW bench_last_priority ENTITY bench_customer FROM bench_orders"
                    + " AS SELECT custkey, orderpriority");
            String selfJoin = "SELECT COUNT(o.orderkey) AS n, COUNT(p.orderpriority) AS with_prev, COUNT(DISTINCT p.orderpriority) AS d"
                    + " FROM " + ORDERS + " o LEFT JOIN bench_last_priority AS OF CAST(o.orderdate AS TIMESTAMP) EXCLUSIVE p"
                    + " ON p.custkey = o.custkey";
            String general = "SELECT COUNT(*) AS n, COUNT(p.orderpriority) AS with_prev, COUNT(DISTINCT p.orderpriority) AS d"
                    + " FROM (" + SPINE + ") s LEFT JOIN bench_last_priority AS OF s.ts p ON p.custkey = s.custkey";
            System.out.printf(Locale.ROOT, "load before: %s%n", loadAverage());
            compare(gw, direct, "self-join: each order, the customer's latest previous order", selfJoin, HAND, NEAREST_SELF);
            compare(gw, direct, "general spine: each order's customer at order date + 12 h", general, HAND_SPINE, NEAREST_SPINE);
            System.out.printf(Locale.ROOT, "load after: %s%n", loadAverage());
        }
    }

    /**
     * One pair: results, wall-time medians (asof via the gateway, hand-written via the gateway and
     * directly) and Trino's own CPU time for the SQL asof generates (from EXPLAIN) and for the
     * hand-written SQL, both sent directly: CPU time is what a loaded machine distorts least.
     */
    private static void compare(Connection gw, Connection direct, String title, String asof, String hand, String nearest)
            throws SQLException {
        String generated = generatedSql(gw, asof);
        System.out.println("\n== " + title + "\nasof result:         " + one(gw, asof));
        System.out.println("hand-written result: " + one(direct, hand));
        System.out.println("generated SQL:\n" + generated);
        double g = median(gw, asof);
        double h = median(gw, hand);
        double d = median(direct, hand);
        double gc = medianCpu(direct, generated);
        double hc = medianCpu(direct, hand);
        System.out.printf(Locale.ROOT, "%nBENCH %s (spine: every row of %s), median of %d runs:%n"
                + "  asof PIT join via gateway        %8.0f ms%n"
                + "  hand-written SQL via gateway     %8.0f ms%n"
                + "  hand-written SQL via trino-jdbc  %8.0f ms%n"
                + "  ratio gateway PIT / hand-written direct: %.2fx%n"
                + "  ratio hand-written via gateway / direct: %.2fx%n"
                + "  Trino CPU, asof's generated SQL  %8.0f ms%n"
                + "  Trino CPU, hand-written SQL      %8.0f ms%n"
                + "  ratio of CPU time: %.2fx%n", title, ORDERS, RUNS, g, h, d, g / d, h / d, gc, hc, gc / hc);
        if (NEAREST) {
            System.out.println("NEAREST result:      " + one(direct, nearest));
            double n = median(direct, nearest);
            double nc = medianCpu(direct, nearest);
            System.out.printf(Locale.ROOT, "  Trino NEAREST join via trino-jdbc %7.0f ms (%.2fx hand-written), CPU %8.0f ms (%.2fx)%n",
                    n, n / d, nc, nc / hc);
        }
        if (Boolean.getBoolean("bench.explainAnalyze")) {
            // Trino's operator statistics for both: where the time of each goes.
            System.out.println("EXPLAIN ANALYZE, asof's generated SQL:\n" + explainAnalyze(direct, generated));
            System.out.println("EXPLAIN ANALYZE, hand-written SQL:\n" + explainAnalyze(direct, hand));
        }
    }

    private static String explainAnalyze(Connection direct, String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Statement s = direct.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN ANALYZE " + sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    /** The warehouse SQL asof runs for {@code sql}: EXPLAIN's lines after the route line. */
    private static String generatedSql(Connection gw, String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Statement s = gw.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
            rs.next(); // offline: trino (...)
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    private static double medianCpu(Connection direct, String sql) throws SQLException {
        List<Double> cpu = new ArrayList<>();
        for (int i = 0; i < WARMUP + RUNS; i++) {
            AtomicLong last = new AtomicLong();
            try (Statement s = direct.createStatement()) {
                s.unwrap(TrinoStatement.class).setProgressMonitor(stats -> last.set(stats.getCpuTimeMillis()));
                try (ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        // drain: the final stats arrive with the last page
                    }
                }
            }
            if (i >= WARMUP) {
                cpu.add((double) last.get());
            }
        }
        cpu.sort(Double::compare);
        return cpu.get(cpu.size() / 2);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The gateway, waiting up to 30 minutes for a response: a loaded machine can take minutes per query. */
    private static Connection gateway(TrinoEngine engine) throws SQLException {
        Properties p = new Properties();
        p.setProperty("http_response_timeout", "1800000");
        return DriverManager.getConnection(engine.jdbcUrl(), p);
    }

    private static Connection trino(TrinoEngine engine) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "bench");
        p.setProperty("timezone", "UTC");
        return DriverManager.getConnection(engine.server().jdbcUrl(), p);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1) + " orders, " + rs.getLong(2) + " with a previous order, " + rs.getLong(3) + " priorities";
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
