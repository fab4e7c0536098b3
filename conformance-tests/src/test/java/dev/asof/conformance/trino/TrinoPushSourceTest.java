package dev.asof.conformance.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.SettableClock;
import dev.asof.conformance.TestCredentials;
import dev.asof.connector.trino.TestingTrinoServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push sources with Trino as the warehouse ({@code asof.trino.push-schema}): CREATE SOURCE … PUSH
 * makes the table in the push schema; JDBC INSERT and executeBatch rows reach it with their
 * created time (a batch larger than one INSERT chunk); idempotency keys de-duplicate, also after
 * a restart (the keys are read back from Trino); and rows acknowledged while Trino could not take
 * them stay in the log over a gateway stop and are appended exactly once at the next start.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TrinoPushSourceTest {
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final String INJECTION = "x'); DROP TABLE memory.\"default\".anything; --";

    @TempDir
    Path dir;

    @Test
    void pushedRowsReachTrinoOnceWithTheirCreatedTimeAcrossARestartWithRowsStillInTheLog() throws Exception {
        String pushSchema = TrinoEngine.uniquePushSchema();
        String table = "memory." + pushSchema + ".payments";
        SettableClock clock = new SettableClock(T0);
        GatewayConfig config = TrinoEngine.warehouse(TestCredentials.withAdmin(GatewayConfig.embedded(dir)), pushSchema)
                .withClock(clock);
        AsofGateway gateway = AsofGateway.start(config);
        try {
            try (Connection c = connect(gateway)) {
                run(c, "CREATE ENTITY customer (customer_id BIGINT)");
                run(c, "CREATE SOURCE payments (payment_id VARCHAR, customer_id BIGINT, ts TIMESTAMP, amount DOUBLE,"
                        + " note VARCHAR) EVENT TIME ts PUSH IDEMPOTENCY KEY payment_id");
                run(c, "CREATE FEATURE VIEW last_payment ENTITY customer FROM payments AS SELECT customer_id, amount, note");
                assertThat(rows(c, "SELECT count(*) FROM " + table)).containsExactly(List.of(0L));

                try (Statement s = c.createStatement()) {
                    assertThat(s.executeUpdate("INSERT INTO payments VALUES ('p0', 1, TIMESTAMP '2025-06-01 09:00:00',"
                            + " 1.5, 'it''s')")).isEqualTo(1);
                }
                // 3,000 rows in one executeBatch: three INSERT chunks in Trino. p0..p299 come again
                // (with amount -1000): acknowledged, not stored.
                clock.set(T0.plusSeconds(60));
                int[] counts = pushBatch(c, 1, 3_000, 2_700);
                for (int i = 0; i < counts.length; i++) {
                    assertThat(counts[i]).as("row " + (i + 1)).isEqualTo(i < 2_700 ? 1 : 0);
                }
                assertThat(gateway.push().awaitAppended(120_000)).isTrue();

                // Amounts 1.5 + 0.25 * (1 + ... + 2700): the duplicates' -1000s are not there.
                assertThat(rows(c, "SELECT count(*), count(DISTINCT _seq), count(DISTINCT payment_id), sum(amount),"
                        + " CAST(min(_created) AS VARCHAR), CAST(max(_created) AS VARCHAR) FROM " + table))
                        .containsExactly(List.of(2_701L, 2_701L, 2_701L, 911_589.0, "2025-06-01 12:00:00.000000",
                                "2025-06-01 12:01:00.000000"));
                assertThat(rows(c, "SELECT note FROM " + table + " WHERE payment_id IN ('p0', 'p13') ORDER BY payment_id"))
                        .containsExactly(List.of("it's"), List.of(INJECTION));
                // Customer 1's latest event is row 2651 (10:44:11), known only from 12:01:00 on.
                assertThat(rows(c, "SELECT amount FROM last_payment AS OF TIMESTAMP '2025-06-01 12:00:30' WHERE customer_id = 1"))
                        .containsExactly(List.of(1.5));
                assertThat(rows(c, "SELECT amount FROM last_payment AS OF TIMESTAMP '2025-06-01 12:01:00' WHERE customer_id = 1"))
                        .containsExactly(List.of(662.75));

                // Trino cannot take rows now: the table is renamed away behind the gateway's back.
                trino("ALTER TABLE memory." + pushSchema + ".payments RENAME TO payments_away");
                clock.set(T0.plusSeconds(120));
                int[] late = pushBatch(c, 3_001, 3_102, 3_100);
                assertThat(Arrays.stream(late).sum()).as("p3001..p3100 new, then p0 and p1 again").isEqualTo(100);
                assertThat(gateway.push().awaitAppended(2_000)).as("not appended while the table is away").isFalse();
            }
            gateway.close(); // the appender gives up; the 100 rows stay in the log
            gateway = null;
            trino("ALTER TABLE memory." + pushSchema + ".payments_away RENAME TO payments");

            clock.set(T0.plusSeconds(180));
            gateway = AsofGateway.start(config); // appends what the log holds before serving
            try (Connection c = connect(gateway)) {
                assertThat(rows(c, "SELECT count(*), count(DISTINCT _seq), count(DISTINCT payment_id),"
                        + " CAST(max(_created) AS VARCHAR) FROM " + table))
                        .containsExactly(List.of(2_801L, 2_801L, 2_801L, "2025-06-01 12:02:00.000000"));
                // The keys seen before the restart still count (read back from Trino).
                try (Statement s = c.createStatement()) {
                    assertThat(s.executeUpdate("INSERT INTO payments VALUES ('p3050', 7, TIMESTAMP '2025-06-01 11:00:00',"
                            + " -1, NULL), ('p7', 7, TIMESTAMP '2025-06-01 11:00:00', -1, NULL),"
                            + " ('q1', 7, TIMESTAMP '2025-06-01 11:00:00', 4.0, NULL)")).isEqualTo(1);
                }
                assertThat(gateway.push().awaitAppended(120_000)).isTrue();
                assertThat(rows(c, "SELECT count(*), count(DISTINCT _seq), sum(CASE WHEN amount < 0 THEN 1 ELSE 0 END)"
                        + " FROM " + table)).containsExactly(List.of(2_802L, 2_802L, 0L));
            }
        } finally {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    /**
     * Pushes rows {@code from..to} in one executeBatch: payment id {@code p<i>} up to {@code newUpTo},
     * then ids seen before ({@code p0}, {@code p1}, …) with amount -1000; customer {@code i % 50},
     * event time 10:00 + i s, amount i / 4, no note for every seventh row, SQL-looking text for row 13.
     */
    private static int[] pushBatch(Connection c, int from, int to, int newUpTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO payments VALUES (?, ?, ?, ?, ?)")) {
            for (int i = from; i <= to; i++) {
                boolean again = i > newUpTo;
                ps.setString(1, "p" + (again ? i - newUpTo - 1 : i));
                ps.setLong(2, i % 50);
                ps.setObject(3, LocalDateTime.of(2025, 6, 1, 10, 0).plusSeconds(i));
                ps.setDouble(4, again ? -1000.0 : i * 0.25);
                if (i == 13) {
                    ps.setString(5, INJECTION);
                } else if (i % 7 == 0) {
                    ps.setNull(5, Types.VARCHAR);
                } else {
                    ps.setString(5, "n" + i);
                }
                ps.addBatch();
            }
            return ps.executeBatch();
        }
    }

    /** A statement run on the test Trino directly, as another Trino user would. */
    private static void trino(String sql) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "someone-else");
        try (Connection c = DriverManager.getConnection(TestingTrinoServer.shared().jdbcUrl(), p);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection connect(AsofGateway gateway) throws SQLException {
        return DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
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
}
