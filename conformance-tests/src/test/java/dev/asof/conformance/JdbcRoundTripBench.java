package dev.asof.conformance;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; run with {@code mvn -B verify -Pbench -pl conformance-tests -am
 * -Dtest=JdbcRoundTripBench -Dsurefire.failIfNoSpecifiedTests=false}): the round trip of a
 * production lookup, a prepared statement executed again and again with one key, through the
 * project's JDBC driver to a gateway in this JVM, next to the same statement on DuckDB in-process.
 *
 * <p>Each client thread owns one connection and one prepared statement (as a service's pool
 * would), binds a new key per execution, reads the one row and closes the result set. Every
 * execution is timed; the table shows percentiles over all threads and executions/s over the
 * measured phase. Rows:
 * <ul>
 *   <li>the gateway through {@code jdbc:asof://} (the Avatica protocol over HTTP);
 *   <li>DuckDB direct, statement prepared once: the floor an in-process engine gives;
 *   <li>DuckDB direct, statement prepared per execution: what the gateway's warehouse path does
 *       per execute today, so the difference to the gateway row is the protocol's share.
 * </ul>
 *
 * <p>System properties: {@code bench.executions} (measured executions per row, default 50,000),
 * {@code bench.warmup} (default 20,000), {@code bench.threads} (comma-separated, default 1,16).
 */
class JdbcRoundTripBench {
    /** The cheapest statement the gateway serves that still binds a key and returns a row. */
    static final String SQL = "SELECT CAST(? AS BIGINT) AS x";

    private static final int EXECUTIONS = Integer.getInteger("bench.executions", 50_000);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 20_000);
    private static final int[] THREADS = Arrays.stream(System.getProperty("bench.threads", "1,16").split(","))
            .map(String::trim).mapToInt(Integer::parseInt).toArray();

    @Test
    void preparedLookupRoundTrip() throws Exception {
        Path dir = Files.createTempDirectory("asof-bench-");
        List<Result> results = new ArrayList<>();
        try (AsofGateway gateway = AsofGateway.start(GatewayConfig.embedded(dir))) {
            for (int threads : THREADS) {
                results.add(run("asof driver -> gateway", threads, () -> DriverManager.getConnection(gateway.jdbcUrl()),
                        true));
                results.add(run("DuckDB direct, prepared once", threads,
                        () -> DriverManager.getConnection("jdbc:duckdb:"), true));
                results.add(run("DuckDB direct, prepared per execution", threads,
                        () -> DriverManager.getConnection("jdbc:duckdb:"), false));
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf(Locale.ROOT, "%nBENCH JDBC round trip: %s, %,d measured executions per row after %,d warm-up"
                + " (%d cores, Java %s)%n", SQL, EXECUTIONS, WARMUP, Runtime.getRuntime().availableProcessors(),
                Runtime.version().feature());
        System.out.printf(Locale.ROOT, "| %-40s | %7s | %8s | %8s | %8s | %8s | %9s |%n",
                "path", "threads", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "ops/s");
        System.out.printf(Locale.ROOT, "|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(42), "-".repeat(9), "-".repeat(10),
                "-".repeat(10), "-".repeat(10), "-".repeat(10), "-".repeat(11));
        for (Result r : results) {
            System.out.println(r.row());
        }
    }

    private interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private record Result(String path, int threads, long[] sortedNanos, double opsPerSecond) {
        String row() {
            return String.format(Locale.ROOT, "| %-40s | %7d | %8.0f | %8.0f | %8.0f | %8.0f | %,9.0f |", path, threads,
                    micros(0.50), micros(0.99), micros(0.999), sortedNanos[sortedNanos.length - 1] / 1e3, opsPerSecond);
        }

        private double micros(double quantile) {
            int i = (int) Math.ceil(quantile * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, i)] / 1e3;
        }
    }

    /** Warm-up, then the measured phase, each thread on its own connection and statement. */
    private static Result run(String path, int threads, ConnectionFactory connections, boolean prepareOnce)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Connection> open = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                open.add(connections.open());
            }
            try {
                phase(pool, open, WARMUP, prepareOnce);
                long t0 = System.nanoTime();
                long[] nanos = phase(pool, open, EXECUTIONS, prepareOnce);
                double seconds = (System.nanoTime() - t0) / 1e9;
                Arrays.sort(nanos);
                Result r = new Result(path, threads, nanos, EXECUTIONS / seconds);
                System.out.println(r.row());
                return r;
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code total} executions spread over the connections; every execution's latency in ns. */
    private static long[] phase(ExecutorService pool, List<Connection> connections, int total, boolean prepareOnce)
            throws Exception {
        int threads = connections.size();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Connection c = connections.get(t);
            int count = total / threads + (t < total % threads ? 1 : 0);
            long firstKey = (long) t << 32;
            futures.add(pool.submit(() -> {
                start.await();
                return prepareOnce ? preparedOnce(c, count, firstKey) : preparedEachTime(c, count, firstKey);
            }));
        }
        start.countDown();
        long[] all = new long[total];
        int at = 0;
        for (Future<long[]> f : futures) {
            long[] part = f.get();
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static long[] preparedOnce(Connection c, int count, long firstKey) throws SQLException {
        long[] nanos = new long[count];
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            for (int i = 0; i < count; i++) {
                long key = firstKey + i;
                long t0 = System.nanoTime();
                lookup(ps, key);
                nanos[i] = System.nanoTime() - t0;
            }
        }
        return nanos;
    }

    private static long[] preparedEachTime(Connection c, int count, long firstKey) throws SQLException {
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long key = firstKey + i;
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(SQL)) {
                lookup(ps, key);
            }
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static void lookup(PreparedStatement ps, long key) throws SQLException {
        ps.setLong(1, key);
        try (ResultSet rs = ps.executeQuery()) {
            // No assertion library in the timed loop: it would allocate per execution.
            if (!rs.next()) {
                throw new AssertionError("no row for " + key);
            }
            long x = rs.getLong(1);
            if (x != key) {
                throw new AssertionError("expected " + key + " but got " + x);
            }
        }
    }
}
