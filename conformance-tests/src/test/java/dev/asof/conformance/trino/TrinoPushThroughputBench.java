package dev.asof.conformance.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.TestCredentials;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; {@code mvn -B -o verify -pl conformance-tests -am -DskipITs
 * -Dtest=TrinoPushThroughputBench -Dsurefire.failIfNoSpecifiedTests=false}, also run by
 * {@code -Pbench}): how fast pushed rows
 * reach the warehouse through the background appender, Trino (the test server's memory catalog)
 * against DuckDB in the same run. One JDBC client pushes {@code -Dbench.push.rows} rows (default
 * 200,000; 5 columns) in {@code executeBatch}es of 1,000; printed: acknowledged rows/s (durable in
 * the log) and appended rows/s (from the first push until every row is in the warehouse table,
 * counted there).
 */
class TrinoPushThroughputBench {
    @Test
    void appendThroughput() throws Exception {
        int rows = Integer.getInteger("bench.push.rows", 200_000);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-9s %14s %14s %10s  %s", "warehouse", "acked rows/s", "appended rows/s",
                "seconds", "load before -> after"));
        for (String warehouse : List.of("duckdb", "trino")) {
            lines.add(bench(warehouse, rows));
        }
        System.out.println("\nBENCH push into the warehouse (" + rows + " rows of 5 columns, executeBatch of 1,000,"
                + " 1 client):");
        lines.forEach(System.out::println);
    }

    private static String loadavg() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
    }

    private String bench(String warehouse, int rows) throws Exception {
        Path dir = Files.createTempDirectory("asof-push-throughput");
        GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir));
        String table = "lake.asof_push.clicks";
        if (warehouse.equals("trino")) {
            String schema = TrinoEngine.uniquePushSchema();
            config = TrinoEngine.warehouse(config, schema);
            table = "memory." + schema + ".clicks";
        }
        try (AsofGateway gateway = AsofGateway.start(config);
                Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SOURCE clicks (event_id BIGINT, user_id BIGINT, ts TIMESTAMP, amount DOUBLE, page VARCHAR)"
                        + " EVENT TIME ts PUSH");
            }
            String before = loadavg();
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clicks VALUES (?, ?, ?, ?, ?)")) {
                LocalDateTime base = LocalDateTime.of(2025, 1, 1, 0, 0);
                for (int i = 0; i < rows; i++) {
                    ps.setLong(1, i);
                    ps.setLong(2, i % 10_000);
                    ps.setObject(3, base.plusNanos(i * 1_000L));
                    ps.setDouble(4, i * 0.5);
                    ps.setString(5, "page-" + (i % 100));
                    ps.addBatch();
                    if ((i + 1) % 1_000 == 0 || i == rows - 1) {
                        ps.executeBatch();
                    }
                }
            }
            long acked = System.nanoTime();
            assertThat(gateway.push().awaitAppended(1_800_000)).isTrue();
            long appended = System.nanoTime();
            String after = loadavg();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT _seq) FROM "
                    + table)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(rows);
                assertThat(rs.getLong(2)).isEqualTo(rows);
            }
            return String.format(Locale.ROOT, "%-9s %14.0f %14.0f %10.1f  %s -> %s", warehouse,
                    rows / ((acked - t0) / 1e9), rows / ((appended - t0) / 1e9), (appended - t0) / 1e9, before, after);
        }
    }
}
