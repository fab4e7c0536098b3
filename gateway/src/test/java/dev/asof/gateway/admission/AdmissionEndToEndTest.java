package dev.asof.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.planner.error.ErrorCode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission through the real JDBC driver and gateway on DuckDB: an open result set holds a
 * warehouse connection, so clients that keep result sets open reach the limits. Limits here: 3 in
 * all, 2 per user, 1 per connection, 2 s queue wait.
 */
class AdmissionEndToEndTest {
    private static final String BIG = "SELECT i FROM lake.main.big";

    @TempDir
    Path dir;
    private AsofGateway gateway;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws SQLException {
        gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)).withAdmission(new AdmissionSettings(
                OptionalInt.of(3), OptionalInt.of(2), OptionalInt.of(1), OptionalInt.empty(),
                Optional.of(Duration.ofSeconds(2)))));
        try (Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement s = c.createStatement()) {
            // Many more rows than the driver's first frame: the result stays open on the gateway.
            s.execute("CREATE TABLE lake.main.big AS SELECT range AS i FROM range(100000)");
            for (String user : List.of("alice", "bob", "carol")) {
                s.execute("CREATE USER " + user + " PASSWORD '" + user + "-password'");
                s.execute("GRANT SELECT ON TABLE lake.main.big TO USER " + user);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        gateway.close();
    }

    private Connection connect(String user) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", user + "-password");
        Connection c = DriverManager.getConnection(gateway.jdbcUrl(), p);
        open.add(c);
        return c;
    }

    /**
     * Starts the big query on {@code c} and leaves its result set open after one row; closing its
     * statement closes it on the gateway (closing only the result set does not tell the gateway).
     */
    private ResultSet hold(Connection c) throws SQLException {
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(BIG);
        assertThat(rs.next()).isTrue();
        return rs;
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM lake.main.big")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aConnectionThatKeepsAResultOpenWaitsThenGets53000NamingItsLimitAndOthersAreServed() throws SQLException {
        Connection a = connect("alice");
        ResultSet held = hold(a);
        long started = System.nanoTime();
        assertThatThrownBy(() -> count(a))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("53000");
                    assertThat(e.getErrorCode()).isEqualTo(ErrorCode.TOO_MANY_STATEMENTS.code());
                })
                .hasMessageContaining("this connection has 1 warehouse statement(s) running or open"
                        + " (asof.admission.max-per-connection = 1)")
                .hasMessageContaining("2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("it waited the queue wait")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1_900));
        // Another connection of the same user is served, and so is this one once its result is closed.
        assertThat(count(connect("alice"))).isEqualTo(100_000L);
        held.getStatement().close();
        assertThat(count(a)).isEqualTo(100_000L);
    }

    @Test
    void aUserAtItsLimitWaitsOnEveryConnectionWhileOtherUsersAreServed() throws SQLException {
        hold(connect("alice"));
        hold(connect("alice"));
        Connection third = connect("alice");
        assertThatThrownBy(() -> count(third))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("53000"))
                .hasMessageContaining("user 'alice' has 2 warehouse statement(s) running or open"
                        + " (asof.admission.max-per-user = 2)");
        assertThat(count(connect("bob"))).isEqualTo(100_000L);
        // Statements that do not run on the warehouse need no admission.
        try (Statement s = third.createStatement(); ResultSet rs = s.executeQuery("SHOW ENTITIES")) {
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void aQueuedStatementRunsAsSoonAsAnotherResultIsClosed() throws Exception {
        ResultSet alice = hold(connect("alice"));
        hold(connect("alice"));
        hold(connect("bob"));
        Connection carol = connect("carol");
        CompletableFuture<Long> queued = CompletableFuture.supplyAsync(() -> {
            try {
                return count(carol);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getSQLState() + " " + e.getMessage());
            }
        }, threads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (gateway.executor().admission().queued() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(gateway.executor().admission().queued()).as("carol waits: 3 are running").isEqualTo(1);
        assertThat(queued).isNotDone();
        alice.getStatement().close();
        assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(100_000L);
        assertThat(gateway.executor().admission().running()).isEqualTo(2);
    }
}
