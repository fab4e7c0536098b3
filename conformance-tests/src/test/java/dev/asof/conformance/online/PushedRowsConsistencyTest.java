package dev.asof.conformance.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.conformance.SettableClock;
import dev.asof.conformance.TestCredentials;
import dev.asof.conformance.trino.TrinoEngine;
import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Semantics 5 for pushed rows, through the real push path: random rows (late event times, event
 * times equal to earlier ones, rows re-pushed with the same idempotency key (acknowledged, not
 * stored), equal rows under new keys (stored twice), rows with an event time still to come, new
 * keys) go into a push source with JDBC {@code INSERT} / {@code executeBatch} while the clock
 * moves, and while another connection looks keys up all along. Every lookup that ran at a time T
 * where all rows created by T had been applied online equals the warehouse's {@code AS OF T} over
 * the same rows, compared once those rows are in the warehouse (which the push path fills in the
 * background): the lookups running concurrently with the pushes, and, after each batch is applied,
 * every key of every view. Views: a latest value with a TTL and windowed aggregates. Along the
 * way: a view created while rows flow, a MATERIALIZE of a push view (a rebuild: nothing counted
 * twice), and a gateway restart (rebuilt from the warehouse, then pushes again). On DuckDB and
 * Trino, RocksDB and the Aerospike test server.
 *
 * <p>Which concurrent lookups are exact: a lookup reads the gateway's clock, which only this test
 * moves. The test publishes what it is about to do as an {@link Epoch} before it does it: the
 * clock value it moves to and the rows it pushes make some keys' online values lag until the
 * applier has them (the keys of the pushed rows, and keys with a row held for an event time the
 * clock now passes). A lookup is compared when the epoch and the clock were the same before and
 * after it and its key is not among those, or when the epoch is a quiet one (everything
 * acknowledged is applied and nothing moves). Others are counted, not compared.
 */
class PushedRowsConsistencyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final int ROUNDS = 36;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({"duckdb, rocksdb", "duckdb, aerospike", "trino, rocksdb", "trino, aerospike"})
    void lookupsEqualTheWarehouseAsOfTheirTime(String warehouse, String store) throws Exception {
        SettableClock clock = new SettableClock(T0.minusSeconds(600));
        Path dir = Files.createTempDirectory("asof-push-consistency");
        GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir)).withClock(clock);
        if (warehouse.equals("trino")) {
            config = TrinoEngine.warehouse(config, TrinoEngine.uniquePushSchema());
        }
        Random random = new Random(20261205L);
        History history = new History();
        try (AerospikeTestServer server = store.equals("aerospike") ? new AerospikeTestServer().start() : null) {
            if (server != null) {
                config = config.withOnlineStore("aerospike", Map.of("hosts", server.seed()));
            }
            int compared = 0;
            LookupCounts counts = new LookupCounts(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
            AsofGateway gateway = AsofGateway.start(config);
            Run run = null;
            try {
                Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE ENTITY usr (user_id BIGINT)");
                    s.execute("CREATE SOURCE clicks (event_id BIGINT, user_id BIGINT, ts TIMESTAMP, amount DOUBLE,"
                            + " merchant VARCHAR) EVENT TIME ts PUSH IDEMPOTENCY KEY event_id");
                }
                // Rows pushed before any view exists: the rebuild's part.
                push(c, history, history.rows(random, clock.instant(), 150), clock.instant());
                assertThat(gateway.push().awaitAppended(WAIT.toMillis())).isTrue();
                clock.set(T0);
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE FEATURE VIEW last_click ENTITY usr FROM clicks AS SELECT user_id, amount, merchant"
                            + " TTL INTERVAL '1' HOUR ONLINE");
                    s.execute("CREATE FEATURE VIEW click_windows ENTITY usr FROM clicks AS SELECT user_id,"
                            + " COUNT(*) OVER (RANGE INTERVAL '30' MINUTE PRECEDING) AS n_30m,"
                            + " COUNT(amount) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS na_1h,"
                            + " SUM(amount) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS sum_1h,"
                            + " AVG(amount) OVER (RANGE INTERVAL '3' HOUR PRECEDING) AS avg_3h,"
                            + " MAX(merchant) OVER (RANGE INTERVAL '3' HOUR PRECEDING) AS max_m_3h,"
                            + " LAST(merchant) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS last_m_1h"
                            + " HOP INTERVAL '5' MINUTE ONLINE");
                }
                assertLive(c, "last_click");
                assertLive(c, "click_windows");
                awaitApplied(gateway);
                List<String> views = new CopyOnWriteArrayList<>(List.of("last_click", "click_windows"));
                Offline offline = new Offline();
                run = new Run(gateway.jdbcUrl(), clock, views, counts);
                run.quiet(history.maxKey());
                for (int round = 0; round < ROUNDS; round++) {
                    Instant next = clock.instant().plusSeconds(random.nextInt(6) == 0 ? 0 : 1 + random.nextInt(240));
                    List<Object[]> rows = history.rows(random, next, 1 + random.nextInt(25));
                    run.begin(history.lagging(rows, clock.instant(), next), history.maxKey());
                    run.compareRecorded(c, offline);
                    clock.set(next);
                    run.awaitExactLookup();
                    push(c, history, rows, next);
                    run.awaitExactLookup(); // one more after the acknowledgement, while the rows are applied
                    awaitApplied(gateway);
                    assertThat(gateway.push().awaitAppended(WAIT.toMillis())).isTrue();
                    run.quiet(history.maxKey());
                    for (String view : views) {
                        compared += compareAll(c, offline, view, clock.instant());
                    }
                    if (round == 8) {
                        // A view created while rows are pushed: built from the warehouse, then kept.
                        run.begin(null, history.maxKey());
                        clock.set(clock.instant().plusSeconds(1));
                        try (Statement s = c.createStatement()) {
                            s.execute("CREATE FEATURE VIEW click_amount ENTITY usr FROM clicks AS SELECT user_id, amount ONLINE");
                        }
                        assertLive(c, "click_amount");
                        awaitApplied(gateway);
                        views.add("click_amount");
                        run.quiet(history.maxKey());
                    }
                    if (round == 14) {
                        // MATERIALIZE of a push view rebuilds it; nothing is counted twice.
                        run.begin(null, history.maxKey());
                        clock.set(clock.instant().plusSeconds(1));
                        try (Statement s = c.createStatement()) {
                            s.execute("MATERIALIZE click_windows");
                            assertThatThrownBy(() -> s.execute("MATERIALIZE click_windows TO TIMESTAMP '2030-01-01 00:00:00'"))
                                    .hasMessageContaining("kept up to date from pushed rows");
                        }
                        awaitApplied(gateway);
                        run.quiet(history.maxKey());
                    }
                    if (round == 24) {
                        // Rows held for their event time come back from the warehouse after the restart,
                        // where the push source's views are rebuilt and kept again without being asked.
                        run.begin(null, history.maxKey());
                        run.compareRecorded(c, offline);
                        run.close();
                        run = null;
                        c.close();
                        gateway.close();
                        clock.set(clock.instant().plusSeconds(30));
                        gateway = AsofGateway.start(config);
                        c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
                        for (String view : views) {
                            assertLive(c, view);
                        }
                        awaitApplied(gateway);
                        run = new Run(gateway.jdbcUrl(), clock, views, counts);
                        run.quiet(history.maxKey());
                    }
                }
                // Windows move and TTLs expire with time alone.
                for (int minutes : new int[] {7, 45, 200}) {
                    Instant next = clock.instant().plusSeconds(60L * minutes);
                    run.begin(history.lagging(List.of(), clock.instant(), next), history.maxKey());
                    run.compareRecorded(c, offline);
                    clock.set(next);
                    run.awaitExactLookup();
                    awaitApplied(gateway);
                    run.quiet(history.maxKey());
                    for (String view : views) {
                        compared += compareAll(c, offline, view, clock.instant());
                    }
                }
                run.begin(null, history.maxKey());
                run.compareRecorded(c, offline);
                assertPushColumns(c, history.lastCreated(), clock.instant());
                c.close();
            } finally {
                if (run != null) {
                    run.close();
                }
                gateway.close();
            }
            assertThat(compared).as("keys with values over all views and times").isGreaterThan(ROUNDS * 20);
            // Each epoch with pushes had an exact concurrent lookup before and after its rows were acknowledged.
            assertThat(counts.whileMoving().get()).as("concurrent lookups compared while rows were pushed or the"
                    + " clock moved (of " + counts.compared() + " compared, " + counts.skipped() + " not exact)")
                    .isGreaterThanOrEqualTo(2 * ROUNDS);
        }
    }

    /**
     * Pushes {@code rows} in one JDBC batch of a prepared INSERT; each row counts 1, or 0 when its
     * idempotency key was accepted before (first arrival wins, in the batch too).
     */
    private static void push(Connection c, History history, List<Object[]> rows, Instant created) throws SQLException {
        int[] expected = history.accept(rows, created);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO clicks VALUES (?, ?, ?, ?, ?)")) {
            for (Object[] r : rows) {
                ps.setLong(1, (Long) r[0]);
                ps.setLong(2, (Long) r[1]);
                ps.setObject(3, r[2]);
                if (r[3] == null) {
                    ps.setNull(4, Types.DOUBLE);
                } else {
                    ps.setDouble(4, (Double) r[3]);
                }
                if (r[4] == null) {
                    ps.setNull(5, Types.VARCHAR);
                } else {
                    ps.setString(5, (String) r[4]);
                }
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).as("rows stored (0: idempotency key seen before)").containsExactly(expected);
        }
    }

    /**
     * What the test is doing, published before it does it.
     *
     * @param quiet everything acknowledged is applied online and nothing moves: every lookup is exact
     * @param lagging keys whose online value may lag while this epoch lasts (null: every key)
     * @param maxKey the greatest key pushed so far
     */
    private record Epoch(long id, boolean quiet, Set<Long> lagging, int maxKey, AtomicInteger exact) {
        boolean exact(long key) {
            return quiet || (lagging != null && !lagging.contains(key));
        }
    }

    /** Concurrent lookups: compared, of which in epochs where things moved, and not exact (not compared). */
    private record LookupCounts(AtomicInteger compared, AtomicInteger whileMoving, AtomicInteger skipped) {}

    /** One lookup the lookup thread found exact: its view, key, time and answer. */
    private record Lookup(String view, long key, Instant at, List<List<Object>> rows, boolean moving) {}

    /** The lookup thread: looks up random keys of random views on a connection of its own, all along. */
    private static final class Run implements AutoCloseable {
        private final SettableClock clock;
        private final LookupCounts counts;
        private final List<String> views;
        private final Connection connection;
        private final AtomicReference<Epoch> epoch = new AtomicReference<>();
        private final ConcurrentLinkedQueue<Lookup> recorded = new ConcurrentLinkedQueue<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;
        private volatile long startedIn = -1;
        private volatile boolean stop;
        private long nextEpoch;

        Run(String url, SettableClock clock, List<String> views, LookupCounts counts) throws SQLException {
            this.clock = clock;
            this.counts = counts;
            this.views = views;
            this.connection = DriverManager.getConnection(TestCredentials.url(url));
            this.thread = new Thread(this::loop, "consistency-lookups");
        }

        void quiet(int maxKey) {
            publish(new Epoch(nextEpoch++, true, Set.of(), maxKey, new AtomicInteger()));
        }

        /** A new epoch; returns once the lookup thread finished every lookup of the epochs before. */
        void begin(Set<Long> lagging, int maxKey) throws InterruptedException {
            Epoch e = new Epoch(nextEpoch++, false, lagging, maxKey, new AtomicInteger());
            epoch.set(e);
            await(() -> startedIn >= e.id(), "the lookup thread in epoch " + e.id());
        }

        private void publish(Epoch e) {
            epoch.set(e);
            if (!thread.isAlive() && !stop) {
                thread.setDaemon(true);
                thread.start();
            }
        }

        /** Waits for a lookup of the current epoch that counts (key -1, never pushed, always does). */
        void awaitExactLookup() throws InterruptedException {
            Epoch e = epoch.get();
            int before = e.exact().get();
            await(() -> e.exact().get() > before, "an exact lookup in epoch " + e.id());
        }

        /** Compares every recorded lookup with the warehouse AS OF its time, and forgets them. */
        void compareRecorded(Connection c, Offline offline) throws SQLException {
            Lookup l;
            while ((l = recorded.poll()) != null) {
                List<Object> expected = offline.at(c, l.view(), l.at()).get(l.key());
                String what = "concurrent lookup of " + l.view() + " key " + l.key() + " at " + l.at();
                OnlineAnswers.assertSameAnswer(what, l.rows(), expected);
                counts.compared().incrementAndGet();
                if (l.moving()) {
                    counts.whileMoving().incrementAndGet();
                }
            }
            offline.forgetBefore(clock.instant());
        }

        private void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!condition.getAsBoolean()) {
                if (failure.get() != null) {
                    throw new AssertionError("the lookup thread failed", failure.get());
                }
                assertThat(System.nanoTime() - deadline).as(what + " within " + WAIT).isNegative();
                Thread.sleep(1);
            }
        }

        private void loop() {
            Random random = new Random(7);
            Map<String, PreparedStatement> prepared = new HashMap<>();
            try {
                while (!stop) {
                    Epoch e0 = epoch.get();
                    startedIn = e0.id();
                    Instant c0 = clock.instant();
                    String view = views.get(random.nextInt(views.size()));
                    long key = key(random, e0);
                    PreparedStatement ps = prepared.get(view);
                    if (ps == null) {
                        ps = connection.prepareStatement("SELECT * FROM " + view + " WHERE user_id = ?");
                        prepared.put(view, ps);
                    }
                    ps.setLong(1, key);
                    List<List<Object>> rows = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(OnlineAnswers.row(rs));
                        }
                    } catch (SQLException e) {
                        if (e0.lagging() != null && epoch.get().lagging() != null) {
                            throw e;
                        }
                        // While views are created or rebuilt a prepared lookup may have to be prepared again.
                        prepared.remove(view).close();
                        continue;
                    }
                    Instant c1 = clock.instant();
                    if (epoch.get() == e0 && c0.equals(c1) && e0.exact(key)) {
                        recorded.add(new Lookup(view, key, c0, rows, !e0.quiet()));
                        e0.exact().incrementAndGet();
                    } else {
                        counts.skipped().incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                if (!stop) {
                    failure.set(t);
                }
            }
        }

        /** Mostly a key that counts in this epoch, sometimes any: lagging keys are looked up too. */
        private static long key(Random random, Epoch e) {
            long key = random.nextInt(e.maxKey() + 2) - 1;
            for (int tries = 0; tries < 8 && random.nextInt(4) != 0 && !e.exact(key); tries++) {
                key = random.nextInt(e.maxKey() + 2) - 1;
            }
            return key;
        }

        @Override
        public void close() throws SQLException {
            stop = true;
            try {
                thread.join(WAIT.toMillis());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            connection.close();
        }
    }

    /** The warehouse's answers AS OF a time, per view: kept while no row created by that time can come. */
    private static final class Offline {
        private final Map<String, Map<Long, List<Object>>> answers = new HashMap<>();

        /** The view's values AS OF {@code t}, queried now (replacing what was kept). */
        Map<Long, List<Object>> fresh(Connection c, String view, Instant t) throws SQLException {
            Map<Long, List<Object>> byKey = new HashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM " + view + " AS OF TIMESTAMP '" + ts(t) + "'")) {
                while (rs.next()) {
                    List<Object> row = OnlineAnswers.row(rs);
                    byKey.put(((Number) row.get(0)).longValue(), row);
                }
            }
            answers.put(view + "@" + t, byKey);
            return byKey;
        }

        /** The view's values AS OF {@code t}: as kept, or queried now. */
        Map<Long, List<Object>> at(Connection c, String view, Instant t) throws SQLException {
            Map<Long, List<Object>> kept = answers.get(view + "@" + t);
            return kept != null ? kept : fresh(c, view, t);
        }

        /** Lookups from now on run at {@code now} or later. */
        void forgetBefore(Instant now) {
            answers.keySet().removeIf(k -> Instant.parse(k.substring(k.indexOf('@') + 1)).isBefore(now));
        }
    }

    /** Every key's lookup of {@code view} at the clock's {@code t} equals the warehouse AS OF t. */
    private static int compareAll(Connection c, Offline offline, String view, Instant t) throws SQLException {
        Map<Long, List<Object>> expected = offline.fresh(c, view, t);
        int present = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + view + " WHERE user_id = ?")) {
            for (long key = -1; key <= 60; key++) {
                ps.setLong(1, key);
                List<List<Object>> online = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        online.add(OnlineAnswers.row(rs));
                    }
                }
                OnlineAnswers.assertSameAnswer(view + " key " + key + " at " + t, online, expected.get(key));
                present += expected.containsKey(key) ? 1 : 0;
            }
        }
        return present;
    }

    /** The random rows pushed so far, to draw ties and duplicates from: (event_id, user_id, ts, amount, merchant). */
    private static final class History {
        private final List<Object[]> pushed = new ArrayList<>();
        private final Set<Long> acceptedIds = new HashSet<>();
        private Instant lastCreated = Instant.MIN;
        private long nextId;
        private int maxKey = 12;

        List<Object[]> rows(Random random, Instant created, int n) {
            List<Object[]> rows = new ArrayList<>(n);
            maxKey++;
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(20);
                Object[] row;
                if (kind == 0 && !pushed.isEmpty()) {
                    row = pushed.get(random.nextInt(pushed.size())).clone(); // pushed again: the same key, not stored
                } else if (kind == 19 && !pushed.isEmpty()) {
                    row = pushed.get(random.nextInt(pushed.size())).clone(); // the same values as a new row: stored
                    row[0] = nextId++;
                } else {
                    Instant e;
                    if (kind == 1 && !pushed.isEmpty()) {
                        e = ((LocalDateTime) pushed.get(random.nextInt(pushed.size()))[2]).toInstant(ZoneOffset.UTC);
                    } else if (kind == 2) {
                        e = created.plusSeconds(1 + random.nextInt(300)); // event time still to come
                    } else if (kind < 6) {
                        e = created;
                    } else {
                        e = created.minusSeconds(random.nextInt(4 * 3_600)); // late
                    }
                    row = new Object[] {nextId++, (long) random.nextInt(maxKey), LocalDateTime.ofInstant(e, ZoneOffset.UTC),
                            random.nextInt(7) == 0 ? null : random.nextInt(10_000) / 100.0,
                            random.nextInt(7) == 0 ? null : "m" + random.nextInt(6)};
                    if (kind == 1 && !pushed.isEmpty()) {
                        row[1] = pushed.get(random.nextInt(pushed.size()))[1]; // same key and time, maybe
                    }
                }
                rows.add(row);
            }
            pushed.addAll(rows);
            return rows;
        }

        /**
         * The rows' counts as the gateway must report them; remembers the accepted keys, and
         * {@code created} as the last created time when a row is stored.
         */
        int[] accept(List<Object[]> rows, Instant created) {
            int[] counts = new int[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                counts[i] = acceptedIds.add((Long) rows.get(i)[0]) ? 1 : 0;
                lastCreated = counts[i] == 1 ? created : lastCreated;
            }
            return counts;
        }

        /**
         * Keys whose online values may lag while {@code rows} are pushed and the clock moves from
         * {@code from} to {@code to}: the rows' keys, and keys with a row whose event time the clock
         * passes (held until then).
         */
        Set<Long> lagging(List<Object[]> rows, Instant from, Instant to) {
            Set<Long> keys = new HashSet<>();
            rows.forEach(r -> keys.add((Long) r[1]));
            for (Object[] r : pushed) {
                Instant e = ((LocalDateTime) r[2]).toInstant(ZoneOffset.UTC);
                if (e.isAfter(from) && !e.isAfter(to)) {
                    keys.add((Long) r[1]);
                }
            }
            return keys;
        }

        int maxKey() {
            return maxKey;
        }

        Instant lastCreated() {
            return lastCreated;
        }
    }

    private static void awaitApplied(AsofGateway gateway) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!gateway.pushApplier().caughtUp()) {
            assertThat(System.nanoTime() - deadline).as("pushed rows applied within " + WAIT).isNegative();
            Thread.sleep(2);
        }
    }

    /** The view is rebuilt and kept live, and lookups on it are served by the online store. */
    private static void assertLive(Connection c, String view) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (PreparedStatement ps = c.prepareStatement("SELECT push_state, served_run_id FROM sys.online_views"
                    + " WHERE view_name = ?")) {
                ps.setString(1, view);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    if ("live".equals(rs.getString(1)) && rs.getObject(2) != null) {
                        break;
                    }
                    assertThat(System.nanoTime() - deadline).as(view + " live within " + WAIT + ", now " + rs.getString(1))
                            .isNegative();
                }
            }
            Thread.sleep(10);
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN SELECT * FROM " + view
                + " WHERE user_id = 1")) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            assertThat(plan.toString()).contains("online:");
        }
    }

    private static void assertPushColumns(Connection c, Instant lastCreated, Instant now) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT view_name, push_state,"
                + " push_applied_through, push_lag_ms, push_queued_rows FROM sys.online_views ORDER BY view_name")) {
            int n = 0;
            while (rs.next()) {
                n++;
                assertThat(rs.getString(2)).isEqualTo("live");
                assertThat(rs.getTimestamp(3, java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")))
                        .toInstant()).as(rs.getString(1)).isEqualTo(lastCreated);
                assertThat(rs.getLong(4)).as("lag of " + rs.getString(1)).isEqualTo(Duration.between(lastCreated, now).toMillis());
                assertThat(rs.getLong(5)).isZero();
            }
            assertThat(n).isEqualTo(3);
        }
    }

    private static String ts(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(TS);
    }
}
