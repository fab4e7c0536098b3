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
 * Where a prepared lookup's time goes over Flight SQL. The same prepared key lookup, on an ONLINE
 * view (answered from the online store) and on a view that is not (a point-in-time query on
 * DuckDB), executed again and again through Arrow's Flight SQL JDBC driver, through Arrow's
 * {@code FlightSqlClient} making the same three calls (bind the parameter with DoPut,
 * GetFlightInfo, DoGet), each call timed on its own, and through the asof driver; next to a
 * Flight SQL round trip that does no work (GetFlightInfo of {@code GetTableTypes}, the protocol's
 * floor). Median and p99 per execution.
 * {@code mvn -B -o -Pbench verify -pl flight-server -am -DskipITs -Dtest=PreparedLookupBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class PreparedLookupBenchmark {
    private static final int WARMUP = Integer.getInteger("bench.warmup", 500);
    private static final int RUNS = Integer.getInteger("bench.runs", 2_000);
    private static final String ONLINE = "SELECT segment FROM customer_profile_online WHERE customer_id = ?";
    private static final String WAREHOUSE = "SELECT segment FROM customer_profile WHERE customer_id = ?";

    @TempDir
    static Path dir;

    @Test
    void preparedLookup() throws Exception {
        try (AsofGateway gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)))) {
            TestGateway.install(gateway);
            TestGateway.run(gateway.executor(), "CREATE FEATURE VIEW customer_profile_online ENTITY customer"
                    + " FROM profile_updates AS SELECT customer_id, segment, credit ONLINE");
            TestGateway.run(gateway.executor(), "MATERIALIZE customer_profile_online");
            String arrow = "jdbc:arrow-flight-sql://127.0.0.1:" + TestGateway.flight(gateway).port()
                    + "?useEncryption=false" + TestGateway.arrowJdbcCredentials();
            System.out.printf("[bench] load before: %s%n", load());
            for (String lookup : Boolean.getBoolean("bench.onlineOnly") ? new String[] {ONLINE}
                    : new String[] {ONLINE, WAREHOUSE}) {
                String view = lookup == ONLINE ? "ONLINE view" : "warehouse view";
                try (Connection c = DriverManager.getConnection(arrow)) {
                    jdbc("Arrow Flight SQL JDBC driver, " + view, c, lookup);
                }
                flightSqlClient(gateway, view, lookup);
                try (Connection c = TestGateway.jdbc(gateway.jdbcUrl())) {
                    jdbc("asof JDBC driver, " + view, c, lookup);
                }
            }
            System.out.printf("[bench] load after: %s%n", load());
        }
    }

    private static void flightSqlClient(AsofGateway gateway, String view, String lookup) throws Exception {
        long[] total = new long[RUNS];
        long[] bindAndInfo = new long[RUNS];
        long[] info = new long[RUNS];
        long[] get = new long[RUNS];
        long[] floor = new long[RUNS];
        try (BufferAllocator allocator = new RootAllocator();
                FlightSqlClient client = new FlightSqlClient(TestGateway.authenticated(FlightClient.builder(allocator,
                        Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))).build());
                FlightSqlClient.PreparedStatement ps = client.prepare(lookup);
                VectorSchemaRoot params = VectorSchemaRoot.create(ps.getParameterSchema(), allocator)) {
            for (int i = 0; i < WARMUP + RUNS; i++) {
                long t0 = System.nanoTime();
                client.getTableTypes();
                long t1 = System.nanoTime();
                params.allocateNew();
                ((BigIntVector) params.getVector(0)).setSafe(0, 1 + (i % 3));
                params.setRowCount(1);
                ps.setParameters(params);
                // execute() binds (DoPut) when parameters are set, then asks GetFlightInfo; a
                // statement without parameters isolates GetFlightInfo.
                FlightInfo flightInfo = ps.execute();
                long t2 = System.nanoTime();
                ps.clearParameters();
                ps.execute();
                long t3 = System.nanoTime();
                try (FlightStream stream = client.getStream(flightInfo.getEndpoints().get(0).getTicket())) {
                    while (stream.next()) {
                        stream.getRoot().getRowCount();
                    }
                }
                long t4 = System.nanoTime();
                if (i >= WARMUP) {
                    int k = i - WARMUP;
                    floor[k] = t1 - t0;
                    bindAndInfo[k] = t2 - t1;
                    info[k] = t3 - t2;
                    get[k] = t4 - t3;
                    total[k] = (t2 - t1) + (t4 - t3);
                }
            }
        }
        flightInfoWithoutBinding(gateway, view, lookup);
        print("FlightSqlClient, " + view + ", bind + GetFlightInfo + DoGet", total);
        print("  of which execute() with the parameter (DoPut, then GetFlightInfo)", bindAndInfo);
        print("  execute() without a parameter (GetFlightInfo alone)", info);
        print("  of which DoGet (runs the lookup, streams one row)", get);
        print("  Flight SQL round trip doing no work (GetFlightInfo GetTableTypes)", floor);
    }

    /**
     * GetFlightInfo of the prepared statement again and again with no DoPut in between, alternating
     * with the no-op call: tells the call's own cost from what a preceding DoPut leaves behind.
     */
    private static void flightInfoWithoutBinding(AsofGateway gateway, String view, String lookup) throws Exception {
        long[] info = new long[RUNS];
        long[] floor = new long[RUNS];
        try (BufferAllocator allocator = new RootAllocator();
                FlightSqlClient client = new FlightSqlClient(TestGateway.authenticated(FlightClient.builder(allocator,
                        Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))).build());
                FlightSqlClient.PreparedStatement ps = client.prepare(lookup)) {
            for (int i = 0; i < WARMUP + RUNS; i++) {
                long t0 = System.nanoTime();
                client.getTableTypes();
                long t1 = System.nanoTime();
                ps.execute();
                long t2 = System.nanoTime();
                if (i >= WARMUP) {
                    floor[i - WARMUP] = t1 - t0;
                    info[i - WARMUP] = t2 - t1;
                }
            }
        }
        print("FlightSqlClient, " + view + ", GetFlightInfo of the prepared statement, no DoPut in the loop", info);
        print("  the no-op GetFlightInfo (GetTableTypes) in the same loop", floor);
    }

    private static void jdbc(String name, Connection c, String lookup) throws Exception {
        long[] nanos = new long[RUNS];
        try (PreparedStatement ps = c.prepareStatement(lookup)) {
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
        print(name + ", prepared lookup", nanos);
    }

    private static void print(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("[bench] %s: p50 %.3f ms, p99 %.3f ms (%d runs)%n", what, sorted[sorted.length / 2] / 1e6,
                sorted[sorted.length * 99 / 100] / 1e6, sorted.length);
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
