package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants on the Flight SQL endpoint, which runs statements through the same executor as JDBC: a
 * user without grants is refused (UNAUTHORIZED, the 42501 message naming the view) on ad hoc and
 * prepared statements and lists only what it may read; with the grant it reads the view.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlightAuthorizationTest {
    private static final String SNAPSHOT =
            "SELECT customer_id, segment FROM customer_profile AS OF TIMESTAMP '2025-03-01 00:00:00' ORDER BY customer_id";

    @TempDir
    Path dir;

    private BufferAllocator allocator;
    private AsofGateway gateway;
    private FlightClient flight;
    private FlightSqlClient bob;

    @BeforeEach
    void start() {
        allocator = new RootAllocator();
        gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir.resolve("data"))),
                UnaryOperator.identity(), Map.of());
        TestGateway.install(gateway);
        TestGateway.run(gateway.executor(), "CREATE USER bob PASSWORD 'bob-secret-1'");
        flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))
                .intercept(new TestGateway.LoginMiddleware("bob", "bob-secret-1")).build();
        bob = new FlightSqlClient(flight);
    }

    @AfterEach
    void stop() throws Exception {
        bob.close();
        flight.close();
        gateway.close();
        allocator.close();
    }

    private List<List<Object>> rows(FlightInfo info) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        for (var endpoint : info.getEndpoints()) {
            try (FlightStream stream = bob.getStream(endpoint.getTicket())) {
                while (stream.next()) {
                    VectorSchemaRoot root = stream.getRoot();
                    for (int r = 0; r < root.getRowCount(); r++) {
                        List<Object> row = new ArrayList<>();
                        for (var v : root.getFieldVectors()) {
                            Object o = v.getObject(r);
                            row.add(o instanceof org.apache.arrow.vector.util.Text t ? t.toString() : o);
                        }
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }

    private List<String> tableNames() throws Exception {
        return rows(bob.getTables(null, null, null, null, false)).stream().map(r -> (String) r.get(2)).toList();
    }

    @Test
    void queriesPreparedStatementsAndListingsFollowTheGrants() throws Exception {
        FlightRuntimeException adHoc = catchThrowableOfType(() -> rows(bob.execute(SNAPSHOT)), FlightRuntimeException.class);
        assertThat(adHoc.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
        assertThat(adHoc.getMessage()).contains("needs SELECT on feature view customer_profile");
        FlightRuntimeException prepared = catchThrowableOfType(() -> bob.prepare(SNAPSHOT), FlightRuntimeException.class);
        assertThat(prepared.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
        FlightRuntimeException table = catchThrowableOfType(
                () -> rows(bob.execute("SELECT * FROM lake.main.profile_updates")), FlightRuntimeException.class);
        assertThat(table.getMessage()).contains("SELECT on table lake.main.profile_updates");
        FlightRuntimeException file = catchThrowableOfType(
                () -> rows(bob.execute("SELECT * FROM TABLE(read_csv('/etc/passwd'))")), FlightRuntimeException.class);
        assertThat(file.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
        assertThat(tableNames()).containsExactly("customer");

        TestGateway.run(gateway.executor(), "GRANT SELECT ON FEATURE VIEW customer_profile TO bob");
        assertThat(rows(bob.execute(SNAPSHOT))).containsExactly(List.of(1L, "gold"), List.of(2L, "silver"),
                List.of(3L, "bronze"));
        try (FlightSqlClient.PreparedStatement ps = bob.prepare(SNAPSHOT)) {
            assertThat(rows(ps.execute())).hasSize(3);
        }
        assertThat(tableNames()).containsExactlyInAnyOrder("customer", "customer_profile");
    }
}
