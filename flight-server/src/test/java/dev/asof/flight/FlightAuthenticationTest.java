package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flight SQL authentication with Arrow's own clients: the basic-token handshake of
 * {@link FlightClient#authenticateBasicToken}, bearer tokens that expire, and Arrow's Flight SQL
 * JDBC driver with user and password. Each refusal is UNAUTHENTICATED (or UNAUTHORIZED for a
 * non-admin's user statement) and the legitimate use works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlightAuthenticationTest {
    private static final String REFUSED = "authentication failed: unknown user or wrong password";

    @TempDir
    Path dir;

    private BufferAllocator allocator;
    private AsofGateway gateway;

    @BeforeEach
    void allocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        allocator.close();
    }

    private int start(Duration tokenTtl) {
        gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir.resolve("data")))
                .withFlightTokenTtl(tokenTtl), UnaryOperator.identity(), Map.of());
        return TestGateway.flight(gateway).port();
    }

    private FlightClient client(int port) {
        return FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build();
    }

    private static long answer(FlightSqlClient sql, String query, CallOption... options) throws Exception {
        FlightInfo info = sql.execute(query, options);
        try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), options)) {
            assertThat(stream.next()).isTrue();
            return ((Number) stream.getRoot().getVector(0).getObject(0)).longValue();
        }
    }

    @Test
    void callsWithoutOrWithWrongCredentialsAreUnauthenticatedAndALoginWorks() throws Exception {
        int port = start(Duration.ofHours(1));
        try (FlightClient flight = client(port); FlightSqlClient sql = new FlightSqlClient(flight)) {
            FlightRuntimeException none = catchThrowableOfType(() -> sql.execute("SELECT 1 AS v"),
                    FlightRuntimeException.class);
            assertThat(none.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
            assertThat(none.getMessage()).contains("authentication required");

            FlightRuntimeException wrong = catchThrowableOfType(
                    () -> flight.authenticateBasicToken(TestGateway.USER, "not-the-password"), FlightRuntimeException.class);
            FlightRuntimeException unknown = catchThrowableOfType(
                    () -> flight.authenticateBasicToken("nobody", "not-the-password"), FlightRuntimeException.class);
            assertThat(wrong.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
            assertThat(unknown.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
            assertThat(wrong.status().description()).isEqualTo(unknown.status().description()).isEqualTo(REFUSED);

            CredentialCallOption token = flight.authenticateBasicToken(TestGateway.USER, TestGateway.PASSWORD)
                    .orElseThrow();
            assertThat(answer(sql, "SELECT 41 + 1 AS v", token)).isEqualTo(42);

            FlightRuntimeException forged = catchThrowableOfType(() -> sql.execute("SELECT 1 AS v",
                    new CredentialCallOption(new org.apache.arrow.flight.auth2.BearerCredentialWriter("forged"))),
                    FlightRuntimeException.class);
            assertThat(forged.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
        }
        String log = Files.readString(dir.resolve("data").resolve("audit.log"));
        assertThat(log).contains("\"event\":\"login\",\"user\":\"admin\",\"remote_address\":\"127.0.0.1\","
                + "\"protocol\":\"flight-sql\",\"outcome\":\"ok\"");
        assertThat(log).contains("\"user\":\"nobody\",\"remote_address\":\"127.0.0.1\",\"protocol\":\"flight-sql\","
                + "\"outcome\":\"refused\",\"detail\":\"unknown user\"");
    }

    @Test
    void tokensExpire() throws Exception {
        int port = start(Duration.ofSeconds(3));
        try (FlightClient flight = client(port); FlightSqlClient sql = new FlightSqlClient(flight)) {
            CredentialCallOption token = flight.authenticateBasicToken(TestGateway.USER, TestGateway.PASSWORD)
                    .orElseThrow();
            assertThat(answer(sql, "SELECT 1 AS v", token)).isEqualTo(1);
            Thread.sleep(3_500);
            FlightRuntimeException expired = catchThrowableOfType(() -> sql.execute("SELECT 1 AS v", token),
                    FlightRuntimeException.class);
            assertThat(expired.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
            // Logging in again gives a fresh token.
            CredentialCallOption fresh = flight.authenticateBasicToken(TestGateway.USER, TestGateway.PASSWORD)
                    .orElseThrow();
            assertThat(answer(sql, "SELECT 2 AS v", fresh)).isEqualTo(2);
        }
    }

    @Test
    void nonAdminsCannotManageUsersAndDroppedUsersLoseTheirTokens() throws Exception {
        int port = start(Duration.ofHours(1));
        try (FlightClient adminClient = client(port); FlightSqlClient admin = new FlightSqlClient(adminClient);
                FlightClient bobClient = client(port); FlightSqlClient bob = new FlightSqlClient(bobClient)) {
            CredentialCallOption adminToken = adminClient.authenticateBasicToken(TestGateway.USER, TestGateway.PASSWORD)
                    .orElseThrow();
            admin.executeUpdate("CREATE USER bob PASSWORD 'bob-pw'", adminToken);
            CredentialCallOption bobToken = bobClient.authenticateBasicToken("bob", "bob-pw").orElseThrow();
            assertThat(answer(bob, "SELECT 3 AS v", bobToken)).isEqualTo(3);

            FlightRuntimeException denied = catchThrowableOfType(
                    () -> bob.executeUpdate("CREATE USER mallory PASSWORD 'x' ADMIN", bobToken), FlightRuntimeException.class);
            assertThat(denied.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
            assertThat(denied.getMessage()).contains("only admins manage users");

            admin.executeUpdate("DROP USER bob", adminToken);
            FlightRuntimeException gone = catchThrowableOfType(() -> bob.execute("SELECT 1 AS v", bobToken),
                    FlightRuntimeException.class);
            assertThat(gone.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
            assertThat(answer(admin, "SELECT 4 AS v", adminToken)).isEqualTo(4);
        }
    }

    @Test
    void arrowJdbcDriverNeedsTheRightPassword() throws Exception {
        int port = start(Duration.ofHours(1));
        String base = "jdbc:arrow-flight-sql://127.0.0.1:" + port + "?useEncryption=false";
        SQLException wrong = catchThrowableOfType(
                () -> DriverManager.getConnection(base + "&user=" + TestGateway.USER + "&password=wrong"),
                SQLException.class);
        assertThat(messages(wrong)).contains(REFUSED);
        try (var c = DriverManager.getConnection(base + TestGateway.arrowJdbcCredentials());
                var s = c.createStatement(); var rs = s.executeQuery("SELECT 5 AS v")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(5);
        }
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append('\n');
        }
        return b.toString();
    }
}
