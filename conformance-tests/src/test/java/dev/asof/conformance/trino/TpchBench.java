package dev.asof.conformance.trino;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; run with {@code mvn -B verify -Pbench -pl conformance-tests -am}): for each
 * TPC-H sf1 order, the customer's latest previous order priority. Three ways, each aggregated to
 * one row so the client protocol does not dominate: the asof PIT join through the gateway,
 * hand-written Trino SQL through the gateway (passed through), and the same hand-written SQL sent
 * directly with trino-jdbc. Prints medians of 5 runs after 1 warm-up, and the ratios.
 */
class TpchBench {
    private static final int WARMUP = 1;
    private static final int RUNS = 5;

    /** Hand-written: previous order of the same customer (strictly earlier date), one window. */
    static final String HAND = "SELECT count(*) AS n, count(prev_priority) AS with_prev, count(DISTINCT prev_priority) AS d FROM ("
            + " SELECT o.orderkey, max_by(o.orderpriority, o.orderdate) OVER (PARTITION BY o.custkey ORDER BY o.orderdate"
            + " RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL '1' DAY PRECEDING) AS prev_priority FROM tpch.sf1.orders o) t";

    @Test
    void latestPreviousOrderPriority() throws Exception {
        try (TrinoEngine engine = new TrinoEngine();
                Connection gw = DriverManager.getConnection(engine.jdbcUrl());
                Connection direct = trino(engine)) {
            exec(gw, "CREATE ENTITY bench_customer (custkey BIGINT)");
            exec(gw, "CREATE SOURCE bench_orders FROM TABLE tpch.sf1.orders EVENT TIME orderdate");
            exec(gw, "CREATE FEATURE VIEW bench_last_priority ENTITY bench_customer FROM bench_orders"
                    + " AS SELECT custkey, orderpriority");
            String asof = "SELECT COUNT(o.orderkey) AS n, COUNT(p.orderpriority) AS with_prev, COUNT(DISTINCT p.orderpriority) AS d"
                    + " FROM tpch.sf1.orders o LEFT JOIN bench_last_priority AS OF CAST(o.orderdate AS TIMESTAMP) EXCLUSIVE p"
                    + " ON p.custkey = o.custkey";
            System.out.println("asof result:        " + one(gw, asof));
            System.out.println("hand-written result: " + one(direct, HAND));
            double g = median(gw, asof);
            double h = median(gw, HAND);
            double d = median(direct, HAND);
            System.out.printf(Locale.ROOT, "%nBENCH tpch sf1 orders (1.5M rows), median of %d runs:%n"
                    + "  asof PIT join via gateway        %8.0f ms%n"
                    + "  hand-written SQL via gateway     %8.0f ms%n"
                    + "  hand-written SQL via trino-jdbc  %8.0f ms%n"
                    + "  ratio gateway PIT / hand-written direct: %.2fx%n"
                    + "  ratio hand-written via gateway / direct: %.2fx%n", RUNS, g, h, d, g / d, h / d);
        }
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
