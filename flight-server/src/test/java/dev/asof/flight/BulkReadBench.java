package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (not a test; {@code mvn -B -Pbench verify -pl flight-server -am -Dtest=BulkReadBench
 * -Dsurefire.failIfNoSpecifiedTests=false}): a 5-column result (BIGINT, DOUBLE, VARCHAR, TIMESTAMP,
 * INTEGER) read through the asof JDBC driver, every value fetched with {@code getObject}, next to
 * the same query through Flight SQL ({@code FlightSqlClient}, every batch received) in the same run
 * and JVM. Rows: {@code -Dbench.rows} (default 2M); runs per path: {@code -Dbench.runs} (default 3).
 * Prints rows/s per run and the median; both paths must return the same row count and key sum.
 */
@Tag("bench")
class BulkReadBench {
    private static final String QUERY = "SELECT * FROM lake.main.five";

    @TempDir
    Path dir;

    @Test
    void jdbcVersusFlight() throws Exception {
        long rows = Long.getLong("bench.rows", 2_000_000L);
        int runs = Integer.getInteger("bench.runs", 3);
        try (AsofGateway gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)))) {
            TestGateway.run(gateway.executor(), "CREATE TABLE lake.main.five AS SELECT range AS id,"
                    + " (range % 10007) / 7.0 AS amount, 'customer-' || (range % 997) AS name,"
                    + " TIMESTAMP '2025-01-01 00:00:00' + to_microseconds(range * 1001) AS ts,"
                    + " CAST(range % 1000 AS INTEGER) AS qty FROM range(" + rows + ")");
            long expectedSum = rows * (rows - 1) / 2;
            int port = TestGateway.flight(gateway).port();
            List<Double> jdbc = new ArrayList<>();
            List<Double> flight = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                flight.add(flight(port, rows, expectedSum, run));
                jdbc.add(jdbc(gateway.jdbcUrl(), rows, expectedSum, run));
            }
            double j = median(jdbc);
            double f = median(flight);
            System.out.printf(Locale.ROOT, "%nBENCH bulk read, %,d rows x 5 columns, median of %d runs (%d cores):%n"
                    + "| path | rows/s |%n|---|---:|%n| JDBC `jdbc:asof://`, getObject every value | %,.0f |%n"
                    + "| Flight SQL, FlightSqlClient | %,.0f |%n| JDBC / Flight | %.2f |%n",
                    rows, runs, Runtime.getRuntime().availableProcessors(), j, f, j / f);
        }
    }

    private static double jdbc(String url, long rows, long expectedSum, int run) throws Exception {
        long n = 0;
        long sum = 0;
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        try (Connection c = TestGateway.jdbc(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(QUERY)) {
            while (rs.next()) {
                sum += rs.getLong(1);
                for (int i = 2; i <= 5; i++) {
                    rs.getObject(i);
                }
                n++;
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        assertThat(n).isEqualTo(rows);
        assertThat(sum).isEqualTo(expectedSum);
        double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
        System.out.printf(Locale.ROOT, "bench: jdbc run %d: %,d rows in %.2f s: %,.0f rows/s; process CPU %.2f s:"
                + " %,.0f rows per CPU second (client and gateway)%n", run, n, s, n / s, cpuSeconds, n / cpuSeconds);
        return n / s;
    }

    private static double flight(int port, long rows, long expectedSum, int run) throws Exception {
        long n = 0;
        long sum = 0;
        long start = System.nanoTime();
        try (BufferAllocator allocator = new RootAllocator();
                FlightSqlClient client = new FlightSqlClient(TestGateway.authenticated(
                        FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port))).build())) {
            FlightInfo info = client.execute(QUERY);
            try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                while (stream.next()) {
                    VectorSchemaRoot root = stream.getRoot();
                    BigIntVector ids = (BigIntVector) root.getVector(0);
                    for (int i = 0; i < root.getRowCount(); i++) {
                        sum += ids.get(i);
                    }
                    n += root.getRowCount();
                    for (FieldVector v : root.getFieldVectors()) {
                        v.getBufferSize();
                    }
                }
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        assertThat(n).isEqualTo(rows);
        assertThat(sum).isEqualTo(expectedSum);
        System.out.printf(Locale.ROOT, "bench: flight run %d: %,d rows in %.2f s: %,.0f rows/s%n", run, n, s, n / s);
        return n / s;
    }

    /** CPU time of this JVM (client and gateway threads), to tell a busy machine from a slow path. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
