package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.client.ClientCookieMiddleware;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection-level fuzzing: 20,000 generated statements (valid asof SQL, mutated and truncated
 * statements, deep nesting, huge literals, bad parameters) over three JDBC connections and one
 * Flight SQL client at once. No input may cause an internal error (XX000) or a failure without a
 * SQLSTATE, no message may carry a Java class name or a stack trace, and every connection still
 * answers afterwards. Deterministic: the seed is printed and can be set with
 * {@code -Dasof.fuzz.seed=…}; {@code -Dasof.fuzz.statements=…} changes the count. A time budget
 * ({@code -Dasof.fuzz.seconds=…}, default 100) bounds the run on a machine busy with other work:
 * the workers stop when it has passed (on a quiet 2-core machine all 20,000 run in about a
 * minute), and at least {@value #MIN_STATEMENTS} must have run, so the test never passes empty.
 */
class StatementFuzzTest {
    private static final int STATEMENTS = Integer.getInteger("asof.fuzz.statements", 20_000);
    private static final long SEED = Long.getLong("asof.fuzz.seed", 20261204L);
    private static final int JDBC_CONNECTIONS = 3;
    /** Fewest statements a run must reach within the budget, however loaded the machine. */
    private static final int MIN_STATEMENTS = 500;
    private static final long BUDGET_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(
            Long.getLong("asof.fuzz.seconds", 100));

    /** A Java class name (qualified, or a simple one ending in Exception/Error) or a stack frame. */
    private static final Pattern JAVA_INTERNALS = Pattern.compile(
            "\\b(?:java|javax|jdk|sun|org|com|dev|io|net)\\.[a-z0-9_]+\\.[A-Za-z0-9_.$]*"
                    + "|\\b[A-Z]\\w*(?:Exception|Error)\\b|\\n\\s*at \\S+\\(");

    private static final List<String> VALID = List.of(
            "SELECT 1",
            "SELECT customer_id, segment FROM lake.main.profile_updates ORDER BY customer_id",
            "SELECT segment FROM customer_profile AS OF TIMESTAMP '2025-01-20 00:00:00' WHERE customer_id = 1",
            "SELECT * FROM customer_profile AS OF TIMESTAMP '2025-03-01 00:00:00' WHERE customer_id IN (1, 2, 3)",
            "SELECT l.customer_id, p.segment FROM lake.main.profile_updates l"
                    + " LEFT JOIN customer_profile AS OF l.updated_ts p ON p.customer_id = l.customer_id",
            "SELECT l.customer_id, p.credit FROM lake.main.profile_updates l"
                    + " LEFT JOIN customer_profile FOR SYSTEM_TIME AS OF l.updated_ts EXCLUSIVE AS p"
                    + " ON p.customer_id = l.customer_id WHERE l.customer_id = 2",
            "SHOW FEATURE VIEWS", "SHOW ENTITIES", "SHOW SOURCES", "DESCRIBE customer_profile",
            "EXPLAIN SELECT segment FROM customer_profile AS OF TIMESTAMP '2025-01-20 00:00:00'",
            "SELECT * FROM sys.materializations",
            "SELECT count(*), max(credit) FROM lake.main.profile_updates GROUP BY segment",
            "SELECT CAST('x' AS INTEGER)",
            "SELECT TIMESTAMP '2025-13-45 99:00:00'",
            "SELECT INTERVAL '30S' DAY",
            "CREATE FEATURE VIEW v ENTITY customer FROM profile_updates AS SELECT customer_id, segment"
                    + " TTL INTERVAL '30S' DAY",
            "SELECT 1; SELECT 2",
            "",
            "SELECT * FROM no_such_table",
            "SELECT nope FROM customer_profile AS OF TIMESTAMP '2025-01-01 00:00:00'",
            "SELECT l.customer_id FROM lake.main.profile_updates l JOIN customer_profile p"
                    + " ON p.customer_id = l.customer_id",
            "SET memory_limit = '2MB'", "USE lake", "PRAGMA threads = 1");
    private static final String[] TOKENS = {"(", ")", "'", "\"", ",", ";", " AS OF ", " SELECT ", " FROM ", " WHERE ",
        " JOIN ", " ON ", " UNION ALL ", " ? ", "--", "/*", "*/", " NULL ", " TIMESTAMP ", " INTERVAL '1' DAY ",
        " EXCLUSIVE ", " ORDER BY ", " 1e999 ", " -9223372036854775809 ", "\u0000", "\u00e9", "\ud83d\ude00", "\\"};

    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> nanosByKind = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> countByKind = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path dir;

    @Test
    void generatedStatementsNeverCauseInternalErrorsLeakInternalsOrBreakConnections() throws Exception {
        try (AsofGateway gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)));
                BufferAllocator allocator = new RootAllocator()) {
            TestGateway.install(gateway);
            String url = "jdbc:asof://127.0.0.1:" + gateway.jdbcPort();
            List<Connection> connections = new ArrayList<>();
            for (int i = 0; i < JDBC_CONNECTIONS; i++) {
                connections.add(TestGateway.jdbc(url));
            }
            FlightClient flight = TestGateway.authenticated(FlightClient.builder(allocator,
                    Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port())))
                    .intercept(new ClientCookieMiddleware.Factory()).build();
            FlightSqlClient client = new FlightSqlClient(flight);
            int perWorker = STATEMENTS / (JDBC_CONNECTIONS + 1);
            long start = System.nanoTime();
            long deadline = start + BUDGET_NANOS;
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < JDBC_CONNECTIONS; i++) {
                Connection c = connections.get(i);
                Random random = new Random(SEED + i);
                workers.add(new Thread(() -> {
                    for (int n = 0; n < perWorker && System.nanoTime() < deadline; n++) {
                        jdbc(c, random);
                    }
                }, "fuzz-jdbc-" + i));
            }
            Random flightRandom = new Random(SEED + JDBC_CONNECTIONS);
            workers.add(new Thread(() -> {
                for (int n = 0; n < perWorker && System.nanoTime() < deadline; n++) {
                    flight(client, statement(flightRandom));
                }
            }, "fuzz-flight"));
            workers.forEach(Thread::start);
            for (Thread w : workers) {
                w.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = outcomes.values().stream().mapToLong(AtomicLong::get).sum();
            System.out.printf("fuzz test (seed %d): %d of %d statements in %.1f s over %d JDBC connections and one Flight"
                            + " SQL client; outcomes by SQLSTATE class %s; %d cores, load average %.1f%n",
                    SEED, total, STATEMENTS, seconds, JDBC_CONNECTIONS, new TreeMap<>(outcomes),
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            Map<String, String> costs = new TreeMap<>();
            countByKind.forEach((kind, n) -> costs.put(kind, n.get() + " statements, "
                    + String.format("%.1f", nanosByKind.get(kind).get() / 1e6 / n.get()) + " ms each"));
            System.out.println("fuzz test, by kind of statement: " + costs);
            assertThat(violations).as("internal errors, errors without SQLSTATE, leaked internals").isEmpty();
            assertThat(total).as("statements run within the time budget")
                    .isBetween((long) Math.min(MIN_STATEMENTS, STATEMENTS), (long) perWorker * (JDBC_CONNECTIONS + 1));
            assertThat(outcomes.get("ok").get()).as("valid statements still run").isGreaterThan(total / 20);

            // No connection broke: each still answers.
            for (Connection c : connections) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
                c.close();
            }
            FlightInfo info = client.execute("SELECT 1 AS n");
            try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                assertThat(stream.next()).isTrue();
                assertThat(stream.getRoot().getVector(0).getObject(0)).isEqualTo(1);
            }
            client.close();
        }
    }

    /** A generated statement and what kind of generation made it. */
    record Generated(String kind, String sql) {}

    /** One generated statement. */
    static Generated statement(Random random) {
        int kind = random.nextInt(100);
        String base = VALID.get(random.nextInt(VALID.size()));
        if (kind < 28) {
            return new Generated("valid", base);
        }
        if (kind < 43) {
            return new Generated("truncated", base.substring(0, random.nextInt(base.length() + 1)));
        }
        if (kind < 88) {
            StringBuilder s = new StringBuilder(base);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = s.length() == 0 ? 0 : random.nextInt(s.length());
                switch (random.nextInt(3)) {
                    case 0 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                    case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(8)));
                    default -> {
                        if (s.length() > 0) {
                            s.setCharAt(at, (char) (32 + random.nextInt(95)));
                        }
                    }
                }
            }
            return new Generated("mutated", s.toString());
        }
        if (kind < 94) {
            // Mostly around the 200-level limit; one in ten far beyond it.
            int depth = random.nextInt(10) > 0 ? 150 + random.nextInt(100) : 1 + random.nextInt(20_000);
            return switch (random.nextInt(4)) {
                case 0, 1 -> new Generated("nested parentheses", "SELECT " + "(".repeat(depth) + "1" + ")".repeat(depth));
                case 2 -> new Generated("nested subqueries", "SELECT * FROM " + "(SELECT * FROM ".repeat(depth)
                        + "lake.main.profile_updates" + ") t".repeat(depth));
                default -> new Generated("union chain", "SELECT 1" + " UNION ALL SELECT 1".repeat(depth));
            };
        }
        if (kind < 97) {
            int size = 1 + random.nextInt(random.nextInt(4) > 0 ? 1_000 : 200_000);
            return new Generated("huge literal", switch (random.nextInt(4)) {
                case 0 -> "SELECT '" + "x".repeat(size) + "'";
                case 1 -> "SELECT " + "9".repeat(size);
                case 2 -> "SELECT * FROM customer_profile AS OF TIMESTAMP '" + "2".repeat(size) + "'";
                default -> "SELECT " + "a".repeat(size) + " FROM lake.main.profile_updates";
            });
        }
        // Parameters: markers where none may be, or bound badly (see jdbc()).
        return new Generated("parameters", switch (random.nextInt(3)) {
            case 0 -> "SELECT segment FROM customer_profile AS OF TIMESTAMP '2025-01-20 00:00:00' WHERE customer_id = ?";
            case 1 -> "SELECT ? FROM lake.main.profile_updates";
            default -> "SELECT customer_id FROM lake.main.profile_updates WHERE customer_id IN (?, ?) AND segment = ?";
        });
    }

    private void jdbc(Connection c, Random random) {
        Generated g = statement(random);
        String sql = g.sql();
        long started = System.nanoTime();
        try {
            if (sql.indexOf('?') >= 0 && random.nextBoolean()) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int markers = ps.getParameterMetaData().getParameterCount();
                    for (int i = 1; i <= markers; i++) {
                        switch (random.nextInt(4)) {
                            case 0 -> ps.setString(i, "not a number");
                            case 1 -> ps.setLong(i, random.nextLong());
                            case 2 -> ps.setNull(i, java.sql.Types.VARCHAR);
                            default -> ps.setDouble(i, Double.NaN);
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        drain(rs);
                    }
                }
            } else {
                try (Statement s = c.createStatement()) {
                    if (s.execute(sql)) {
                        drain(s.getResultSet());
                    }
                }
            }
            count("ok");
        } catch (SQLException e) {
            check("jdbc", sql, e.getSQLState(), e.getMessage());
        } finally {
            time(g.kind(), started);
        }
    }

    private static void drain(ResultSet rs) throws SQLException {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
                rs.getObject(i);
            }
        }
    }

    private void flight(FlightSqlClient client, Generated g) {
        String sql = g.sql();
        long started = System.nanoTime();
        try {
            FlightInfo info = client.execute(sql);
            for (var endpoint : info.getEndpoints()) {
                try (FlightStream stream = client.getStream(endpoint.getTicket())) {
                    while (stream.next()) {
                        stream.getRoot().getRowCount();
                    }
                }
            }
            count("ok");
        } catch (FlightRuntimeException e) {
            String state = e.status().metadata() == null ? null : e.status().metadata().get(FlightErrors.SQLSTATE_KEY);
            check("flight", sql, state, e.getMessage());
        } catch (Exception e) {
            check("flight", sql, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            time(g.kind(), started);
        }
    }

    private void time(String kind, long startedNanos) {
        nanosByKind.computeIfAbsent(kind, k -> new AtomicLong()).addAndGet(System.nanoTime() - startedNanos);
        countByKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private void check(String client, String sql, String sqlState, String message) {
        count(sqlState == null ? "no SQLSTATE" : sqlState.substring(0, Math.min(2, sqlState.length())));
        String excerpt = sql.length() > 120 ? sql.substring(0, 120) + "…(" + sql.length() + " chars)" : sql;
        if (sqlState == null || sqlState.equals("XX000")) {
            violations.add(client + " " + sqlState + " for [" + excerpt + "]: " + message);
        } else if (message != null && JAVA_INTERNALS.matcher(message).find()) {
            violations.add(client + " leaks internals for [" + excerpt + "]: " + message);
        } else if (message != null && message.length() > 2_000) {
            violations.add(client + " message of " + message.length() + " chars for [" + excerpt + "]");
        }
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }
}
