package dev.asof.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in {@code asof sql} cancels the running statement and keeps the shell: the shell runs as
 * a process of its own reading a pipe; SIGINT arrives while a long DuckDB query runs; the query
 * stops on the gateway within a second, and the shell answers the next statement.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqlShellInterruptTest {
    private static final String ENDLESS = "SELECT sum(a.x * b.x + c.x * d.x) AS n FROM lake.main.nums a, lake.main.nums b,"
            + " lake.main.nums c, lake.main.nums d";

    @Test
    void ctrlCCancelsTheRunningStatementAndKeepsTheShell(@TempDir Path dir) throws Exception {
        try (AsofGateway gateway = AsofGateway.start(GatewayConfig.embedded(dir.resolve("data"))
                        .withAdmin("admin", "shell-test-pw"));
                ChildProcess shell = ChildProcess.start(Map.of("ASOF_USER", "admin", "ASOF_PASSWORD", "shell-test-pw"),
                        "sql", gateway.jdbcUrl())) {
            gateway.executor().execute(gateway.executor().prepare(
                    "CREATE TABLE lake.main.nums AS SELECT range AS x FROM range(1000)"), java.util.List.of(),
                    dev.asof.spi.warehouse.QueryControl.none());
            shell.type("SELECT 'shell' || ' up' AS status;");
            shell.await("shell up", Duration.ofSeconds(60));

            shell.type(ENDLESS + ";");
            awaitRunning(gateway, 1, Duration.ofSeconds(30));
            Thread.sleep(500); // running in DuckDB
            long interrupted = System.nanoTime();
            shell.signal("INT");
            awaitRunning(gateway, 0, Duration.ofSeconds(10));
            long millis = (System.nanoTime() - interrupted) / 1_000_000;
            System.out.printf("[asof tests] asof sql Ctrl-C: DuckDB query stopped after %d ms%n", millis);
            assertThat(millis).isLessThan(1_000L);
            shell.await("cancel", Duration.ofSeconds(10)); // the shell reports the cancelled statement

            assertThat(shell.process().isAlive()).as("shell alive after Ctrl-C; output:\n%s", shell.output()).isTrue();
            shell.type("SELECT 40 + 2 AS answer;");
            shell.await("42", Duration.ofSeconds(30));
            shell.type("!quit");
            assertThat(shell.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(shell.process().exitValue()).as(shell.output()).isZero();
        }
    }

    static void awaitRunning(AsofGateway gateway, int n, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<?> now = List.of();
        while (System.nanoTime() < deadline) {
            now = gateway.executor().running().list().stream().filter(r -> !r.route().equals("system")).toList();
            if (now.size() == n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + n + " running statement(s) within " + wait + ", found " + now);
    }
}
