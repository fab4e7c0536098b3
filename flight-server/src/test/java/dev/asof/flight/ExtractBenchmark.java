package dev.asof.flight;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.StringJoiner;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvn -B -Pbench verify -pl flight-server -am}: a 10M-row x 20-column extract from the
 * embedded engine, through the Flight SQL client and through the asof JDBC driver, in one run.
 * Rows: {@code -Dbench.rows} (default 10M); JDBC rows: {@code -Dbench.jdbc.rows} (default same).
 */
@Tag("bench")
class ExtractBenchmark {
    @TempDir
    Path dir;

    @Test
    void flightVersusJdbc() throws Exception {
        long rows = Long.getLong("bench.rows", 10_000_000L);
        long jdbcRows = Long.getLong("bench.jdbc.rows", rows);
        try (AsofGateway gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)))) {
            StringJoiner cols = new StringJoiner(", ");
            for (int i = 0; i < 8; i++) {
                cols.add("range * " + (i + 1) + " AS l" + i);
            }
            for (int i = 0; i < 6; i++) {
                cols.add("(range % 10007) / " + (i + 3) + ".0 AS d" + i);
            }
            for (int i = 0; i < 3; i++) {
                cols.add("'value-' || (range % " + (97 + i) + ") AS s" + i);
            }
            for (int i = 0; i < 2; i++) {
                cols.add("TIMESTAMP '2025-01-01 00:00:00' + to_seconds(range + " + i + ") AS t" + i);
            }
            cols.add("CAST(range % 1000 AS INTEGER) AS i0");
            long t0 = System.nanoTime();
            TestGateway.run(gateway.executor(), "CREATE TABLE lake.main.wide AS SELECT " + cols + " FROM range(" + rows + ")");
            System.out.printf("bench: created lake.main.wide (%,d rows x 20 columns) in %.1f s%n", rows,
                    (System.nanoTime() - t0) / 1e9);

            int port = TestGateway.flight(gateway).port();
            for (int run = 1; run <= 2; run++) {
                long n = 0;
                long bytes = 0;
                long start = System.nanoTime();
                try (BufferAllocator allocator = new RootAllocator();
                        FlightSqlClient client = new FlightSqlClient(
                                TestGateway.authenticated(FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port))).build())) {
                    FlightInfo info = client.execute("SELECT * FROM lake.main.wide");
                    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                        while (stream.next()) {
                            n += stream.getRoot().getRowCount();
                            for (FieldVector v : stream.getRoot().getFieldVectors()) {
                                bytes += v.getBufferSize();
                            }
                        }
                    }
                }
                double s = (System.nanoTime() - start) / 1e9;
                System.out.printf("bench: flight run %d: %,d rows, %.0f MB (Arrow buffers) in %.2f s: %,.0f rows/s, %.1f MB/s%n",
                        run, n, bytes / 1e6, s, n / s, bytes / 1e6 / s);
            }

            long n = 0;
            long chars = 0;
            long start = System.nanoTime();
            try (Connection c = TestGateway.jdbc(gateway.jdbcUrl());
                    Statement st = c.createStatement()) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery("SELECT * FROM lake.main.wide LIMIT " + jdbcRows)) {
                    int width = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= width; i++) {
                            Object o = rs.getObject(i);
                            if (o instanceof String str) {
                                chars += str.length();
                            }
                        }
                        n++;
                    }
                }
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("bench: jdbc (jdbc:asof, Avatica): %,d rows in %.2f s: %,.0f rows/s%n", n, s, n / s);
            Files.writeString(dir.resolve("done"), "" + chars);
        }
    }
}
