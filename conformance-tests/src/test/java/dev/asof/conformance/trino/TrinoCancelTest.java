package dev.asof.conformance.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.EngineExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN.md "Bad input and failure": a cancelled or timed-out JDBC statement cancels its Trino
 * query. A query that would run for minutes (a cross join over tpch) is started through the
 * gateway; {@code Statement.cancel()} from another thread, or {@code setQueryTimeout}, must end the
 * client call and leave the Trino query in a final state other than FINISHED (FAILED, as Trino
 * records a user cancel) within seconds, as {@code system.runtime.queries} shows.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TrinoCancelTest {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(TrinoEngine::new);

    private static int marker;

    /** A query of minutes; the marker makes it findable in system.runtime.queries. */
    private static String longQuery(String tag) {
        return "SELECT count(*) AS n, '" + tag + "' AS tag FROM tpch.tiny.orders a CROSS JOIN tpch.tiny.orders b "
                + "CROSS JOIN tpch.tiny.nation c WHERE a.totalprice + b.totalprice > c.nationkey";
    }

    private static synchronized String tag() {
        return "asof_cancel_" + System.nanoTime() + "_" + (++marker);
    }

    private Connection trino() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "asof-test-observer");
        return DriverManager.getConnection(((TrinoEngine) ENGINE.engine()).server().jdbcUrl(), p);
    }

    /** (query_id, state) of the gateway's query carrying {@code tag}, once Trino knows it. */
    private String[] trinoQuery(Connection trino, String tag, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            try (PreparedStatement ps = trino.prepareStatement("SELECT query_id, state FROM system.runtime.queries"
                    + " WHERE source = 'asof-gateway' AND strpos(query, ?) > 0 AND query LIKE 'SELECT%'"
                    + " ORDER BY created DESC")) {
                ps.setString(1, tag);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new String[] {rs.getString(1), rs.getString(2)};
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Trino never saw the query tagged " + tag);
    }

    private String awaitFinalState(Connection trino, String queryId, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        String state = null;
        while (System.nanoTime() < deadline) {
            try (PreparedStatement ps = trino.prepareStatement(
                    "SELECT state, error_code FROM system.runtime.queries WHERE query_id = ?")) {
                ps.setString(1, queryId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        state = rs.getString(1);
                        if (state.equals("FAILED") || state.equals("FINISHED")) {
                            return state + " " + rs.getString(2);
                        }
                    }
                }
            }
            Thread.sleep(200);
        }
        return "still " + state;
    }


    @Test
    void statementCancelStopsTheTrinoQuery() throws Exception {
        String tag = tag();
        try (Connection c = DriverManager.getConnection(ENGINE.engine().jdbcUrl());
                Statement st = c.createStatement();
                Connection trino = trino()) {
            CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = st.executeQuery(longQuery(tag))) {
                    rs.next();
                    return rs.getLong(1);
                } catch (SQLException e) {
                    return e;
                }
            });
            String[] q = trinoQuery(trino, tag, Duration.ofSeconds(30));
            Thread.sleep(1000); // let it run
            assertThat(run).isNotDone();
            long t0 = System.nanoTime();
            st.cancel();
            Object outcome = run.get(15, TimeUnit.SECONDS);
            long clientMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(outcome).isInstanceOf(SQLException.class);
            assertThat(((SQLException) outcome).getMessage()).containsIgnoringCase("cancel");
            String state = awaitFinalState(trino, q[0], Duration.ofSeconds(10));
            long trinoMillis = (System.nanoTime() - t0) / 1_000_000;
            System.err.printf("[asof tests] cancel: client released after %d ms, Trino query %s %s after %d ms%n",
                    clientMillis, q[0], state, trinoMillis);
            assertThat(state).startsWith("FAILED").containsAnyOf("USER_CANCELED", "ADMINISTRATIVELY_KILLED");

            // the session and the same statement object stay usable
            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void queryTimeoutCancelsTheTrinoQuery() throws Exception {
        String tag = tag();
        try (Connection c = DriverManager.getConnection(ENGINE.engine().jdbcUrl());
                PreparedStatement ps = c.prepareStatement(longQuery(tag));
                Connection trino = trino()) {
            ps.setQueryTimeout(3);
            long t0 = System.nanoTime();
            SQLException e = null;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            } catch (SQLException ex) {
                e = ex;
            }
            long clientMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat((Throwable) e).isInstanceOf(SQLTimeoutException.class);
            assertThat(e.getSQLState()).isEqualTo("57014");
            assertThat(clientMillis).isBetween(2_500L, 20_000L);
            String[] q = trinoQuery(trino, tag, Duration.ofSeconds(5));
            String state = awaitFinalState(trino, q[0], Duration.ofSeconds(10));
            System.err.printf("[asof tests] timeout 3 s: client released after %d ms, Trino query %s %s%n",
                    clientMillis, q[0], state);
            assertThat(state).startsWith("FAILED");
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    /** asof.trino.query-timeout: the gateway's own limit stops Trino queries the client did not limit. */
    @Test
    void gatewayQueryTimeoutCancelsTheTrinoQuery() throws Exception {
        String tag = tag();
        try (TrinoEngine limited = new TrinoEngine(Optional.of(Duration.ofSeconds(2)));
                Connection c = DriverManager.getConnection(limited.jdbcUrl());
                Statement st = c.createStatement();
                Connection trino = trino()) {
            long t0 = System.nanoTime();
            SQLException e = null;
            try (ResultSet rs = st.executeQuery(longQuery(tag))) {
                rs.next();
            } catch (SQLException ex) {
                e = ex;
            }
            long clientMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat((Throwable) e).isNotNull();
            assertThat(e.getSQLState()).isEqualTo("57014");
            String[] q = trinoQuery(trino, tag, Duration.ofSeconds(5));
            String state = awaitFinalState(trino, q[0], Duration.ofSeconds(10));
            System.err.printf("[asof tests] gateway timeout 2 s: client released after %d ms, Trino query %s %s%n",
                    clientMillis, q[0], state);
            assertThat(state).startsWith("FAILED");
            assertThat(clientMillis).isLessThan(15_000L);
        }
    }
}
