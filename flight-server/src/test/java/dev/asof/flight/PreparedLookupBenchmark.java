package dev.asof.flight;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prepared lookup executed again and again through Arrow's Flight SQL JDBC driver and through
 * the asof driver, and the same Flight SQL calls made with Arrow's {@code FlightSqlClient} (bind
 * the parameter with DoPut, GetFlightInfo, DoGet): median and p99 per execution, to tell the
 * server's share from the driver's. {@code mvn -B -Pbench verify -pl flight-server -am
 * -Dtest=PreparedLookupBenchmark}.
 */
@Tag("bench")
class PreparedLookupBenchmark {
    private static final int WARMUP = 500;
    private static final int RUNS = 2_000;
    private static final String LOOKUP = "SELECT segment FROM customer_profile WHERE customer_id = ?";

    @TempDir
    static Path dir;

    @Test
    void preparedLookup() throws Exception {
        try (AsofGateway gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)))) {
            TestGateway.install(gateway);
            String arrow = "jdbc:arrow-flight-sql://127.0.0.1:" + TestGateway.flight(gateway).port()
                    + "?useEncryption=false" + TestGateway.arrowJdbcCredentials();
            try (Connection c = DriverManager.getConnection(arrow)) {
                report("Arrow Flight SQL JDBC driver", c);
            }
            flightSqlClient(gateway);
            try (Connection c = TestGateway.jdbc(gateway.jdbcUrl())) {
                report("asof JDBC driver", c);
            }
        }
    }

    private static void flightSqlClient(AsofGateway gateway) throws Exception {
        long[] nanos = new long[RUNS];
        try (BufferAllocator allocator = new RootAllocator();
                FlightSqlClient client = new FlightSqlClient(TestGateway.authenticated(FlightClient.builder(allocator,
                        Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))).build());
                FlightSqlClient.PreparedStatement ps = client.prepare(LOOKUP);
                VectorSchemaRoot params = VectorSchemaRoot.create(ps.getParameterSchema(), allocator)) {
            for (int i = 0; i < WARMUP + RUNS; i++) {
                long t0 = System.nanoTime();
                params.allocateNew();
                ((BigIntVector) params.getVector(0)).setSafe(0, 1 + (i % 3));
                params.setRowCount(1);
                ps.setParameters(params);
                FlightInfo info = ps.execute();
                try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                    while (stream.next()) {
                        stream.getRoot().getRowCount();
                    }
                }
                if (i >= WARMUP) {
                    nanos[i - WARMUP] = System.nanoTime() - t0;
                }
            }
        }
        Arrays.sort(nanos);
        System.out.printf("[bench] FlightSqlClient, prepared lookup (bind, GetFlightInfo, DoGet): p50 %.2f ms, p99 %.2f ms (%d runs)%n",
                nanos[RUNS / 2] / 1e6, nanos[RUNS * 99 / 100] / 1e6, RUNS);
    }

    private static void report(String name, Connection c) throws Exception {
        long[] nanos = new long[RUNS];
        try (PreparedStatement ps = c.prepareStatement(LOOKUP)) {
            for (int i = 0; i < WARMUP + RUNS; i++) {
                ps.setLong(1, 1 + (i % 3));
                long t0 = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
                if (i >= WARMUP) {
                    nanos[i - WARMUP] = System.nanoTime() - t0;
                }
            }
        }
        Arrays.sort(nanos);
        System.out.printf("[bench] %s, prepared lookup: p50 %.2f ms, p99 %.2f ms (%d runs)%n", name,
                nanos[RUNS / 2] / 1e6, nanos[RUNS * 99 / 100] / 1e6, RUNS);
    }
}
