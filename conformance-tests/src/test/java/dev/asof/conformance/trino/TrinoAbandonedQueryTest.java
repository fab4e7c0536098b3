package dev.asof.conformance.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.conformance.TestCredentials;
import dev.asof.connector.trino.TestingTrinoServer;
import dev.asof.flight.FlightSqlEndpoint;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BasicAuthCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On Trino, an abandoned query stops: a JDBC client JVM killed mid-query, and a Flight SQL client
 * whose deadline passes. Trino's own {@code system.runtime.queries} is the judge: the gateway's
 * query carrying the test's tag leaves the running states within a second.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TrinoAbandonedQueryTest {
    @TempDir
    static Path dir;
    static AsofGateway gateway;
    static TestingTrinoServer trino;

    @BeforeAll
    static void start() {
        trino = TestingTrinoServer.shared();
        gateway = AsofGateway.start(TestCredentials.withAdmin(GatewayConfig.embedded(dir.resolve("data"))
                .withWarehouse("trino", Map.of("url", trino.jdbcUrl(), "user", TrinoEngine.USER, "catalog", "memory",
                        "schema", "default", "pool-size", "4"))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String longQuery(String tag) {
        return "SELECT count(*) AS n, '" + tag + "' AS tag FROM tpch.tiny.orders a CROSS JOIN tpch.tiny.orders b "
                + "CROSS JOIN tpch.tiny.nation c WHERE a.totalprice + b.totalprice > c.nationkey";
    }

    @Test
    void aKilledJdbcClientsTrinoQueryStops() throws Exception {
        String tag = "asof_killed_" + System.nanoTime();
        Path log = dir.resolve("client.log");
        Process client = KilledJdbcClient.start(gateway.jdbcUrl(), TestCredentials.USER, TestCredentials.PASSWORD,
                longQuery(tag), log);
        try (Connection observer = observer()) {
            awaitActive(observer, tag, 1, Duration.ofSeconds(60), () -> Files.readString(log));
            Thread.sleep(1000);
            long killed = System.nanoTime();
            client.destroyForcibly();
            awaitActive(observer, tag, 0, Duration.ofSeconds(10), () -> "");
            long millis = (System.nanoTime() - killed) / 1_000_000;
            System.out.printf("[asof tests] Trino: JDBC client killed, its query left RUNNING after %d ms%n", millis);
            assertThat(millis).isLessThan(1_000L);
        } finally {
            client.destroyForcibly();
        }
    }

    @Test
    void aFlightClientsPassedDeadlineStopsItsTrinoQuery() throws Exception {
        String tag = "asof_deadline_" + System.nanoTime();
        int port = gateway.endpoints().stream().filter(FlightSqlEndpoint.class::isInstance)
                .map(FlightSqlEndpoint.class::cast).findFirst().orElseThrow().port();
        try (BufferAllocator allocator = new RootAllocator();
                FlightSqlClient client = new FlightSqlClient(FlightClient.builder(allocator,
                        Location.forGrpcInsecure("127.0.0.1", port)).build());
                Connection observer = observer()) {
            CredentialCallOption login = new CredentialCallOption(new BasicAuthCredentialWriter(TestCredentials.USER,
                    TestCredentials.PASSWORD));
            // Trino hands out the result as soon as the query runs: GetFlightInfo returns, and the
            // client's deadline passes while it waits for the rows.
            FlightInfo info = client.execute(longQuery(tag), login);
            FlightRuntimeException e = catchThrowableOfType(() -> {
                try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), login,
                        CallOptions.timeout(4, TimeUnit.SECONDS))) {
                    stream.next();
                }
            }, FlightRuntimeException.class);
            long after = System.nanoTime();
            assertThat(e).isNotNull();
            assertThat(e.status().code()).as(e.getMessage()).isEqualTo(CallStatus.TIMED_OUT.code());
            awaitActive(observer, tag, 0, Duration.ofSeconds(10), () -> "");
            long millis = (System.nanoTime() - after) / 1_000_000;
            System.out.printf("[asof tests] Trino: Flight deadline passed, its query left RUNNING after %d ms%n", millis);
            assertThat(millis).isLessThan(1_000L);
            assertThat(total(observer, tag)).as("the query did reach Trino").isPositive();
        }
    }

    private static Connection observer() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "asof-test-observer");
        return DriverManager.getConnection(trino.jdbcUrl(), p);
    }

    private interface Log {
        String read() throws Exception;
    }

    /** Waits until exactly {@code n} of the gateway's queries carrying {@code tag} are not yet finished or failed. */
    private static void awaitActive(Connection observer, String tag, int n, Duration wait, Log log) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        long active = -1;
        while (System.nanoTime() < deadline) {
            active = count(observer, tag, " AND state NOT IN ('FINISHED', 'FAILED')");
            if (active == n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("expected " + n + " running Trino quer(ies) tagged " + tag + ", found " + active
                + "; client: " + log.read());
    }

    private static long total(Connection observer, String tag) throws Exception {
        return count(observer, tag, "");
    }

    private static long count(Connection observer, String tag, String condition) throws Exception {
        try (PreparedStatement ps = observer.prepareStatement("SELECT count(*) FROM system.runtime.queries"
                + " WHERE source = 'asof-gateway' AND strpos(query, ?) > 0 AND query LIKE 'SELECT%'" + condition)) {
            ps.setString(1, tag);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
