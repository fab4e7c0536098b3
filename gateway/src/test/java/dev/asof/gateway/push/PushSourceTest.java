package dev.asof.gateway.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push sources over JDBC on the embedded engines: CREATE SOURCE ... PUSH, INSERT (literals,
 * prepared, batched), grants, type checks, idempotency keys, and the rows in the warehouse with
 * their created time, so that AS OF sees a row only from its arrival on.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PushSourceTest {
    private static final String BOB = "bob";
    private static final String BOB_PASSWORD = "bob-secret-1";

    @TempDir
    Path dir;

    private AsofGateway gateway;
    private Connection admin;

    @BeforeEach
    void start() throws SQLException {
        gateway = startGateway();
        admin = TestUsers.connect(gateway.jdbcUrl());
        run(admin, "CREATE ENTITY app_user (user_id BIGINT)");
        run(admin, "CREATE SOURCE clicks (user_id BIGINT, ts TIMESTAMP, amount DOUBLE, page VARCHAR)"
                + " EVENT TIME ts PUSH");
        run(admin, "CREATE FEATURE VIEW last_click ENTITY app_user FROM clicks AS SELECT user_id, amount, page");
    }

    private AsofGateway startGateway() {
        return AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir.resolve("data"))),
                UnaryOperator.identity(), Map.of());
    }

    @AfterEach
    void stop() throws SQLException {
        if (admin != null) {
            admin.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void pushedRowsAreVisibleAsOfTheirArrivalOnly() throws Exception {
        LocalDateTime before = LocalDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1);
        try (PreparedStatement ps = admin.prepareStatement("INSERT INTO clicks VALUES (?, ?, ?, ?)")) {
            for (long user = 1; user <= 3; user++) {
                ps.setLong(1, user);
                ps.setTimestamp(2, Timestamp.valueOf("2025-01-0" + user + " 10:00:00"));
                ps.setDouble(3, user * 1.5);
                ps.setString(4, "p" + user);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
        }
        // A later row for user 1 with an EARLIER event time: the latest event time still wins.
        run(admin, "INSERT INTO clicks (ts, user_id, amount) VALUES (TIMESTAMP '2024-12-31 00:00:00', 1, -7)");
        assertThat(gateway.push().awaitAppended(60_000)).isTrue();

        assertThat(rows(admin, "SELECT user_id, amount, page FROM last_click AS OF TIMESTAMP '2099-01-01 00:00:00'"
                + " ORDER BY user_id")).containsExactly(List.of(1L, 1.5, "p1"), List.of(2L, 3.0, "p2"),
                List.of(3L, 4.5, "p3"));
        // The events happened in 2025, but asof learnt of them only now: not visible before.
        String asOfBefore = Timestamp.valueOf(before).toString();
        assertThat(rows(admin, "SELECT user_id, amount FROM last_click AS OF TIMESTAMP '" + asOfBefore
                + "' WHERE user_id IN (1, 2, 3)")).allSatisfy(r -> assertThat(r.get(1)).isNull());
        // The created time column is the arrival instant, in UTC.
        List<List<Object>> created = rows(admin, "SELECT _created FROM lake.asof_push.clicks");
        assertThat(created).hasSize(4).allSatisfy(r -> assertThat(((Timestamp) r.get(0)).toLocalDateTime())
                .isAfter(before).isBefore(LocalDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(1)));
        assertThat(rows(admin, "SELECT count(DISTINCT _seq), count(*) FROM lake.asof_push.clicks"))
                .containsExactly(List.of(4L, 4L));
    }

    @Test
    void insertNeedsTheInsertGrant() throws Exception {
        run(admin, "CREATE USER " + BOB + " PASSWORD '" + BOB_PASSWORD + "'");
        try (Connection bob = connect(BOB, BOB_PASSWORD)) {
            SQLException e = assertThrows(SQLException.class, () -> run(bob,
                    "INSERT INTO clicks VALUES (9, TIMESTAMP '2025-01-01 00:00:00', 1.0, 'x')"));
            assertThat(e.getSQLState()).isEqualTo("42501");
            assertThat(e.getMessage()).contains("INSERT on source clicks");
            try (PreparedStatement ps = bob.prepareStatement("INSERT INTO clicks (user_id, ts) VALUES (?, ?)")) {
                ps.setLong(1, 9);
                ps.setTimestamp(2, Timestamp.valueOf("2025-01-01 00:00:00"));
                ps.addBatch();
                SQLException batch = assertThrows(SQLException.class, ps::executeBatch);
                assertThat(batch.getSQLState()).isEqualTo("42501");
            } catch (SQLException refusedAtPrepare) {
                assertThat(refusedAtPrepare.getSQLState()).isEqualTo("42501");
            }
            // Granting SELECT is not enough; INSERT on another source neither.
            run(admin, "GRANT SELECT ON SOURCE clicks TO " + BOB);
            assertThat(assertThrows(SQLException.class, () -> run(bob,
                    "INSERT INTO clicks VALUES (9, TIMESTAMP '2025-01-01 00:00:00', 1.0, 'x')")).getSQLState())
                    .isEqualTo("42501");
            assertThat(gateway.push().awaitAppended(60_000)).isTrue();
            assertThat(rows(admin, "SELECT count(*) FROM lake.asof_push.clicks")).containsExactly(List.of(0L));

            run(admin, "GRANT INSERT ON SOURCE clicks TO " + BOB);
            try (PreparedStatement ps = bob.prepareStatement("INSERT INTO clicks (user_id, ts) VALUES (?, ?)")) {
                ps.setLong(1, 9);
                ps.setTimestamp(2, Timestamp.valueOf("2025-01-01 00:00:00"));
                ps.addBatch();
                assertThat(ps.executeBatch()).containsExactly(1);
            }
            assertThat(gateway.push().awaitAppended(60_000)).isTrue();
            assertThat(rows(admin, "SELECT user_id, amount FROM lake.asof_push.clicks")).containsExactly(
                    java.util.Arrays.asList(9L, null));
            // INSERT is granted on push sources only.
            run(admin, "CREATE TABLE lake.main.events (id BIGINT, ts TIMESTAMP)");
            run(admin, "CREATE SOURCE events FROM TABLE lake.main.events EVENT TIME ts");
            SQLException notPush = assertThrows(SQLException.class, () -> run(admin, "GRANT INSERT ON SOURCE events TO "
                    + BOB));
            assertThat(notPush.getMessage()).contains("not a push source");
            // Anything but a push source stays the warehouse's: admin only.
            assertThat(assertThrows(SQLException.class, () -> run(bob,
                    "INSERT INTO lake.main.events VALUES (1, TIMESTAMP '2025-01-01 00:00:00')")).getSQLState())
                    .isEqualTo("42501");
        }
    }

    @Test
    void aBadRowRejectsTheWholeStatement() throws Exception {
        try (PreparedStatement ps = admin.prepareStatement("INSERT INTO clicks (user_id, ts, amount) VALUES (?, ?, ?)")) {
            ps.setLong(1, 1);
            ps.setTimestamp(2, Timestamp.valueOf("2025-01-01 00:00:00"));
            ps.setDouble(3, 1.0);
            ps.addBatch();
            ps.setString(1, "not a number");
            ps.setTimestamp(2, Timestamp.valueOf("2025-01-01 00:00:00"));
            ps.setDouble(3, 2.0);
            ps.addBatch();
            SQLException e = assertThrows(SQLException.class, ps::executeBatch);
            assertThat(e.getSQLState()).isEqualTo("22018");
            assertThat(e.getMessage()).contains("row 2").contains("'not a number'").contains("user_id");
            assertThat(e.getMessage()).doesNotContain("Exception");
        }
        SQLException nullTime = assertThrows(SQLException.class, () -> run(admin,
                "INSERT INTO clicks (user_id, amount) VALUES (1, 1.0)"));
        assertThat(nullTime.getSQLState()).isEqualTo("23502");
        assertThat(nullTime.getMessage()).contains("'ts'").contains("EVENT TIME");
        SQLException fraction = assertThrows(SQLException.class, () -> run(admin,
                "INSERT INTO clicks VALUES (1, TIMESTAMP '2025-01-01 00:00:00', 1, 'a'), (1.5, TIMESTAMP '2025-01-01 00:00:00', 1, 'a')"));
        assertThat(fraction.getSQLState()).isEqualTo("22018");
        SQLException unknown = assertThrows(SQLException.class, () -> run(admin,
                "INSERT INTO clicks (user_id, tss) VALUES (1, TIMESTAMP '2025-01-01 00:00:00')"));
        assertThat(unknown.getSQLState()).isEqualTo("21S01");
        assertThat(unknown.getMessage()).contains("tss").contains("ts");
        SQLException width = assertThrows(SQLException.class, () -> run(admin,
                "INSERT INTO clicks (user_id, ts) VALUES (1)"));
        assertThat(width.getSQLState()).isEqualTo("21S01");
        // The session is still usable, and nothing of the failed statements was stored.
        run(admin, "INSERT INTO clicks (user_id, ts) VALUES (5, '2025-01-01 00:00:00')");
        assertThat(gateway.push().awaitAppended(60_000)).isTrue();
        assertThat(rows(admin, "SELECT user_id FROM lake.asof_push.clicks")).containsExactly(List.of(5L));
    }

    @Test
    void anIdempotencyKeyStoresTheFirstArrivalOnly() throws Exception {
        run(admin, "CREATE SOURCE payments (payment_id VARCHAR, user_id BIGINT, ts TIMESTAMP, amount DOUBLE)"
                + " EVENT TIME ts PUSH IDEMPOTENCY KEY payment_id");
        try (PreparedStatement ps = admin.prepareStatement("INSERT INTO payments VALUES (?, ?, ?, ?)")) {
            Object[][] rows = {{"a", 1L, 10.0}, {"b", 2L, 20.0}, {"a", 1L, 99.0}, {"c", 3L, 30.0}, {"b", 2L, 98.0}};
            for (Object[] r : rows) {
                ps.setString(1, (String) r[0]);
                ps.setLong(2, (Long) r[1]);
                ps.setTimestamp(3, Timestamp.valueOf("2025-01-01 00:00:00"));
                ps.setDouble(4, (Double) r[2]);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).containsExactly(1, 1, 0, 1, 0);
        }
        try (Statement s = admin.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO payments VALUES ('a', 1, TIMESTAMP '2025-01-02 00:00:00', 5.0),"
                    + " ('d', 4, TIMESTAMP '2025-01-02 00:00:00', 40.0)")).isEqualTo(1);
        }
        assertThat(gateway.push().awaitAppended(60_000)).isTrue();
        assertThat(rows(admin, "SELECT payment_id, amount FROM lake.asof_push.payments ORDER BY payment_id")).containsExactly(
                List.of("a", 10.0), List.of("b", 20.0), List.of("c", 30.0), List.of("d", 40.0));

        // After a restart the keys seen before still count.
        admin.close();
        gateway.close();
        gateway = startGateway();
        admin = TestUsers.connect(gateway.jdbcUrl());
        try (Statement s = admin.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO payments VALUES ('c', 3, TIMESTAMP '2025-01-03 00:00:00', 7.0),"
                    + " ('e', 5, TIMESTAMP '2025-01-03 00:00:00', 50.0)")).isEqualTo(1);
        }
        assertThat(gateway.push().awaitAppended(60_000)).isTrue();
        assertThat(rows(admin, "SELECT payment_id, amount FROM lake.asof_push.payments ORDER BY payment_id")).containsExactly(
                List.of("a", 10.0), List.of("b", 20.0), List.of("c", 30.0), List.of("d", 40.0), List.of("e", 50.0));
    }

    @Test
    void listenersHearEveryDurableBatchInOrder() throws Exception {
        List<PushedBatch> heard = new CopyOnWriteArrayList<>();
        // The gateway's list is the one AsofGateway wires; tests reach it through a listener of their own.
        admin.close();
        gateway.close();
        gateway = startGateway();
        admin = TestUsers.connect(gateway.jdbcUrl());
        gateway.pushListeners().add(heard::add);
        run(admin, "INSERT INTO clicks (user_id, ts, amount) VALUES (1, TIMESTAMP '2025-01-01 00:00:00', 2.5),"
                + " (2, TIMESTAMP '2025-01-02 00:00:00', 3.5)");
        run(admin, "INSERT INTO clicks (user_id, ts) VALUES (3, TIMESTAMP '2025-01-03 00:00:00')");
        assertThat(heard).hasSize(2);
        PushedBatch first = heard.get(0);
        assertThat(first.source()).isEqualTo("clicks");
        assertThat(first.rows()).hasSize(2);
        assertThat(first.rows().get(0)).containsExactly(1L, LocalDateTime.of(2025, 1, 1, 0, 0), 2.5, null);
        assertThat(heard.get(1).firstSequence()).isEqualTo(first.firstSequence() + 2);
        assertThat(heard.get(1).createdMicros()).isGreaterThanOrEqualTo(first.createdMicros());
        assertThat(gateway.push().awaitAppended(60_000)).isTrue();
        assertThat(rows(admin, "SELECT _seq FROM lake.asof_push.clicks ORDER BY _seq")).containsExactly(
                List.of(first.firstSequence()), List.of(first.firstSequence() + 1), List.of(first.firstSequence() + 2));
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(gateway.jdbcUrl(), p);
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
