package dev.asof.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway-wide statement listing ({@code sys.statements}) and {@code KILL}, over JDBC against
 * DuckDB with a query that would run for minutes; and the gateway's close cancelling it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunningStatementsTest {
    /** Hours of DuckDB work: a sum over 10^12 rows of a four-way cross join ({@link #install}). */
    private static final String SLOW = "SELECT sum(a.x * b.x + c.x * d.x) AS n FROM lake.main.nums a, lake.main.nums b,"
            + " lake.main.nums c, lake.main.nums d";

    /** A table of 1,000 numbers, created by an admin and readable by {@code reader}. */
    private static void install(Connection c, String reader) throws SQLException {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            values.append(i == 0 ? "" : ", ").append('(').append(i).append(')');
        }
        try (Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE lake.main.nums (x BIGINT)");
            st.executeUpdate("INSERT INTO lake.main.nums VALUES " + values);
            st.execute("GRANT SELECT ON TABLE lake.main.nums TO USER " + reader);
        }
    }

    @Test
    void sysStatementsListsARunningQueryAndKillStopsIt(@TempDir Path dir) throws Exception {
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)));
                Connection runner = connect(gateway, "alice");
                Connection operator = connect(gateway, "ops");
                Connection other = connect(gateway, "carol")) {
            install(operator, "alice");
            CompletableFuture<SQLException> slow = runAsync(runner);
            List<Object> row = awaitListed(operator, slow);
            // A user who is not an admin sees its own statements only: their text may hold values.
            assertThat(listed(runner)).extracting(r -> r.get(0)).containsExactly(row.get(0));
            assertThat(listed(other)).isEmpty();
            String id = (String) row.get(0);
            assertThat(id).matches("[0-9a-f]{16}");
            assertThat(row.subList(1, 5)).containsExactly("alice", "jdbc", "warehouse", SLOW);
            assertThat((Long) row.get(5)).isGreaterThanOrEqualTo(0L);

            long killedAt = System.nanoTime();
            try (Statement st = operator.createStatement()) {
                assertThat(st.executeUpdate("KILL '" + id + "'")).isEqualTo(1);
            }
            SQLException e = slow.get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(5));
            // who killed whose statement is in the audit log
            String kill = java.nio.file.Files.readAllLines(dir.resolve("audit.log")).stream()
                    .filter(l -> l.contains("\"event\":\"kill\"")).findFirst().orElseThrow();
            assertThat(kill).contains("\"user\":\"ops\"").contains("\"outcome\":\"ok\"")
                    .contains("statement " + id + " of user alice");
            assertThat((Object) e).isNotNull();
            assertThat(e.getSQLState()).isEqualTo("57014");
            assertThat(listed(operator)).isEmpty();
            assertThat(gateway.executor().running().list()).isEmpty();

            // An unknown id is an error; the killed statement's connection is still usable.
            SQLException unknown = catchThrowableOfType(() -> {
                try (Statement st = operator.createStatement()) {
                    st.executeUpdate("KILL '" + id + "'");
                }
            }, SQLException.class);
            assertThat(unknown.getSQLState()).isEqualTo("08003");
            try (Statement st = runner.createStatement(); ResultSet rs = st.executeQuery("SELECT 41 + 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void closingTheGatewayCancelsRunningStatementsFirst(@TempDir Path dir) throws Exception {
        AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)));
        Connection runner = connect(gateway, "bob");
        Connection operator = connect(gateway, "ops");
        install(operator, "bob");
        CompletableFuture<SQLException> slow = runAsync(runner);
        awaitListed(operator, slow);
        long start = System.nanoTime();
        gateway.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat((Object) slow.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(gateway.executor().running().list()).isEmpty();
    }

    /** A connection as {@code user}, created first by the test admin; "ops" is an admin (it kills others' work). */
    private static Connection connect(AsofGateway gateway, String user) throws SQLException {
        try (Connection admin = TestUsers.connect(gateway.jdbcUrl()); Statement st = admin.createStatement()) {
            st.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD 'pw-" + user + "'"
                    + (user.equals("ops") ? " ADMIN" : ""));
        }
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", "pw-" + user);
        return DriverManager.getConnection(gateway.jdbcUrl(), p);
    }

    /** Runs {@link #SLOW}; completes with its failure (null if it somehow succeeded). */
    private static CompletableFuture<SQLException> runAsync(Connection c) {
        return CompletableFuture.supplyAsync(() -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(SLOW)) {
                rs.next();
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
    }

    private static List<Object> awaitListed(Connection operator, CompletableFuture<SQLException> slow) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (slow.isDone()) {
                throw new AssertionError("the slow statement ended early", slow.get());
            }
            List<List<Object>> rows = listed(operator);
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the slow statement never appeared in sys.statements");
    }

    /** The slow statement's row in sys.statements (the listing query itself is route 'system'). */
    private static List<List<Object>> listed(Connection c) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT statement_id, user_name, protocol, route, sql_text, elapsed_ms FROM sys.statements"
                        + " WHERE route <> 'system'")) {
            while (rs.next()) {
                rows.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6)));
            }
        }
        return rows;
    }
}
