package dev.asof.conformance.deploy;

import dev.asof.conformance.TestCredentials;
import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.connector.trino.TestingTrinoServer;
import dev.asof.gateway.registry.PostgresRegistry;
import dev.asof.gateway.registry.RegistrySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (not a test; {@code mvn -B verify -Pbench -pl conformance-tests -am
 * -Dtest=MultiGatewayLookupBench -Dsurefire.failIfNoSpecifiedTests=false}): prepared single-key
 * lookups from 16 client threads against one gateway process, then spread over two gateway
 * processes that share a PostgreSQL registry, Trino and the Aerospike test server. Prints
 * lookups/s of each and their ratio: throughput adds up when the machine has cores to spare. Also
 * prints the CPU time each run cost, per process (gateways from the OS; the client JVM, which also
 * runs the Aerospike test server), so that a machine whose cores are already full with one gateway
 * shows why: lookups per gateway CPU second stay the same with two gateways when nothing they share
 * (registry, online store) limits them.
 */
class MultiGatewayLookupBench {
    @RegisterExtension
    static final PostgresRegistry POSTGRES = new PostgresRegistry();
    private static final int THREADS = 16;
    private static final int KEYS = 10_000;
    private static final long SECONDS = 20;

    @TempDir
    Path dir;

    @Test
    void lookupsThroughOneAndTwoGateways() throws Exception {
        TestingTrinoServer trino = TestingTrinoServer.shared();
        RegistrySettings registry = POSTGRES.newDatabase();
        String table = "mg_bench_" + System.nanoTime();
        try (AerospikeTestServer aerospike = new AerospikeTestServer().start()) {
            Map<String, String> config = new HashMap<>(Map.of(
                    "asof.registry.url", registry.url().orElseThrow(), "asof.registry.user", "postgres",
                    "asof.warehouse", "trino", "asof.trino.url", trino.jdbcUrl(), "asof.trino.user", "asof-bench",
                    "asof.trino.catalog", "memory", "asof.trino.schema", "default",
                    "asof.online", "aerospike", "asof.aerospike.hosts", aerospike.seed()));
            config.putAll(Map.of("asof.jdbc.port", "0", "asof.flight.port", "0", "asof.http.port", "0",
                    "asof.admin.user", TestCredentials.USER, "asof.admin.password", TestCredentials.PASSWORD));
            try (Connection t = DriverManager.getConnection(trino.jdbcUrl(), "asof-bench", null);
                    Statement s = t.createStatement()) {
                s.execute("CREATE TABLE memory.default." + table + " AS SELECT CAST(x AS BIGINT) AS k,"
                        + " CAST(x * 10 AS BIGINT) AS v, CAST(x AS DOUBLE) / 3 AS w, TIMESTAMP '2025-01-01 00:00:00' AS e"
                        + " FROM UNNEST(sequence(1, " + KEYS + ")) AS u(x)");
            }
            try (GatewayProcess a = GatewayProcess.start("a", dir.resolve("a"), config);
                    GatewayProcess b = GatewayProcess.start("b", dir.resolve("b"), config)) {
                try (Connection c = a.connect(); Statement s = c.createStatement()) {
                    s.execute("CREATE ENTITY thing (k BIGINT)");
                    s.execute("CREATE SOURCE events FROM TABLE memory.default." + table + " EVENT TIME e");
                    s.execute("CREATE FEATURE VIEW thing_v ENTITY thing FROM events AS SELECT k, v, w ONLINE");
                    s.execute("MATERIALIZE thing_v");
                }
                Thread.sleep(1_000); // B serves the run within its poll interval
                run(List.of(a), 5); // warm-up of both JITs
                run(List.of(b), 5);
                Run one = run(List.of(a), SECONDS);
                Run two = run(List.of(a, b), SECONDS);
                int cores = Runtime.getRuntime().availableProcessors();
                System.out.printf(Locale.ROOT, "%n[bench] %d client threads, prepared single-key lookups, %d s each, %d cores,"
                        + " load %s%n", THREADS, SECONDS, cores, loadAverage());
                System.out.printf(Locale.ROOT, "[bench] %-13s %12s %16s %14s %22s %18s%n", "", "lookups/s",
                        "gateway CPU s/s", "client CPU s/s", "lookups per gateway CPU s", "machine CPU used");
                for (Run r : List.of(one, two)) {
                    System.out.printf(Locale.ROOT, "[bench] %-13s %,12.0f %16.2f %14.2f %,22.0f %17.0f%%%n",
                            r.gateways() == 1 ? "one gateway" : "two gateways", r.lookupsPerSecond(),
                            r.gatewayCpuSeconds() / r.seconds(), r.clientCpuSeconds() / r.seconds(),
                            r.lookups() / r.gatewayCpuSeconds(),
                            100 * (r.gatewayCpuSeconds() + r.clientCpuSeconds()) / (r.seconds() * cores));
                }
                System.out.printf(Locale.ROOT, "[bench] two gateways / one: %.2fx lookups/s%n",
                        two.lookupsPerSecond() / one.lookupsPerSecond());
            }
        }
    }

    /** One measured run: lookups done, wall seconds, and CPU seconds of the gateways and of the client JVM. */
    private record Run(int gateways, long lookups, double seconds, double gatewayCpuSeconds, double clientCpuSeconds) {
        double lookupsPerSecond() {
            return lookups / seconds;
        }
    }

    private static double cpuSeconds(List<GatewayProcess> gateways) {
        return gateways.stream().mapToLong(g -> g.cpuTime().toNanos()).sum() / 1e9;
    }

    private static double clientCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }

    /** {@link #THREADS} clients spread evenly over {@code gateways}, for {@code seconds}. */
    private static Run run(List<GatewayProcess> gateways, long seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        double gatewayCpu = cpuSeconds(gateways);
        double clientCpu = clientCpuSeconds();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        try {
            List<Future<Long>> counts = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                GatewayProcess g = gateways.get(i % gateways.size());
                counts.add(pool.submit(() -> {
                    long n = 0;
                    try (Connection c = g.connect();
                            PreparedStatement ps = c.prepareStatement("SELECT v, w FROM thing_v WHERE k = ?")) {
                        while (System.nanoTime() < end) {
                            ps.setLong(1, 1 + ThreadLocalRandom.current().nextInt(KEYS));
                            try (ResultSet rs = ps.executeQuery()) {
                                if (!rs.next()) {
                                    throw new IllegalStateException("no row");
                                }
                            }
                            n++;
                        }
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> f : counts) {
                total += f.get();
            }
            double wall = (System.nanoTime() - start) / 1e9;
            return new Run(gateways.size(), total, wall, cpuSeconds(gateways) - gatewayCpu, clientCpuSeconds() - clientCpu);
        } finally {
            pool.shutdownNow();
        }
    }
}
