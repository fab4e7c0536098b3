package dev.asof.gateway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.admission.AdmissionSettings;
import dev.asof.gateway.execution.RunningStatements;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that die, walk away or run too long leave nothing behind on the embedded warehouse
 * (DuckDB): the gateway's running statements (what holds DuckDB connections) go back to zero, and
 * the pool serves the next client. Clients are JVMs of their own ({@link JdbcClientProcess}) killed
 * with {@code destroyForcibly}, as {@code kill -9} would.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeadClientTest {
    /** Hours of DuckDB work: a filter over a cross join of 9 * 10^12 rows that no row passes. */
    static final String ENDLESS = "SELECT sum(a.x * b.x + c.x * d.x) AS n FROM lake.main.nums a, lake.main.nums b,"
            + " lake.main.nums c, lake.main.nums d";
    /** A result of 10^8 rows, streamed as the client fetches. */
    static final String LARGE = "SELECT a.x * 1000000 + b.x * 1000 + c.x AS n FROM lake.main.nums a, lake.main.nums b,"
            + " lake.main.nums c";
    private static final int POOL = 3;

    /** A gateway whose DuckDB pool has {@link #POOL} connections, with the table of 1,000 numbers the queries read. */
    private static AsofGateway start(Path dir, GatewayConfig.Timeouts timeouts) {
        AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir))
                .withWarehouse("duckdb", Map.of("pool-size", Integer.toString(POOL)))
                .withTimeouts(timeouts)
                // Admission limits above the pool: here dead clients' results hold the pooled
                // connections themselves (admission's own limits are AdmissionEndToEndTest's).
                .withAdmission(new AdmissionSettings(OptionalInt.of(4 * POOL), OptionalInt.of(4 * POOL),
                        OptionalInt.of(4 * POOL), OptionalInt.empty(), Optional.of(Duration.ofSeconds(60)))));
        try (Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE lake.main.nums AS SELECT range AS x FROM range(1000)");
        } catch (SQLException e) {
            gateway.close();
            throw new IllegalStateException(e);
        }
        return gateway;
    }

    private static GatewayConfig.Timeouts timeouts(Duration statement, Duration resultIdle) {
        return new GatewayConfig.Timeouts(statement, resultIdle, Duration.ofMinutes(30), Duration.ofMinutes(30));
    }

    @Test
    void aClientKilledMidQueryHasItsQueryStoppedWithinASecond(@TempDir Path dir) throws Exception {
        try (AsofGateway gateway = start(dir, GatewayConfig.Timeouts.defaults())) {
            JdbcClientProcess.Client client = JdbcClientProcess.start(gateway.jdbcUrl(), TestUsers.ADMIN,
                    TestUsers.PASSWORD, "query", ENDLESS, dir.resolve("client.log"));
            try {
                client.await("RUNNING");
                awaitRunning(gateway, 1, Duration.ofSeconds(30));
                Thread.sleep(500); // let it run in the engine
                assertThat(client.process().isAlive()).isTrue();
                long killed = System.nanoTime();
                client.process().destroyForcibly();
                Duration stopped = awaitRunning(gateway, 0, Duration.ofSeconds(10));
                long millis = (System.nanoTime() - killed) / 1_000_000;
                System.out.printf("[asof tests] JDBC client killed mid-query: its DuckDB query stopped after %d ms%n",
                        millis);
                assertThat(millis).isLessThan(1_000L);
                assertThat(stopped).isNotNull();
            } finally {
                client.process().destroyForcibly();
            }
            assertPoolFree(gateway);
        }
    }

    /**
     * More dead clients than the DuckDB pool has connections, each killed while it held an open,
     * half-read result: within the result idle timeout the next client is served, every statement
     * is gone and every pooled connection is free again.
     */
    @Test
    void deadClientsHoldingResultsFreeThePoolWithinTheIdleTimeout(@TempDir Path dir) throws Exception {
        // Long enough that the first results are still open when the last client JVM has started
        // on a loaded 2-core machine; every result must be listed at once below.
        Duration idle = Duration.ofSeconds(10);
        try (AsofGateway gateway = start(dir, timeouts(GatewayConfig.DEFAULT_STATEMENT_TIMEOUT, idle))) {
            List<JdbcClientProcess.Client> clients = new ArrayList<>();
            try {
                List<CompletableFuture<String>> streaming = new ArrayList<>();
                for (int i = 0; i < POOL + 2; i++) {
                    JdbcClientProcess.Client client = JdbcClientProcess.start(gateway.jdbcUrl(), TestUsers.ADMIN,
                            TestUsers.PASSWORD, "stream", LARGE, dir.resolve("client-" + i + ".log"));
                    clients.add(client);
                    streaming.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return client.await("STREAMING");
                        } catch (java.io.IOException | AssertionError e) {
                            return null;
                        }
                    }));
                }
                // Every pooled connection is held by an open result; the other clients wait for one.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (streaming.stream().filter(f -> f.isDone() && f.join() != null).count() < POOL) {
                    assertThat(System.nanoTime()).as("clients streaming in time").isLessThan(deadline);
                    Thread.sleep(50);
                }
                awaitRunning(gateway, POOL + 2, Duration.ofSeconds(30));
                Thread.sleep(300);
                assertThat(streaming.stream().filter(f -> f.isDone() && f.join() != null).count())
                        .as("clients holding a result").isEqualTo(POOL);
            } finally {
                clients.forEach(c -> c.process().destroyForcibly());
            }
            long killed = System.nanoTime();
            try (Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) AS n FROM lake.main.nums")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1000L);
            }
            long servedMillis = (System.nanoTime() - killed) / 1_000_000;
            Duration gone = awaitRunning(gateway, 0, Duration.ofSeconds(15));
            System.out.printf("[asof tests] %d dead clients: next client served after %d ms, all their statements"
                    + " closed after %d ms (result idle timeout %d ms)%n", POOL + 2, servedMillis, gone.toMillis()
                    + servedMillis, idle.toMillis());
            assertThat(servedMillis).isLessThan(idle.toMillis() + 3_000L);
            assertPoolFree(gateway);
        }
    }

    /** A result its client stopped fetching from is closed after the idle timeout; a later fetch says so. */
    @Test
    void aResultNotFetchedForTheIdleTimeoutIsClosed(@TempDir Path dir) throws Exception {
        Duration idle = Duration.ofSeconds(1);
        try (AsofGateway gateway = start(dir, timeouts(GatewayConfig.DEFAULT_STATEMENT_TIMEOUT, idle));
                Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery(LARGE);
            long read = 0;
            while (read < 10_000 && rs.next()) {
                read++;
            }
            assertThat(read).isEqualTo(10_000L); // the first frame
            assertThat(gateway.executor().running().list()).hasSize(1);
            awaitRunning(gateway, 0, Duration.ofSeconds(5));
            Exception e = catchThrowableOfType(() -> {
                while (rs.next()) {
                    // reading on fetches the next frame, which is gone
                }
            }, Exception.class);
            assertThat(e).isNotNull();
            assertThat(sqlState(e)).isEqualTo("24000");
            assertThat(e).hasStackTraceContaining("asof.result.idle-timeout");
            // the connection is still usable
            try (ResultSet again = st.executeQuery("SELECT 41 + 1 AS n")) {
                assertThat(again.next()).isTrue();
                assertThat(again.getInt(1)).isEqualTo(42);
            }
            assertPoolFree(gateway);
        }
    }

    /** A JDBC connection without a request for asof.jdbc.idle-timeout is closed with its statements and results. */
    @Test
    void anIdleConnectionIsClosedWithItsResults(@TempDir Path dir) throws Exception {
        GatewayConfig.Timeouts t = new GatewayConfig.Timeouts(GatewayConfig.DEFAULT_STATEMENT_TIMEOUT,
                Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(30));
        try (AsofGateway gateway = start(dir, t)) {
            Connection idle = TestUsers.connect(gateway.jdbcUrl());
            ResultSet rs = idle.createStatement().executeQuery(LARGE);
            assertThat(rs.next()).isTrue();
            assertThat(gateway.executor().running().list()).hasSize(1);
            Duration closed = awaitRunning(gateway, 0, Duration.ofSeconds(5));
            assertThat(closed).isGreaterThan(Duration.ofMillis(500));
            assertPoolFree(gateway);
            try (Connection fresh = TestUsers.connect(gateway.jdbcUrl()); Statement st = fresh.createStatement();
                    ResultSet again = st.executeQuery("SELECT 41 + 1 AS n")) {
                assertThat(again.next()).isTrue();
                assertThat(again.getInt(1)).isEqualTo(42);
            }
            try {
                idle.close();
            } catch (SQLException ignored) {
                // the gateway closed it already
            }
        }
    }

    /** asof.statement.timeout: a query past the gateway's limit is cancelled, with 57014 and a clear message. */
    @Test
    void theStatementLimitCancelsALongQuery(@TempDir Path dir) throws Exception {
        try (AsofGateway gateway = start(dir, timeouts(Duration.ofSeconds(1), Duration.ofMinutes(5)));
                Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement st = c.createStatement()) {
            long t0 = System.nanoTime();
            SQLException e = catchThrowableOfType(() -> st.executeQuery(ENDLESS), SQLException.class);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat((Object) e).isNotNull();
            assertThat(e.getSQLState()).isEqualTo("57014");
            assertThat(e.getMessage()).contains("timed out after 1 s").contains("asof.statement.timeout");
            assertThat(millis).isBetween(900L, 5_000L);
            awaitRunning(gateway, 0, Duration.ofSeconds(2));
            try (ResultSet rs = st.executeQuery("SELECT 41 + 1 AS n")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    /** JDBC cancel() and setQueryTimeout stop the DuckDB query within a second. */
    @Test
    void cancelAndQueryTimeoutStopTheEngineWithinASecond(@TempDir Path dir) throws Exception {
        try (AsofGateway gateway = start(dir, GatewayConfig.Timeouts.defaults());
                Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement st = c.createStatement()) {
            st.setQueryTimeout(1);
            SQLException timedOut = catchThrowableOfType(() -> st.executeQuery(ENDLESS), SQLException.class);
            assertThat((Throwable) timedOut).isInstanceOf(SQLTimeoutException.class);
            long after = System.nanoTime();
            awaitRunning(gateway, 0, Duration.ofSeconds(5));
            assertThat((System.nanoTime() - after) / 1_000_000).isLessThan(1_000L);

            st.setQueryTimeout(0);
            CompletableFuture<SQLException> run = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = st.executeQuery(ENDLESS)) {
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            awaitRunning(gateway, 1, Duration.ofSeconds(30));
            long cancelled = System.nanoTime();
            st.cancel();
            awaitRunning(gateway, 0, Duration.ofSeconds(5));
            assertThat((System.nanoTime() - cancelled) / 1_000_000).isLessThan(1_000L);
            assertThat((Object) run.get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    /**
     * The SQLSTATE of a client-side failure: an {@link SQLException}'s, or that of Avatica's
     * unchecked exception for a failed fetch (its {@code getSqlState()}), wherever it is in the chain.
     */
    static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
            try {
                Object state = t.getClass().getMethod("getSqlState").invoke(t);
                if (state != null) {
                    return state.toString();
                }
            } catch (ReflectiveOperationException ignored) {
                // not Avatica's
            }
        }
        return null;
    }

    /** Every pooled DuckDB connection serves at once: {@link #POOL} open results side by side. */
    static void assertPoolFree(AsofGateway gateway) throws Exception {
        List<CompletableFuture<Long>> all = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        List<ResultSet> open = new ArrayList<>();
        try {
            for (int i = 0; i < POOL; i++) {
                Connection c = TestUsers.connect(gateway.jdbcUrl());
                connections.add(c);
                all.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        ResultSet rs = c.createStatement().executeQuery(LARGE);
                        synchronized (open) {
                            open.add(rs);
                        }
                        rs.next();
                        return rs.getLong(1);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<Long> f : all) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isZero(); // none waited for a connection
            }
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
        awaitRunning(gateway, 0, Duration.ofSeconds(5));
    }

    /**
     * Waits until exactly {@code n} statements (other than system listings) run in the gateway;
     * returns how long that took.
     */
    static Duration awaitRunning(AsofGateway gateway, int n, Duration wait) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + wait.toNanos();
        List<RunningStatements.Running> now = List.of();
        while (System.nanoTime() < deadline) {
            now = gateway.executor().running().list().stream().filter(r -> !r.route().equals("system")).toList();
            if (now.size() == n) {
                return Duration.ofNanos(System.nanoTime() - t0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + n + " running statement(s) within " + wait + ", found " + now);
    }
}
