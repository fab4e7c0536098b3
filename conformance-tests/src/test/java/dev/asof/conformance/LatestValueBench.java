package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; run with {@code mvn -B verify -Pbench -DskipITs -pl conformance-tests -am
 * -Dtest=LatestValueBench}): a latest-value training extract on the embedded DuckDB, against
 * DuckDB's own {@code ASOF LEFT JOIN} written by hand, both through the same gateway (the
 * hand-written one is passed through as written), on the same generated data in the same run,
 * each aggregated to one row so the client protocol does not dominate.
 *
 * <ul>
 *   <li>{@link #latestValueAgainstAsofJoin}: 10M events (100k keys, 90 days, microsecond event
 *       times; created time 0 to 2 hours after the event) and 1M spine rows; views without and
 *       with CREATED TIME, inclusive and with a TTL. The hand-written query joins on the event
 *       time, or with a created time on {@code greatest(event, created)} — the query an expert
 *       writes first; it ignores rows that a later-visible, earlier row makes stale, so only the
 *       counts are compared there. Medians of {@code bench.runs} (default 5) after 1 warm-up.
 *   <li>{@link #growthSeries}: the asof extract alone on {@code bench.growth} events (default
 *       1M,10M; {@code -Dbench.growth=1000000,10000000,50000000} for the full series), spine 10%
 *       of the events, printing nanoseconds per input row (n log n growth shows as a slowly
 *       rising figure, not a multiple) and the peak resident memory of the JVM, which holds the
 *       in-process DuckDB, while the extract runs. {@code -Dbench.memoryLimit=2GB} sets the
 *       warehouse's {@code asof.duckdb.memory-limit}: DuckDB then spills what does not fit.
 * </ul>
 *
 * <p>Sizes: {@code -Dbench.events} (default 10,000,000), {@code -Dbench.spine} (1,000,000),
 * {@code -Dbench.warmup} (runs before the measured ones, default 1),
 * {@code -Dbench.keys} (100,000).
 */
class LatestValueBench {
    private static final int WARMUP = Integer.getInteger("bench.warmup", 1);
    private static final int RUNS = Integer.getInteger("bench.runs", 5);
    private static final long EVENTS = Long.getLong("bench.events", 10_000_000L);
    private static final long SPINE = Long.getLong("bench.spine", 1_000_000L);
    private static final long KEYS = Long.getLong("bench.keys", 100_000L);
    private static final String GROWTH = System.getProperty("bench.growth", "1000000,10000000");
    /** {@code asof.duckdb.memory-limit} for the growth series (e.g. {@code 2GB}); empty: DuckDB's default. */
    private static final String MEMORY_LIMIT = System.getProperty("bench.memoryLimit", "");
    private static final long SPAN_MICROS = 90L * 86_400_000_000L;
    private static final long MAX_DELAY_MICROS = 2L * 3_600_000_000L;
    /** The driver's HTTP response timeout: an hour, the gateway's own statement limit. */
    private static final long RESPONSE_TIMEOUT_MS = 3_600_000L;

    private static final String ASOF = "SELECT COUNT(*) AS n, COUNT(p.amount) AS valued, SUM(p.amount) AS total"
            + " FROM lake.bench.spine l LEFT JOIN %s AS OF l.ts p ON p.customer_id = l.customer_id";

    /**
     * The hand-written queries are DuckDB views (asof's dialect has no {@code ASOF JOIN}; a
     * warehouse {@code CREATE VIEW} is passed through as written), read through the gateway like
     * the asof query, so both sides pay the same path.
     */
    private static final String HAND = "SELECT * FROM lake.bench.hand_asof";

    private static final String HAND_CREATED = "SELECT * FROM lake.bench.hand_asof_created";

    private static final String HAND_VIEW = "CREATE VIEW lake.bench.hand_asof AS"
            + " SELECT COUNT(*) AS n, COUNT(e.amount) AS valued, SUM(e.amount) AS total"
            + " FROM lake.bench.spine l ASOF LEFT JOIN lake.bench.events e"
            + " ON e.customer_id = l.customer_id AND l.ts >= e.event_ts";

    private static final String HAND_CREATED_VIEW = "CREATE VIEW lake.bench.hand_asof_created AS"
            + " SELECT COUNT(*) AS n, COUNT(e.amount) AS valued, SUM(e.amount) AS total"
            + " FROM lake.bench.spine l ASOF LEFT JOIN (SELECT customer_id, greatest(event_ts, created_ts) AS u, amount"
            + " FROM lake.bench.events) e ON e.customer_id = l.customer_id AND l.ts >= e.u";

    @Test
    void latestValueAgainstAsofJoin() throws Exception {
        try (DuckDbEngine engine = new DuckDbEngine(); Connection gw = connect(engine)) {
            generate(gw, EVENTS, SPINE);
            define(gw);
            StringBuilder report = new StringBuilder();
            compare(gw, report, "no created time", "bench_last", HAND, true);
            compare(gw, report, "CREATED TIME", "bench_last_created", HAND_CREATED, false);
            compare(gw, report, "no created time, TTL 7 d", "bench_last_ttl", HAND, false);
            System.out.printf(Locale.ROOT, "%nBENCH latest-value extract, %,d spine rows x %,d events, %,d keys, median of %d runs:%n%s",
                    SPINE, EVENTS, KEYS, RUNS, report);
        }
    }

    @Test
    void growthSeries() throws Exception {
        StringBuilder report = new StringBuilder();
        for (String size : GROWTH.split(",")) {
            long events = Long.parseLong(size.trim());
            long spine = events / 10;
            try (DuckDbEngine engine = new DuckDbEngine(MEMORY_LIMIT.isEmpty() ? Map.of()
                    : Map.of("memory-limit", MEMORY_LIMIT)); Connection gw = connect(engine)) {
                generate(gw, events, spine);
                define(gw);
                for (String view : List.of("bench_last", "bench_last_created")) {
                    // Peak resident memory of this JVM (gateway and the in-process DuckDB) while
                    // the query runs, not while the data was generated.
                    resetPeakResidentMemory();
                    double ms = median(gw, String.format(Locale.ROOT, ASOF, view));
                    long peakMb = peakResidentMemoryMb();
                    double hand = median(gw, view.equals("bench_last") ? HAND : HAND_CREATED);
                    String line = String.format(Locale.ROOT,
                            "  %,12d events %,11d spine  %-19s asof %8.0f ms  %6.1f ns/row (peak RSS %,d MB) | ASOF JOIN %8.0f ms  %6.1f ns/row%n",
                            events, spine, view, ms, ms * 1e6 / (events + spine), peakMb, hand,
                            hand * 1e6 / (events + spine));
                    // Printed at once: a later, larger step that fails must not lose this one.
                    System.out.print("BENCH growth" + line);
                    System.out.flush();
                    report.append(line);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nBENCH latest-value growth series (spine 10%% of events), median of %d runs, DuckDB memory limit %s:%n%s",
                RUNS, MEMORY_LIMIT.isEmpty() ? "DuckDB's default" : MEMORY_LIMIT, report);
    }

    private static void compare(Connection gw, StringBuilder report, String label, String view, String hand,
            boolean sameAnswer) throws SQLException {
        String asof = String.format(Locale.ROOT, ASOF, view);
        List<Object> a = one(gw, asof);
        List<Object> h = one(gw, hand);
        System.out.println(label + ": asof " + a + ", ASOF JOIN " + h);
        if (Boolean.getBoolean("bench.explain")) {
            try (Statement s = gw.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + asof)) {
                while (rs.next()) {
                    System.out.println("  " + rs.getString(1));
                }
            }
        }
        assertThat(a.get(0)).isEqualTo(h.get(0));
        if (sameAnswer) {
            assertThat(a.get(1)).isEqualTo(h.get(1));
            assertThat((Double) a.get(2)).isCloseTo((Double) h.get(2), org.assertj.core.data.Percentage.withPercentage(1e-7));
        }
        double ta = median(gw, asof);
        double th = median(gw, hand);
        String line = String.format(Locale.ROOT, "  %-26s asof via gateway %8.0f ms | ASOF LEFT JOIN via gateway %8.0f ms | ratio %.2fx%n",
                label, ta, th, ta / th);
        System.out.print("BENCH" + line);
        System.out.flush();
        report.append(line);
    }

    private static void generate(Connection gw, long events, long spine) throws SQLException {
        long t0 = System.nanoTime();
        exec(gw, "CREATE SCHEMA lake.bench");
        exec(gw, "CREATE TABLE lake.bench.events AS SELECT CAST(hash(i) % " + KEYS + " AS BIGINT) AS customer_id,"
                + " TIMESTAMP '2025-01-01 00:00:00' + to_microseconds(CAST(hash(i * 7 + 1) % " + SPAN_MICROS + " AS BIGINT))"
                + " AS event_ts, CAST(hash(i * 13 + 5) % 100000 AS DOUBLE) / 100 AS amount FROM range(" + events + ") t(i)");
        exec(gw, "ALTER TABLE lake.bench.events ADD COLUMN created_ts TIMESTAMP");
        exec(gw, "UPDATE lake.bench.events SET created_ts = event_ts + to_microseconds(CAST(hash(customer_id, event_ts) % "
                + MAX_DELAY_MICROS + " AS BIGINT))");
        exec(gw, "CREATE TABLE lake.bench.spine AS SELECT i AS id, CAST(hash(i + 1000000007) % " + KEYS + " AS BIGINT)"
                + " AS customer_id, TIMESTAMP '2025-01-01 00:00:00' + to_microseconds(CAST(hash(i * 3 + 11) % "
                + SPAN_MICROS + " AS BIGINT)) AS ts FROM range(" + spine + ") t(i)");
        System.out.printf(Locale.ROOT, "data: %,d events, %,d spine rows, %,d keys, generated in %.1f s%n",
                events, spine, KEYS, (System.nanoTime() - t0) / 1e9);
    }

    private static void define(Connection gw) throws SQLException {
        exec(gw, HAND_VIEW);
        exec(gw, HAND_CREATED_VIEW);
        exec(gw, "CREATE ENTITY bench_customer (customer_id BIGINT)");
        exec(gw, "CREATE SOURCE bench_events FROM TABLE lake.bench.events EVENT TIME event_ts");
        exec(gw, "CREATE SOURCE bench_events_created FROM TABLE lake.bench.events EVENT TIME event_ts CREATED TIME created_ts");
        exec(gw, "CREATE FEATURE VIEW bench_last ENTITY bench_customer FROM bench_events AS SELECT customer_id, amount");
        exec(gw, "CREATE FEATURE VIEW bench_last_created ENTITY bench_customer FROM bench_events_created"
                + " AS SELECT customer_id, amount");
        exec(gw, "CREATE FEATURE VIEW bench_last_ttl ENTITY bench_customer FROM bench_events"
                + " AS SELECT customer_id, amount TTL INTERVAL '7' DAY");
    }

    /** Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM); elsewhere a no-op. */
    private static void resetPeakResidentMemory() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux: the peak then covers the whole run
        }
    }

    /** VmHWM from /proc/self/status in MB, or -1 where there is none. */
    private static long peakResidentMemoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }

    /**
     * A connection through the asof driver whose HTTP response timeout (Avatica's default: 3 min)
     * outlasts the largest extract: an aggregate sends nothing until the whole extract is done.
     */
    private static Connection connect(DuckDbEngine engine) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("http_response_timeout", Long.toString(RESPONSE_TIMEOUT_MS));
        return DriverManager.getConnection(engine.jdbcUrl(), properties);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<Object> one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return List.of(rs.getLong(1), rs.getLong(2), rs.getDouble(3));
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
