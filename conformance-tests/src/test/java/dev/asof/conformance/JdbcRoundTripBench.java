package dev.asof.conformance;

import dev.asof.connector.rocksdb.RocksDbOnlineStore;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.online.OnlineServing;
import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.server.avatica.AvaticaEndpoint;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.StubWarehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; run with {@code mvn -B verify -Pbench -pl conformance-tests -am
 * -Dtest=JdbcRoundTripBench -Dsurefire.failIfNoSpecifiedTests=false}): the round trip of a
 * production lookup, a prepared statement executed again and again with one key, through the
 * project's JDBC driver to a gateway in this JVM, next to the same statement on DuckDB in-process.
 *
 * <p>Each client thread owns one connection and one prepared statement (as a service's pool
 * would), binds a new key per execution, reads the row and closes the result set. Every execution
 * is timed; the table shows percentiles over all threads and executions per second over the
 * measured phase. Paths:
 * <ul>
 *   <li><b>gateway, DuckDB</b>: a gateway on the embedded engines ({@code AsofGateway.start}); the
 *       statement runs on DuckDB, which the gateway's warehouse path prepares per execution;
 *   <li><b>gateway, in-memory warehouse</b>: the same JDBC endpoint (driver, HTTP, Avatica,
 *       {@code AsofMeta}, {@code StatementExecutor}) over a warehouse that answers from memory, so
 *       the time is the protocol's and the gateway's own; with 1 and with 20 result columns (a
 *       feature vector);
 *   <li><b>DuckDB direct</b>: DuckDB's JDBC driver in-process, statement prepared once (the floor
 *       of an in-process engine) and prepared per execution (what the gateway's DuckDB path does).
 * </ul>
 *
 * <p>System properties: {@code bench.executions} (measured executions per row, default 50,000),
 * {@code bench.warmup} (default 20,000), {@code bench.threads} (comma-separated, default 1,16).
 */
class JdbcRoundTripBench {
    /** The cheapest statement a gateway serves that still binds a key and returns a row. */
    static final String SQL = "SELECT CAST(? AS BIGINT) AS x";
    static final int WIDE_COLUMNS = 20;
    /** A feature vector: the key and 19 values derived from it, one parameter. */
    static final String WIDE_SQL = "SELECT " + IntStream.range(0, WIDE_COLUMNS)
            .mapToObj(i -> i == 0 ? "k AS f0" : "k + " + i + " AS f" + i).collect(Collectors.joining(", "))
            + " FROM (SELECT CAST(? AS BIGINT) AS k) AS t";

    private static final int EXECUTIONS = Integer.getInteger("bench.executions", 50_000);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 20_000);
    private static final int[] THREADS = Arrays.stream(System.getProperty("bench.threads", "1,16").split(","))
            .map(String::trim).mapToInt(Integer::parseInt).toArray();

    @Test
    void preparedLookupRoundTrip() throws Exception {
        Path dir = Files.createTempDirectory("asof-bench-");
        List<Result> results = new ArrayList<>();
        try (AsofGateway gateway = AsofGateway.start(TestCredentials.withAdmin(GatewayConfig.embedded(dir.resolve("gateway"))));
                Registry registry = Registry.open(Files.createDirectories(dir.resolve("memory")));
                OnlineServing online = new OnlineServing(RocksDbOnlineStore.open(dir.resolve("memory/online")), registry,
                        new MemoryWarehouse(), new DuckDbDialect(), java.time.Clock.systemUTC());
                AvaticaEndpoint memory = AvaticaEndpoint.start(new StatementExecutor(registry, new MemoryWarehouse(),
                        online), TestCredentials.authenticator(registry), "127.0.0.1", 0)) {
            String memoryUrl = TestCredentials.url("jdbc:asof://127.0.0.1:" + memory.port());
            for (int threads : THREADS) {
                results.add(run("gateway, DuckDB", threads, SQL, 1,
                        () -> DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl())), true));
                results.add(run("gateway, in-memory warehouse", threads, SQL, 1,
                        () -> DriverManager.getConnection(memoryUrl), true));
                results.add(run("gateway, in-memory warehouse, 20 columns", threads, WIDE_SQL, WIDE_COLUMNS,
                        () -> DriverManager.getConnection(memoryUrl), true));
                results.add(run("DuckDB direct, prepared once", threads, SQL, 1,
                        () -> DriverManager.getConnection("jdbc:duckdb:"), true));
                results.add(run("DuckDB direct, prepared per execution", threads, SQL, 1,
                        () -> DriverManager.getConnection("jdbc:duckdb:"), false));
            }
        } finally {
            deleteRecursively(dir);
        }
        System.out.printf(Locale.ROOT, "%nBENCH JDBC round trip: %s, %,d measured executions per row after %,d"
                + " warm-up (%d cores, Java %s)%n", SQL, EXECUTIONS, WARMUP, Runtime.getRuntime().availableProcessors(),
                Runtime.version().feature());
        System.out.printf(Locale.ROOT, "| %-42s | %7s | %8s | %8s | %8s | %8s | %9s |%n",
                "path", "threads", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "ops/s");
        System.out.printf(Locale.ROOT, "|%s|%s:|%s:|%s:|%s:|%s:|%s:|%n", "-".repeat(44), "-".repeat(8), "-".repeat(9),
                "-".repeat(9), "-".repeat(9), "-".repeat(9), "-".repeat(10));
        for (Result r : results) {
            System.out.println(r.row());
        }
    }

    private interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private record Result(String path, int threads, long[] sortedNanos, double opsPerSecond) {
        String row() {
            return String.format(Locale.ROOT, "| %-42s | %7d | %8.0f | %8.0f | %8.0f | %8.0f | %,9.0f |", path, threads,
                    micros(0.50), micros(0.99), micros(0.999), sortedNanos[sortedNanos.length - 1] / 1e3, opsPerSecond);
        }

        private double micros(double quantile) {
            int i = (int) Math.ceil(quantile * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, i)] / 1e3;
        }
    }

    /** Warm-up, then the measured phase, each thread on its own connection and statement. */
    private static Result run(String path, int threads, String sql, int columns, ConnectionFactory connections,
            boolean prepareOnce) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Connection> open = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                open.add(connections.open());
            }
            Lookup lookup = new Lookup(sql, columns, prepareOnce);
            phase(pool, open, WARMUP, lookup);
            long t0 = System.nanoTime();
            long[] nanos = phase(pool, open, EXECUTIONS, lookup);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(nanos);
            Result r = new Result(path, threads, nanos, EXECUTIONS / seconds);
            System.out.println(r.row());
            return r;
        } finally {
            for (Connection c : open) {
                c.close();
            }
            pool.shutdownNow();
        }
    }

    /** {@code total} executions spread over the connections; every execution's latency in ns. */
    private static long[] phase(ExecutorService pool, List<Connection> connections, int total, Lookup lookup)
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
                return lookup.times(c, count, firstKey);
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

    /** One timed lookup after another: column i of the row is key + i. */
    private record Lookup(String sql, int columns, boolean prepareOnce) {
        long[] times(Connection c, int count, long firstKey) throws SQLException {
            long[] nanos = new long[count];
            if (prepareOnce) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < count; i++) {
                        long t0 = System.nanoTime();
                        read(ps, firstKey + i);
                        nanos[i] = System.nanoTime() - t0;
                    }
                }
            } else {
                for (int i = 0; i < count; i++) {
                    long t0 = System.nanoTime();
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        read(ps, firstKey + i);
                    }
                    nanos[i] = System.nanoTime() - t0;
                }
            }
            return nanos;
        }

        private void read(PreparedStatement ps, long key) throws SQLException {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                // No assertion library in the timed loop: it would allocate per execution.
                if (!rs.next()) {
                    throw new AssertionError("no row for " + key);
                }
                for (int i = 0; i < columns; i++) {
                    long v = rs.getLong(i + 1);
                    if (v != key + i) {
                        throw new AssertionError("column " + (i + 1) + ": expected " + (key + i) + " but got " + v);
                    }
                }
            }
        }
    }

    /**
     * Answers every query as DuckDB would answer {@link #SQL} or {@link #WIDE_SQL}: one row, column i
     * holding key + i; the columns are told by the statement's text.
     */
    private static final class MemoryWarehouse extends StubWarehouse {
        MemoryWarehouse() {
            super("memory", new DuckDbDialect());
        }

        private static List<ColumnMetadata> columns(String sql) {
            int n = sql.contains(" AS f0") ? WIDE_COLUMNS : 1;
            String prefix = n == 1 ? "x" : "f";
            return IntStream.range(0, n)
                    .mapToObj(i -> ColumnMetadata.of(n == 1 ? prefix : prefix + i, JDBCType.BIGINT))
                    .toList();
        }

        @Override
        public List<ColumnMetadata> describeQuery(String sql) {
            return columns(sql);
        }

        @Override
        public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
            long key = ((Number) parameters.get(0)).longValue();
            return StubWarehouse.oneRow(columns(sql), index -> key + index);
        }

        @Override
        public long executeUpdate(String sql, QueryControl control) {
            return 0;
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
