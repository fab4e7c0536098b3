package dev.asof.conformance.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.SettableClock;
import dev.asof.conformance.TestCredentials;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Served-feature logging and VALIDATE with Trino as the warehouse: the logged lookups are
 * bulk-loaded into {@code memory.asof_internal} (the push schema's catalog), and VALIDATE replays
 * them on Trino: nothing on clean data, then exactly the key whose warehouse value was corrected
 * after the MATERIALIZE that the lookup was served from.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TrinoServedFeatureSkewTest {
    private static final Instant T = Instant.parse("2025-03-01T00:00:00Z");
    private static final String LOOKUP = "SELECT segment, score FROM customer_profile WHERE customer_id = ?";

    @TempDir
    Path dir;

    @Test
    void validateReportsZeroOnCleanDataAndTheKeyServedStale() throws Exception {
        SettableClock clock = new SettableClock(T);
        GatewayConfig config = TrinoEngine.warehouse(TestCredentials.withAdmin(GatewayConfig.embedded(dir)),
                TrinoEngine.uniquePushSchema()).withClock(clock);
        String table = "memory.\"default\".profile_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        try (AsofGateway gateway = AsofGateway.start(config);
                Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()))) {
            run(c, "CREATE TABLE " + table + " (customer_id BIGINT, segment VARCHAR, score DOUBLE, ts TIMESTAMP(6),"
                    + " created_at TIMESTAMP(6))");
            StringBuilder values = new StringBuilder();
            for (int k = 1; k <= 20; k++) {
                values.append(k == 1 ? "" : ", ").append("(").append(k).append(", 's").append(k).append("', DOUBLE '")
                        .append(k + 0.25).append("', TIMESTAMP '2025-02-20 00:00:00', TIMESTAMP '2025-02-20 00:00:00')");
            }
            run(c, "INSERT INTO " + table + " VALUES " + values);
            run(c, "CREATE ENTITY customer (customer_id BIGINT)");
            run(c, "CREATE SOURCE profile FROM TABLE " + table + " EVENT TIME ts CREATED TIME created_at");
            run(c, "CREATE FEATURE VIEW customer_profile ENTITY customer FROM profile"
                    + " AS SELECT customer_id, segment, score ONLINE LOG SAMPLE 1");
            run(c, "MATERIALIZE customer_profile");
            for (long key = 1; key <= 20; key++) {
                assertThat(lookup(c, key)).containsExactly(List.of("s" + key, key + 0.25));
            }
            assertThat(lookup(c, 999)).as("no value: nothing served, nothing logged").isEmpty();

            assertThat(rows(c, "VALIDATE FEATURE VIEW customer_profile")).containsExactly(
                    Arrays.asList("customer_profile", "segment", 20L, 0L, 0.0, null),
                    Arrays.asList("customer_profile", "score", 20L, 0L, 0.0, null));

            // A correction for key 7 reaches Trino at 00:30, after the MATERIALIZE: lookups serve the old score.
            run(c, "INSERT INTO " + table + " VALUES (7, 's7', DOUBLE '99.5', TIMESTAMP '2025-02-25 00:00:00',"
                    + " TIMESTAMP '2025-03-01 00:30:00')");
            clock.set(T.plusSeconds(3_600));
            assertThat(lookup(c, 7)).containsExactly(List.of("s7", 7.25));
            assertThat(lookup(c, 8)).containsExactly(List.of("s8", 8.25));

            List<List<Object>> skewed = rows(c, "VALIDATE FEATURE VIEW customer_profile");
            assertThat(skewed.get(0)).isEqualTo(Arrays.asList("customer_profile", "segment", 22L, 0L, 0.0, null));
            assertThat(skewed.get(1)).isEqualTo(Arrays.asList("customer_profile", "score", 22L, 1L, 1.0 / 22,
                    "customer_id=7 at 2025-03-01T01:00:00Z: served 7.25, offline 99.5"));
            // The log is a Trino table in the push schema's catalog.
            long viewId = gateway.executor().registry().objectId("customer_profile").orElseThrow();
            assertThat(rows(c, "SELECT count(*), count(DISTINCT customer_id) FROM memory.asof_internal.feature_log_customer_profile_"
                    + viewId)).containsExactly(List.of(22L, 20L));
        }
    }

    private static List<List<Object>> lookup(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOOKUP)) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rows(rs);
            }
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rows(rs);
        }
    }

    private static List<List<Object>> rows(ResultSet rs) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                row.add(rs.getObject(i));
            }
            out.add(row);
        }
        return out;
    }
}
