package dev.asof.conformance.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.conformance.TestCredentials;
import dev.asof.gateway.GatewayConfig;
import dev.asof.spi.online.ConditionalWrite;
import dev.asof.spi.online.ForwardingOnlineStore;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; {@code mvn -B verify -Pbench -pl conformance-tests -am -Dtest=OnlineLookupBench}):
 * a prepared single-key lookup of one ONLINE view with 50 features through the project's JDBC
 * driver, on each online store, with 1 and 16 client threads; next to a direct get of the same
 * records from the same store instance in the same process. Prints p50, p99, p99.9 and lookups/s,
 * and per lookup the process CPU time (client, gateway and store threads together: what a lookup
 * costs the machine, steadier than wall time on a busy one) and the bytes allocated on the heap.
 * With {@code -Dbench.jfr=DIR}, each row's measured phase is recorded with JFR's profile settings
 * into its own file in DIR (rows numbered in print order).
 */
class OnlineLookupBench {
    static final int KEYS = 10_000;
    private static final int FEATURES = 50;
    private static final int WARMUP = 20_000;
    private static final int LOOKUPS = 60_000;
    private static final int WINDOW_KEYS = 1_000;

    @Test
    void preparedLookups() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-34s %8s %8s %9s %12s %10s %10s", "path", "p50 µs", "p99 µs", "p99.9 µs",
                "lookups/s", "CPU µs/op", "alloc B/op"));
        for (String store : System.getProperty("bench.stores", "rocksdb,aerospike (test server)").split(",")) {
            lines.addAll(bench(store));
        }
        System.out.println("\nBENCH online lookup, 1 view x 50 features, " + KEYS + " keys, " + LOOKUPS + " lookups per row:");
        lines.forEach(System.out::println);
    }

    private List<String> bench(String storeName) throws Exception {
        Path dir = Files.createTempDirectory("asof-online-bench");
        AtomicReference<OnlineStore> storeRef = new AtomicReference<>();
        List<byte[]> recordKeys = new CopyOnWriteArrayList<>();
        List<byte[]> windowKeys = new CopyOnWriteArrayList<>();
        AtomicReference<List<byte[]>> recording = new AtomicReference<>(recordKeys);
        try (AerospikeTestServer server = storeName.startsWith("aerospike") ? new AerospikeTestServer().start() : null) {
            GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir));
            if (server != null) {
                config = config.withOnlineStore("aerospike", Map.of("hosts", server.seed()));
            }
            try (AsofGateway gateway = AsofGateway.start(config, store -> {
                        storeRef.set(store);
                        return new KeyRecordingStore(store, recording);
                    });
                    Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()))) {
                setUp(c);
                assertThat(recordKeys).hasSize(KEYS);
                String sql = "SELECT * FROM bench_wide WHERE k = ?";
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + sql.replace("?", "1"))) {
                    rs.next();
                    assertThat(rs.getString(1)).startsWith("online:");
                }
                OnlineStore store = storeRef.get();
                List<String> out = new ArrayList<>();
                Result[] paired = paired(TestCredentials.url(gateway.jdbcUrl()), sql, KEYS);
                out.add(row(storeName + ": JDBC prepared, 1 thread", paired[0]));
                out.add(row(storeName + ": no-op (missing key), same conn.", paired[1]));
                out.add(row(storeName + ": JDBC prepared, 1 thread, again", jdbc(TestCredentials.url(gateway.jdbcUrl()), sql, 1, KEYS)));
                out.add(row(storeName + ": no-op only, 1 thread", missing(TestCredentials.url(gateway.jdbcUrl()), sql, 1)));
                out.add(row(storeName + ": direct store get, 1 thread", direct(store, recordKeys, 1)));
                out.add(row(storeName + ": JDBC prepared, 16 threads", jdbc(TestCredentials.url(gateway.jdbcUrl()), sql, 16, KEYS)));
                out.add(row(storeName + ": no-op only, 16 threads", missing(TestCredentials.url(gateway.jdbcUrl()), sql, 16)));
                out.add(row(storeName + ": direct store get, 16 threads", direct(store, recordKeys, 16)));

                recording.set(windowKeys);
                setUpWindows(c);
                String windowSql = "SELECT * FROM bench_spend WHERE k = ?";
                Result[] windows = paired(TestCredentials.url(gateway.jdbcUrl()), windowSql, WINDOW_KEYS);
                out.add(row(storeName + ": 30d/5min window, JDBC, 1 thread", windows[0]));
                out.add(row(storeName + ": no-op (missing key), same conn.", windows[1]));
                out.add(row(storeName + ": 30d/5min window, JDBC, again", jdbc(TestCredentials.url(gateway.jdbcUrl()), windowSql, 1,
                        WINDOW_KEYS)));
                out.add(row(storeName + ": 30d/5min window, direct get, 1 thread", direct(store, windowKeys, 1)));
                return out;
            }
        }
    }

    static void setUp(Connection c) throws Exception {
        StringBuilder columns = new StringBuilder();
        StringBuilder values = new StringBuilder();
        StringBuilder features = new StringBuilder();
        for (int i = 0; i < FEATURES; i++) {
            String type = i % 3 == 0 ? "VARCHAR" : i % 3 == 1 ? "DOUBLE" : "BIGINT";
            columns.append(", f").append(i).append(' ').append(type);
            values.append(", ").append(i % 3 == 0 ? "'v' || (i % 97)" : i % 3 == 1 ? "i * 0.5" : "i * " + i);
            features.append(", f").append(i);
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE lake.main.bench_wide_src (k BIGINT" + columns + ", e TIMESTAMP)");
            s.execute("INSERT INTO lake.main.bench_wide_src SELECT i" + values
                    + ", TIMESTAMP '2025-01-01 00:00:00' + i * INTERVAL 1 SECOND FROM range(" + KEYS + ") t(i)");
            s.execute("CREATE ENTITY bench_key (k BIGINT)");
            s.execute("CREATE SOURCE bench_wide_src FROM TABLE lake.main.bench_wide_src EVENT TIME e");
            s.execute("CREATE FEATURE VIEW bench_wide ENTITY bench_key FROM bench_wide_src AS SELECT k" + features
                    + " ONLINE");
            s.execute("MATERIALIZE bench_wide");
        }
    }

    /**
     * A windowed view with four windows up to 30 days on a 5-minute hop: 1,000 keys with an event
     * about every 50 minutes over 30 days (about 860 events and tiles per key).
     */
    private static void setUpWindows(Connection c) throws Exception {
        // Events up to now, so that lookups at now find them in their windows.
        String now = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0).toString().replace('T', ' ');
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE lake.main.bench_txn AS SELECT i % " + WINDOW_KEYS + " AS k,"
                    + " (i % 1000) * 0.25 AS amount, TIMESTAMP '" + now + "' - (i / " + WINDOW_KEYS
                    + ") * INTERVAL 50 MINUTE - (i % 7) * INTERVAL 1 MINUTE AS e FROM range(" + WINDOW_KEYS * 864 + ") t(i)");
            s.execute("CREATE SOURCE bench_txn FROM TABLE lake.main.bench_txn EVENT TIME e");
            s.execute("CREATE FEATURE VIEW bench_spend ENTITY bench_key FROM bench_txn AS SELECT k,"
                    + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h,"
                    + " SUM(amount) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS spend_1d,"
                    + " AVG(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS avg_7d,"
                    + " MAX(amount) OVER (RANGE INTERVAL '30' DAY PRECEDING) AS max_30d,"
                    + " COUNT(*) OVER (RANGE INTERVAL '30' DAY PRECEDING) AS n_30d"
                    + " HOP INTERVAL '5' MINUTE ONLINE");
            s.execute("MATERIALIZE bench_spend");
        }
    }

    /** Per-lookup latencies (ns) and throughput of the prepared statement, each thread on its own connection. */
    static Result jdbc(String url, String sql, int threads, int keys) throws Exception {
        return run(threads, () -> {
            Connection c = DriverManager.getConnection(url);
            PreparedStatement ps = c.prepareStatement(sql);
            return key -> {
                ps.setLong(1, key % keys);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no row for key " + key);
                    }
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        rs.getObject(i);
                    }
                }
            };
        });
    }

    /** As {@link #jdbc}, every lookup of a key no view holds: the protocol's and the gateway's floor alone. */
    static Result missing(String url, String sql, int threads) throws Exception {
        return run(threads, () -> {
            Connection c = DriverManager.getConnection(url);
            PreparedStatement ps = c.prepareStatement(sql);
            return key -> {
                ps.setLong(1, -1 - key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new IllegalStateException("a row for missing key " + (-1 - key));
                    }
                }
            };
        });
    }

    /**
     * One connection, one thread: each step times a lookup of a present key and then a lookup of a
     * key no view holds (same statement, same connection: the protocol's and the gateway's floor,
     * one store miss and no values), so both see the same machine.
     */
    private static Result[] paired(String url, String sql, int keys) throws Exception {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(sql)) {
            long[][] nanos = new long[2][];
            Usage usage = null;
            Profile profile = null;
            for (int phase = 0; phase < 2; phase++) {
                if (phase == 1) {
                    profile = Profile.start("paired");
                }
                usage = Usage.now();
                int n = phase == 0 ? WARMUP / 2 : LOOKUPS / 2;
                nanos[0] = new long[n];
                nanos[1] = new long[n];
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    ps.setLong(1, random.nextInt(keys));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("no row");
                        }
                        for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                            rs.getObject(col);
                        }
                    }
                    long t1 = System.nanoTime();
                    ps.setLong(1, keys + 1_000_000L + i);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            throw new IllegalStateException("a row for a missing key");
                        }
                    }
                    long t2 = System.nanoTime();
                    nanos[0][i] = t1 - t0;
                    nanos[1][i] = t2 - t1;
                }
            }
            // CPU and allocation of the measured phase, per pair (a lookup and a no-op): the no-op
            // alone is measured by `missing`.
            Usage used = Usage.now().minus(usage, LOOKUPS / 2);
            profile.stop();
            Result[] out = new Result[2];
            for (int k = 0; k < 2; k++) {
                // Lookups per second of this kind alone: its count over the time spent in it.
                double seconds = Arrays.stream(nanos[k]).sum() / 1e9;
                Arrays.sort(nanos[k]);
                out[k] = new Result(nanos[k], nanos[k].length / seconds, k == 0 ? used : null);
            }
            return out;
        }
    }

    private static Result direct(OnlineStore store, List<byte[]> keys, int threads) throws Exception {
        return run(threads, () -> key -> {
            if (store.getAll(List.of(keys.get((int) (key % keys.size())))).get(0) == null) {
                throw new IllegalStateException("no record");
            }
        });
    }

    interface Lookup {
        void lookup(long key) throws Exception;
    }

    interface LookupFactory {
        Lookup open() throws Exception;
    }

    /**
     * @param usage process CPU time and heap allocation per lookup in the measured phase; null when
     *     not measured alone (the no-op of a pair: the pair's row carries both)
     */
    record Result(long[] nanos, double perSecond, Usage usage) {}

    /** A JFR recording of one measured phase, when {@code bench.jfr} names a directory; else nothing. */
    private static final class Profile {
        private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();
        private final jdk.jfr.Recording recording;
        private final Path file;

        private Profile(jdk.jfr.Recording recording, Path file) {
            this.recording = recording;
            this.file = file;
        }

        static Profile start(String name) throws Exception {
            String dir = System.getProperty("bench.jfr");
            if (dir == null) {
                return new Profile(null, null);
            }
            jdk.jfr.Recording r = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            // A phase lasts seconds: the profile's 10 ms between execution samples would give a few
            // hundred samples of it.
            r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
            r.start();
            return new Profile(r, Path.of(dir, String.format(Locale.ROOT, "%02d-%s.jfr", NEXT.incrementAndGet(), name)));
        }

        void stop() throws Exception {
            if (recording != null) {
                recording.stop();
                Files.createDirectories(file.getParent());
                recording.dump(file);
                recording.close();
            }
        }
    }

    /** Process CPU time (all threads) and bytes allocated on the heap (all threads) at one moment, or per lookup. */
    record Usage(double cpuNanos, double allocatedBytes) {
        static Usage now() {
            return new Usage(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime(),
                    ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes());
        }

        /** What was used since {@code start}, per each of {@code n} operations. */
        Usage minus(Usage start, int n) {
            return new Usage((cpuNanos - start.cpuNanos) / n, (allocatedBytes - start.allocatedBytes) / n);
        }
    }

    static Result run(int threads, LookupFactory factory) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Lookup> lookups = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                lookups.add(factory.open());
            }
            measure(pool, lookups, WARMUP);
            Profile profile = Profile.start(threads + "-threads");
            Usage usage = Usage.now();
            long t0 = System.nanoTime();
            long[] nanos = measure(pool, lookups, LOOKUPS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Usage used = Usage.now().minus(usage, LOOKUPS);
            profile.stop();
            return new Result(nanos, LOOKUPS / seconds, used);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long[] measure(ExecutorService pool, List<Lookup> lookups, int total) throws Exception {
        int per = total / lookups.size();
        List<Future<long[]>> futures = new ArrayList<>();
        for (Lookup lookup : lookups) {
            futures.add(pool.submit(() -> {
                long[] out = new long[per];
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < per; i++) {
                    long key = random.nextInt(KEYS);
                    long start = System.nanoTime();
                    lookup.lookup(key);
                    out[i] = System.nanoTime() - start;
                }
                return out;
            }));
        }
        long[] all = new long[per * lookups.size()];
        int at = 0;
        for (Future<long[]> f : futures) {
            long[] part = f.get();
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        Arrays.sort(all);
        return all;
    }

    /** One row of the table, printed at once too (a run that dies later keeps what it measured). */
    private static String row(String name, Result r) {
        String row = String.format(Locale.ROOT, "%-34s %8.0f %8.0f %9.0f %12.0f %10s %10s", name, pct(r.nanos, 0.50) / 1e3,
                pct(r.nanos, 0.99) / 1e3, pct(r.nanos, 0.999) / 1e3, r.perSecond,
                r.usage == null ? "(pair)" : String.format(Locale.ROOT, "%.1f", r.usage.cpuNanos / 1e3),
                r.usage == null ? "(pair)" : String.format(Locale.ROOT, "%.0f", r.usage.allocatedBytes));
        System.out.println("BENCH row: " + row);
        System.out.flush();
        return row;
    }

    static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** Passes calls through, remembering the keys materialization writes (the direct gets read them). */
    private static final class KeyRecordingStore extends ForwardingOnlineStore {
        private final AtomicReference<List<byte[]>> keys;

        KeyRecordingStore(OnlineStore store, AtomicReference<List<byte[]>> keys) {
            super(store);
            this.keys = keys;
        }

        @Override
        public void putAll(List<OnlineRecord> records) {
            super.putAll(records);
            records.forEach(r -> keys.get().add(r.key()));
        }

        @Override
        public boolean[] putAllIfUnchanged(List<ConditionalWrite> writes) {
            boolean[] written = super.putAllIfUnchanged(writes);
            for (int i = 0; i < written.length; i++) {
                if (written[i]) {
                    keys.get().add(writes.get(i).record().key());
                }
            }
            return written;
        }
    }
}
