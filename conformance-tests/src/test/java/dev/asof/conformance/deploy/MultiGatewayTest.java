package dev.asof.conformance.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.conformance.TestCredentials;
import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.connector.trino.TestingTrinoServer;
import dev.asof.gateway.registry.PostgresRegistry;
import dev.asof.gateway.registry.RegistrySettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several gateway processes on one PostgreSQL registry, one Trino warehouse and one online store
 * (the Aerospike test server), as deployed behind a load balancer: what is defined, granted or
 * materialized through one gateway is in force on the others within a second; a gateway killed
 * mid-run leaves the previous run served everywhere, and another gateway can run the view again
 * once the dead one's lease lapsed; DDL from all gateways at once leaves a consistent registry;
 * rows pushed through several gateways reach Trino exactly once and are served by every gateway.
 */
class MultiGatewayTest {
    @RegisterExtension
    static final PostgresRegistry POSTGRES = new PostgresRegistry();
    private static final Duration LEASE = Duration.ofSeconds(8);
    private static final Duration IN_FORCE = Duration.ofSeconds(1);
    /** A run that applies every change since before the test's data. */
    private static final String RERUN = "MATERIALIZE thing_v FROM TIMESTAMP '2025-01-01 12:00:00'";
    private static final AtomicLong TABLES = new AtomicLong(System.nanoTime() % 1_000_000);

    @TempDir
    Path dir;
    private AerospikeTestServer aerospike;
    private TestingTrinoServer trino;
    private Map<String, String> config;
    private final List<GatewayProcess> gateways = new ArrayList<>();
    private String table;

    @BeforeEach
    void setUp() {
        trino = TestingTrinoServer.shared();
        aerospike = new AerospikeTestServer().start();
        RegistrySettings registry = POSTGRES.newDatabase();
        config = new HashMap<>();
        config.put("asof.registry.url", registry.url().orElseThrow());
        config.put("asof.registry.user", registry.user().orElseThrow());
        config.put("asof.registry.lease", LEASE.toSeconds() + "s");
        config.put("asof.registry.poll-interval", "200ms");
        config.put("asof.warehouse", "trino");
        config.put("asof.trino.url", trino.jdbcUrl());
        config.put("asof.trino.user", "asof-multi-gateway");
        config.put("asof.trino.catalog", "memory");
        config.put("asof.trino.schema", "default");
        config.put("asof.online", "aerospike");
        config.put("asof.aerospike.hosts", aerospike.seed());
        config.put("asof.jdbc.port", "0");
        config.put("asof.flight.port", "0");
        config.put("asof.http.port", "0");
        config.put("asof.admin.user", TestCredentials.USER);
        config.put("asof.admin.password", TestCredentials.PASSWORD);
        table = "mg_events_" + TABLES.incrementAndGet();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (GatewayProcess g : gateways) {
            g.close();
        }
        aerospike.close();
    }

    private GatewayProcess start(String name) throws Exception {
        GatewayProcess g = GatewayProcess.start(name, dir.resolve(name), config);
        gateways.add(g);
        return g;
    }

    /** Statements straight to Trino, as a pipeline writing the warehouse would. */
    private void trino(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(trino.jdbcUrl(), "asof-multi-gateway", null);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void defineView(GatewayProcess on) throws Exception {
        trino("CREATE TABLE memory.default." + table + " (k BIGINT, v BIGINT, e TIMESTAMP(6))");
        trino("INSERT INTO memory.default." + table + " VALUES (1, 10, TIMESTAMP '2025-01-01 00:00:00'),"
                + " (2, 20, TIMESTAMP '2025-01-01 00:00:00')");
        try (Connection c = on.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ENTITY thing (k BIGINT)");
            s.execute("CREATE SOURCE events FROM TABLE memory.default." + table + " EVENT TIME e");
            s.execute("CREATE FEATURE VIEW thing_v ENTITY thing FROM events AS SELECT k, v ONLINE");
        }
    }

    /** The value a lookup of key {@code k} on {@code on} returns; empty when there is no row. */
    private static Optional<Long> lookup(Connection c, long k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM thing_v WHERE k = ?")) {
            ps.setLong(1, k);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    @Test
    void definitionsGrantsAndRunsMadeOnOneGatewayAreInForceOnTheOthersWithinASecond() throws Exception {
        GatewayProcess a = start("a");
        GatewayProcess b = start("b");
        defineView(a);
        long defined = System.nanoTime();
        try (Connection onB = b.connect()) {
            awaitWithin(IN_FORCE, defined, () -> names(onB, "SHOW FEATURE VIEWS").contains("thing_v"));
            // Not materialized yet: B answers from the warehouse, as of now.
            assertThat(lookup(onB, 1)).contains(10L);

            try (Connection onA = a.connect(); Statement s = onA.createStatement()) {
                s.execute("MATERIALIZE thing_v");
            }
            long materialized = System.nanoTime();
            // A newer value reaches the warehouse after the run: served online, B keeps the run's value.
            trino("INSERT INTO memory.default." + table + " VALUES (1, 11, TIMESTAMP '2025-01-02 00:00:00')");
            awaitWithin(IN_FORCE, materialized, () -> runsServed(onB) == 1);
            assertThat(lookup(onB, 1)).contains(10L);
            assertThat(lookup(onB, 2)).contains(20L);

            // A user and a grant made on A let bob in on B; a revoke on A shuts him out on B.
            try (Connection onA = a.connect(); Statement s = onA.createStatement()) {
                s.execute("CREATE USER bob PASSWORD 'bob-password-1'");
                s.execute("GRANT SELECT ON FEATURE VIEW thing_v TO bob");
            }
            long granted = System.nanoTime();
            awaitWithin(IN_FORCE, granted, () -> {
                try (Connection bob = bob(b)) {
                    return lookup(bob, 2).equals(Optional.of(20L));
                } catch (SQLException e) {
                    return false;
                }
            });
            try (Connection onA = a.connect(); Statement s = onA.createStatement()) {
                s.execute("REVOKE SELECT ON FEATURE VIEW thing_v FROM bob");
            }
            long revoked = System.nanoTime();
            awaitWithin(IN_FORCE, revoked, () -> {
                try (Connection bob = bob(b)) {
                    lookup(bob, 2);
                    return false;
                } catch (SQLException e) {
                    return "42501".equals(e.getSQLState());
                }
            });
        }
    }

    @Test
    void aGatewayKilledMidRunLeavesThePreviousRunServedAndAnotherGatewayCanRunAgain() throws Exception {
        GatewayProcess a = start("a");
        GatewayProcess b = start("b");
        defineView(a);
        try (Connection onA = a.connect(); Statement s = onA.createStatement()) {
            s.execute("MATERIALIZE thing_v");
        }
        // Enough changes that the next run takes a while: 200,000 new keys and a new value for key 1.
        // Their event times are long past (no CREATED TIME), so the runs name where changes start.
        trino("INSERT INTO memory.default." + table + " SELECT x, x * 10, TIMESTAMP '2025-01-03 00:00:00'"
                + " FROM (SELECT 3 + i * 1000 + j AS x FROM UNNEST(sequence(0, 199)) AS a(i)"
                + " CROSS JOIN UNNEST(sequence(0, 999)) AS b(j))");
        trino("INSERT INTO memory.default." + table + " VALUES (1, 11, TIMESTAMP '2025-01-03 00:00:00')");

        CompletableFuture<String> doomed = CompletableFuture.supplyAsync(() -> {
            try (Connection onA = a.connect(); Statement s = onA.createStatement()) {
                s.execute(RERUN);
                return "completed";
            } catch (SQLException e) {
                return e.getMessage(); // A dies under it
            }
        });
        try (Connection onB = b.connect()) {
            awaitWithin(Duration.ofSeconds(120), System.nanoTime(), () -> {
                assertThat(doomed.isDone()).as("run 2 on A ended before it was seen running: %s",
                        doomed.getNow("")).isFalse();
                return runStatus(onB, 2).equals("RUNNING");
            });
            a.kill();
            doomed.get(60, TimeUnit.SECONDS);
            assertThat(runStatus(onB, 2)).as("run 2 was cut off, not completed").isEqualTo("RUNNING");

            // B serves run 1, whatever run 2 had written before A died.
            assertThat(lookup(onB, 1)).contains(10L);
            assertThat(lookup(onB, 150_000)).isEmpty();
            // A's lease is still live: B may not run the view yet.
            assertThatThrownBy(() -> {
                try (Statement s = onB.createStatement()) {
                    s.execute(RERUN);
                }
            }).isInstanceOf(SQLException.class).hasMessageContaining("already running");

            // Once the lease lapsed, B runs it: run 2 is failed, run 3 served.
            Thread.sleep(LEASE.toMillis() + 1_000);
            try (Statement s = onB.createStatement()) {
                s.execute(RERUN);
            }
            assertThat(runStatus(onB, 2)).isEqualTo("FAILED");
            assertThat(runStatus(onB, 3)).isEqualTo("COMPLETE");
            assertThat(lookup(onB, 1)).contains(11L);
            assertThat(lookup(onB, 150_000)).contains(1_500_000L);
        }
        // A gateway started afterwards serves the same run.
        GatewayProcess c = start("c");
        try (Connection onC = c.connect()) {
            assertThat(runsServed(onC)).isEqualTo(3);
            assertThat(lookup(onC, 1)).contains(11L);
        }
    }

    @Test
    void ddlFromEveryGatewayAtOnceLeavesOneConsistentRegistry() throws Exception {
        List<GatewayProcess> all = List.of(start("a"), start("b"), start("c"));
        ExecutorService pool = Executors.newFixedThreadPool(all.size());
        CyclicBarrier createsDone = new CyclicBarrier(all.size());
        try {
            List<Future<Integer>> created = new ArrayList<>();
            for (GatewayProcess g : all) {
                created.add(pool.submit(() -> {
                    int mine = 0;
                    try (Connection c = g.connect(); Statement s = c.createStatement()) {
                        for (int i = 0; i < 15; i++) {
                            // Every gateway races for the same names; exactly one create of each wins.
                            try {
                                s.execute("CREATE ENTITY e" + i + " (k BIGINT)");
                                mine++;
                            } catch (SQLException e) {
                                assertThat(e.getMessage()).contains("already exists");
                            }
                        }
                        // Then every gateway drops the same names at once.
                        createsDone.await(300, TimeUnit.SECONDS);
                        for (int i = 0; i < 15; i += 3) {
                            s.execute("DROP ENTITY IF EXISTS e" + i);
                        }
                    }
                    return mine;
                }));
            }
            int wins = 0;
            for (Future<Integer> f : created) {
                wins += f.get(300, TimeUnit.SECONDS);
            }
            assertThat(wins).isEqualTo(15);
        } finally {
            pool.shutdownNow();
        }
        TreeSet<String> expected = new TreeSet<>();
        for (int i = 0; i < 15; i++) {
            if (i % 3 != 0) {
                expected.add("e" + i);
            }
        }
        for (GatewayProcess g : all) {
            try (Connection c = g.connect()) {
                awaitWithin(IN_FORCE, System.nanoTime(), () -> new TreeSet<>(names(c, "SHOW ENTITIES")).equals(expected));
            }
        }
    }

    /**
     * Push ingestion through two gateways at once, one of them killed mid-stream and restarted on
     * its data directory: every acknowledged row is in Trino exactly once (each gateway's log
     * numbers its rows in a range of its own, so neither skips nor repeats rows because of the
     * other's), and a third gateway's lookups return each key's latest pushed value.
     */
    @Test
    void rowsPushedThroughSeveralGatewaysReachTrinoExactlyOnceAndAnyGatewayServesTheLatest() throws Exception {
        String pushSchema = "mg_push_" + TABLES.incrementAndGet();
        config.put("asof.trino.push-schema", "memory." + pushSchema);
        GatewayProcess a = start("a");
        GatewayProcess b = start("b");
        GatewayProcess c = start("c");
        try (Connection onA = a.connect(); Statement s = onA.createStatement()) {
            s.execute("CREATE ENTITY thing (k BIGINT)");
            // Idempotency keys are per gateway: a client resending a batch after its gateway died
            // sends it to the same gateway again, which knows the keys of what it logged before.
            s.execute("CREATE SOURCE readings (k BIGINT, v BIGINT, e TIMESTAMP) EVENT TIME e PUSH IDEMPOTENCY KEY v");
            s.execute("CREATE FEATURE VIEW reading_v ENTITY thing FROM readings AS SELECT k, v ONLINE");
        }
        long defined = System.nanoTime();
        for (GatewayProcess g : List.of(b, c)) {
            try (Connection on = g.connect()) {
                awaitWithin(IN_FORCE, defined, () -> names(on, "SHOW SOURCES").contains("readings"));
            }
        }

        // Two clients push batches of rows for the same keys, one through A and one through B; each
        // row has a value v unique over both and an event time growing with v, so a key's latest row
        // is its greatest v. B is killed mid-stream and restarted; its client reconnects and goes on.
        int keys = 20;
        int batches = 60;
        int rowsPerBatch = 50;
        java.util.Set<Long> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch halfway = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<GatewayProcess> bNow = new java.util.concurrent.atomic.AtomicReference<>(b);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> throughA = clients.submit(() -> pushBatches(() -> a, 0, batches, rowsPerBatch, keys, acknowledged, null));
            Future<Integer> throughB = clients.submit(() -> pushBatches(bNow::get, 1, batches, rowsPerBatch, keys, acknowledged, halfway));
            assertThat(halfway.await(300, TimeUnit.SECONDS)).isTrue();
            b.kill();
            gateways.remove(b);
            bNow.set(start("b"));
            assertThat(throughA.get(600, TimeUnit.SECONDS)).isZero();
            assertThat(throughB.get(600, TimeUnit.SECONDS)).as("batches refused while B was down").isPositive();
        } finally {
            clients.shutdownNow();
        }
        assertThat(acknowledged).hasSize(2 * batches * rowsPerBatch);

        // Every acknowledged row reaches Trino, and no row is there twice (not even those of the
        // batch B died under, logged before the kill and sent again after it).
        String pushed = "memory." + pushSchema + ".readings";
        awaitWithin(Duration.ofSeconds(120), System.nanoTime(),
                () -> trinoLongs("SELECT count(*) FROM " + pushed).get(0) >= acknowledged.size());
        List<Long> all = trinoLongs("SELECT v FROM " + pushed);
        assertThat(new TreeSet<>(all)).isEqualTo(new TreeSet<>(acknowledged));
        assertThat(all).as("rows stored twice").hasSize(acknowledged.size());
        assertThat(trinoLongs("SELECT count(*) FROM " + pushed + " GROUP BY _seq HAVING count(*) > 1")).isEmpty();

        // C serves each key's latest value: the greatest v stored for it.
        Map<Long, Long> latest = new HashMap<>();
        for (long v : all) {
            latest.merge((v / 2) % keys, v, Math::max);
        }
        try (Connection onC = c.connect()) {
            awaitWithin(Duration.ofSeconds(60), System.nanoTime(), () -> {
                for (Map.Entry<Long, Long> e : latest.entrySet()) {
                    try (PreparedStatement ps = onC.prepareStatement("SELECT v FROM reading_v WHERE k = ?")) {
                        ps.setLong(1, e.getKey());
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next() || rs.getLong(1) != e.getValue()) {
                                return false;
                            }
                        }
                    }
                }
                return true;
            });
        }
    }

    private interface GatewaySupplier {
        GatewayProcess get();
    }

    /**
     * Pushes {@code batches} batches through the gateway {@code to} names at the time, as
     * {@code executeBatch} of prepared INSERTs; a batch whose statement failed (its gateway died)
     * is not acknowledged and is sent again to the gateway named then. Row values: client
     * {@code client}'s j-th row has v = 2j + client (unique over both clients), key j mod keys (both
     * clients push every key),
     * event time 2025-01-01 plus v seconds. Counts down {@code halfway} after half the batches.
     *
     * @return how many batch attempts failed
     */
    private static int pushBatches(GatewaySupplier to, int client, int batches, int rowsPerBatch, int keys,
            java.util.Set<Long> acknowledged, java.util.concurrent.CountDownLatch halfway) throws Exception {
        int failures = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(500).toNanos();
        for (int batch = 0; batch < batches; batch++) {
            if (halfway != null && batch == batches / 2) {
                halfway.countDown();
            }
            List<Long> values = new ArrayList<>();
            for (int r = 0; r < rowsPerBatch; r++) {
                values.add(2L * ((long) batch * rowsPerBatch + r) + client);
            }
            while (true) {
                assertThat(System.nanoTime()).as("batch %s of client %s acknowledged in time", batch, client).isLessThan(deadline);
                try (Connection c = to.get().connect();
                        PreparedStatement ps = c.prepareStatement("INSERT INTO readings VALUES (?, ?, ?)")) {
                    for (long v : values) {
                        ps.setLong(1, (v / 2) % keys);
                        ps.setLong(2, v);
                        ps.setTimestamp(3, java.sql.Timestamp.valueOf(java.time.LocalDateTime.of(2025, 1, 1, 0, 0).plusSeconds(v)));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    acknowledged.addAll(values);
                    break;
                } catch (SQLException | RuntimeException e) {
                    failures++; // the gateway went away: not acknowledged; send it again
                    Thread.sleep(200);
                }
            }
        }
        return failures;
    }

    private List<Long> trinoLongs(String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(trino.jdbcUrl(), "asof-multi-gateway", null);
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private Connection bob(GatewayProcess g) throws SQLException {
        String url = g.jdbcUrl();
        return DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "user=bob&password="
                + URLEncoder.encode("bob-password-1", StandardCharsets.UTF_8));
    }

    private static List<String> names(Connection c, String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return names;
    }

    private static long runsServed(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT served_run_id FROM sys.online_views WHERE view_name = 'thing_v'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String runStatus(Connection c, long runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM sys.materializations"
                + " WHERE view_name = 'thing_v' AND run_id = ?")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Waits until {@code check} holds, and fails if that took longer than {@code limit} after {@code since}. */
    private static void awaitWithin(Duration limit, long since, Check check) throws Exception {
        long deadline = since + limit.toNanos();
        while (!check.holds()) {
            assertThat(System.nanoTime()).as("in force within %s", limit).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
