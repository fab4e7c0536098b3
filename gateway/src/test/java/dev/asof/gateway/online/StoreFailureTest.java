package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The online store down or slow: a clear SQL error within the configured timeout, then recovery. */
class StoreFailureTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void lookupsFailClearlyWhileTheStoreIsDownOrSlowAndRecoverAfter() throws Exception {
        try (AerospikeTestServer server = new AerospikeTestServer().start()) {
            String timeout = TIMEOUT.toMillis() + "ms";
            GatewayConfig config = TestUsers.withAdmin(GatewayConfig.embedded(dir))
                    .withClock(new OnlineServingTest.MutableClock(Instant.parse("2025-03-01T00:00:00Z")))
                    .withOnlineStore("aerospike", Map.of("hosts", server.seed(), "timeout", timeout,
                            "socket-timeout", timeout, "retries", "1"));
            try (AsofGateway gateway = AsofGateway.start(config)) {
                StatementExecutor executor = gateway.executor();
                run(executor, "CREATE TABLE lake.main.t (k BIGINT, v VARCHAR, e TIMESTAMP)");
                run(executor, "INSERT INTO lake.main.t VALUES (1, 'one', TIMESTAMP '2025-02-01 00:00:00')");
                run(executor, "CREATE ENTITY thing (k BIGINT)");
                run(executor, "CREATE SOURCE t FROM TABLE lake.main.t EVENT TIME e");
                run(executor, "CREATE FEATURE VIEW thing_v ENTITY thing FROM t AS SELECT k, v ONLINE");
                run(executor, "MATERIALIZE thing_v");
                String lookup = "SELECT v FROM thing_v WHERE k = ?";
                assertThat(OnlineConsistencyTest.rows(executor, lookup, 1L)).containsExactly(List.of("one"));

                server.stop();
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> OnlineConsistencyTest.rows(executor, lookup, 1L))
                        .isInstanceOfSatisfying(AsofException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENGINE_ERROR))
                        .hasMessageStartingWith("online store aerospike: aerospike:");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TIMEOUT.plusSeconds(2));

                server.start();
                assertThat(eventually(() -> OnlineConsistencyTest.rows(executor, lookup, 1L)))
                        .containsExactly(List.of("one"));

                server.setResponseDelay(TIMEOUT.multipliedBy(3));
                long t1 = System.nanoTime();
                assertThatThrownBy(() -> OnlineConsistencyTest.rows(executor, lookup, 1L))
                        .isInstanceOf(AsofException.class)
                        .hasMessageContaining("timeout");
                assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(TIMEOUT.plusSeconds(2));

                server.setResponseDelay(Duration.ZERO);
                assertThat(eventually(() -> OnlineConsistencyTest.rows(executor, lookup, 1L)))
                        .containsExactly(List.of("one"));
            }
        }
    }

    /** Retries for up to 10 s: after a restart the client may first use a connection the server closed. */
    private static <T> T eventually(java.util.function.Supplier<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return call.get();
            } catch (AsofException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void run(StatementExecutor executor, String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }
}
