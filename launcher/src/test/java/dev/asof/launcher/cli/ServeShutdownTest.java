package dev.asof.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to {@code asof serve} stops it within 10 s, cancelling the statements that run: a
 * gateway process with a DuckDB query that would run for hours, then {@code kill -TERM}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeShutdownTest {
    private static final String ENDLESS = "SELECT sum(a.x * b.x + c.x * d.x) AS n FROM lake.main.nums a, lake.main.nums b,"
            + " lake.main.nums c, lake.main.nums d";

    @Test
    void sigtermStopsTheGatewayWithinTenSecondsCancellingRunningWork(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("asof.properties"), "asof.admin.user=admin\n");
        try (ChildProcess serve = ChildProcess.start(Map.of("ASOF_ADMIN_PASSWORD", "serve-test-pw"), "serve",
                "--config", config.toString(), "--data-dir", dir.resolve("data").toString(), "--port", "0",
                "--flight-port", "0", "--http-port", "0")) {
            String url = serve.await("JDBC URL: ", Duration.ofSeconds(60)).substring("JDBC URL: ".length()).trim();
            Properties p = new Properties();
            p.setProperty("user", "admin");
            p.setProperty("password", "serve-test-pw");
            // Not closed at the end: the gateway is gone by then.
            Connection c = DriverManager.getConnection(url, p);
            Connection observer = DriverManager.getConnection(url, p);
            {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE lake.main.nums AS SELECT range AS x FROM range(1000)");
                }
                CompletableFuture<SQLException> slow = CompletableFuture.supplyAsync(() -> {
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(ENDLESS)) {
                        rs.next();
                        return null;
                    } catch (SQLException e) {
                        return e;
                    }
                });
                awaitListed(observer);
                long t0 = System.nanoTime();
                serve.signal("TERM");
                assertThat(serve.process().waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s; output:\n%s",
                        serve.output()).isTrue();
                long millis = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("[asof tests] SIGTERM with a running DuckDB query: gateway stopped in %d ms%n", millis);
                assertThat(serve.output()).contains("asof: stopping").contains("asof: stopped")
                        .doesNotContain("exiting now");
                assertThat((Object) slow.get(10, TimeUnit.SECONDS)).as("the running query failed").isNotNull();
            }
        }
    }

    /** Waits until the gateway lists a running statement other than the listing itself. */
    private static void awaitListed(Connection observer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Statement st = observer.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT count(*) AS n FROM sys.statements WHERE route <> 'system'")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    Thread.sleep(300);
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the slow statement never ran");
    }
}
