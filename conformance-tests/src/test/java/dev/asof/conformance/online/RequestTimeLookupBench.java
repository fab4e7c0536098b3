package dev.asof.conformance.online;

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
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; {@code mvn -B verify -Pbench -pl conformance-tests -am -Dtest=RequestTimeLookupBench}):
 * the lookup with request-time expressions against the same lookup of the plain features,
 * prepared once each on the same JDBC connection (RocksDB online store), run in alternating rounds
 * so that load on the machine hits both alike. Prints p50, p99 and the ratio.
 */
class RequestTimeLookupBench {
    private static final int KEYS = 10_000;
    private static final int ROUNDS = 20;
    private static final int PER_ROUND = 2_000;

    @Test
    void expressionsAgainstPlainLookup() throws Exception {
        Path dir = Files.createTempDirectory("asof-request-time-bench");
        try (AsofGateway gateway = AsofGateway.start(TestCredentials.withAdmin(GatewayConfig.embedded(dir)));
                Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE lake.main.spend (customer_id BIGINT, txn_1h BIGINT, avg_7d DOUBLE, e TIMESTAMP)");
                s.execute("INSERT INTO lake.main.spend SELECT i, i % 23, 10 + (i % 1000) * 0.5,"
                        + " TIMESTAMP '2025-01-01 00:00:00' FROM range(" + KEYS + ") t(i)");
                s.execute("CREATE ENTITY customer (customer_id BIGINT)");
                s.execute("CREATE SOURCE spend FROM TABLE lake.main.spend EVENT TIME e");
                s.execute("CREATE FEATURE VIEW customer_spend ENTITY customer FROM spend"
                        + " AS SELECT customer_id, txn_1h, avg_7d ONLINE");
                s.execute("MATERIALIZE customer_spend");
            }
            String plainSql = "SELECT s.avg_7d, s.txn_1h FROM customer_spend s WHERE customer_id = ?";
            String exprSql = "SELECT CAST(? AS DOUBLE) / s.avg_7d AS ratio, s.txn_1h > 10 AS burst"
                    + " FROM customer_spend s WHERE customer_id = ?";
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + exprSql)) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("online:");
            }
            try (PreparedStatement plain = c.prepareStatement(plainSql);
                    PreparedStatement expr = c.prepareStatement(exprSql)) {
                long[] plainNanos = new long[ROUNDS * PER_ROUND];
                long[] exprNanos = new long[ROUNDS * PER_ROUND];
                // Warm-up: both statements, JIT and Janino-compiled code.
                round(plain, false, new long[PER_ROUND * 5], 0, PER_ROUND * 5);
                round(expr, true, new long[PER_ROUND * 5], 0, PER_ROUND * 5);
                for (int r = 0; r < ROUNDS; r++) {
                    round(plain, false, plainNanos, r * PER_ROUND, PER_ROUND);
                    round(expr, true, exprNanos, r * PER_ROUND, PER_ROUND);
                }
                Arrays.sort(plainNanos);
                Arrays.sort(exprNanos);
                double p50Ratio = (double) percentile(exprNanos, 0.50) / percentile(plainNanos, 0.50);
                double meanRatio = (double) Arrays.stream(exprNanos).sum() / Arrays.stream(plainNanos).sum();
                System.out.println("\nBENCH request-time expressions, RocksDB, one JDBC connection, "
                        + ROUNDS * PER_ROUND + " lookups each, alternating rounds of " + PER_ROUND + ":");
                System.out.println(line("plain lookup (2 features)", plainNanos));
                System.out.println(line("lookup with expressions", exprNanos));
                System.out.printf(Locale.ROOT, "ratio expressions/plain: p50 %.3f, mean %.3f%n", p50Ratio, meanRatio);
            }
        }
    }

    private static void round(PreparedStatement ps, boolean withAmount, long[] nanos, int from, int count)
            throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < count; i++) {
            int p = 1;
            if (withAmount) {
                ps.setDouble(p++, random.nextInt(100_000) / 100.0);
            }
            ps.setLong(p, random.nextInt(KEYS));
            long t0 = System.nanoTime();
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row");
                }
                rs.getObject(1);
                rs.getObject(2);
            }
            nanos[from + i] = System.nanoTime() - t0;
        }
    }

    private static long percentile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))];
    }

    private static String line(String label, long[] sorted) {
        return String.format(Locale.ROOT, "%-28s p50 %7.1f µs  p99 %7.1f µs  mean %7.1f µs", label,
                percentile(sorted, 0.50) / 1e3, percentile(sorted, 0.99) / 1e3,
                Arrays.stream(sorted).average().orElse(0) / 1e3);
    }
}
