package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * README "Semantics", times at the edges: DuckDB's {@code -infinity} and {@code infinity} order as
 * {@code -∞ < every finite instant < +∞} (a spine at +∞ sees the latest row, one at -∞ only rows at
 * -∞; a source row at -∞ is visible to every spine, one at +∞ only to +∞ inclusive; TTL and
 * windows saturate), finite times outside 0001-01-01 … 9999-12-31 fail with SQLSTATE 22008 naming
 * the column, and an infinite or out-of-range value never reaches a client garbled. Only DuckDB
 * has infinite timestamps (Trino has none), so this runs on DuckDB.
 *
 * <p>Customer 1 has rows old@-∞, mid@2025-01-10, future@+∞; customer 2 x@2025-01-10 only. A rule
 * treating infinities as NULL drops old and future (spines get NULL or, sorted last, the latest
 * value); a rule ignoring EXCLUSIVE at ±∞ gives future to the +∞ EXCLUSIVE spine.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DuckDbInfiniteTimeTest extends ConformanceSupport {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    private Connection conn;
    private String schema;

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }

    @BeforeEach
    void open() throws SQLException {
        conn = connect();
        schema = createSchema(conn);
    }

    @AfterEach
    void closeConnection() throws SQLException {
        if (conn != null) {
            conn.close();
        }
    }

    private String events() throws SQLException {
        String t = schema + ".events";
        exec(conn, "CREATE TABLE " + t + " (customer_id BIGINT, event_ts TIMESTAMP, segment VARCHAR, score DOUBLE)");
        exec(conn, "INSERT INTO " + t + " VALUES (1, '-infinity', 'old', 1.0), (1, '2025-01-10', 'mid', 2.0),"
                + " (1, 'infinity', 'future', 3.0), (2, '2025-01-10', 'x', 10.0)");
        return t;
    }

    private String labels() throws SQLException {
        String t = schema + ".labels";
        exec(conn, "CREATE TABLE " + t + " (id BIGINT, customer_id BIGINT, event_ts TIMESTAMP)");
        exec(conn, "INSERT INTO " + t + " VALUES (1, 1, '-infinity'), (2, 1, '2025-01-01'), (3, 1, '2025-01-10'),"
                + " (4, 1, 'infinity'), (5, 2, '-infinity'), (6, 2, 'infinity'), (7, 2, '9999-12-31 23:59:59.999999'),"
                + " (8, 1, '0001-01-01 00:00:00')");
        return t;
    }

    private String pit(String labels, String view, boolean exclusive) {
        return "SELECT l.id, p.segment FROM " + labels + " l LEFT JOIN " + view + " AS OF l.event_ts"
                + (exclusive ? " EXCLUSIVE" : "") + " p ON p.customer_id = l.customer_id ORDER BY l.id";
    }

    /** Inclusive: ±∞ spines see rows at their own instant; -∞ rows are visible to every spine. */
    @Test
    void infiniteTimesOrderAroundEveryFiniteInstantInclusive() throws SQLException {
        Profile p = defineProfile(conn, events(), false, null);
        assertThat(query(conn, pit(labels(), p.view(), false))).containsExactly(
                row(1L, "old"), row(2L, "old"), row(3L, "mid"), row(4L, "future"),
                row(5L, null), row(6L, "x"), row(7L, "x"), row(8L, "old"));
    }

    /** EXCLUSIVE: nothing is before -∞ (no later value leaks to it); +∞ EXCLUSIVE sees the latest finite row. */
    @Test
    void infiniteTimesNeverLeakALaterValueExclusive() throws SQLException {
        Profile p = defineProfile(conn, events(), false, null);
        assertThat(query(conn, pit(labels(), p.view(), true))).containsExactly(
                row(1L, null), row(2L, "old"), row(3L, "old"), row(4L, "mid"),
                row(5L, null), row(6L, "x"), row(7L, "x"), row(8L, "old"));
    }

    /** TTL saturates: -∞ - ttl is -∞ (the -∞ row is live there), +∞ - ttl is +∞ (only the +∞ row is). */
    @Test
    void ttlSaturatesAtInfinity() throws SQLException {
        Profile p = defineProfile(conn, events(), false, "INTERVAL '1' DAY");
        assertThat(query(conn, pit(labels(), p.view(), false))).containsExactly(
                row(1L, "old"), row(2L, null), row(3L, "mid"), row(4L, "future"),
                row(5L, null), row(6L, null), row(7L, null), row(8L, null));
    }

    /** A window of 1 day at +∞ holds only +∞ rows, at -∞ only -∞ rows; no overflow. */
    @Test
    void windowsAtInfinityHoldOnlyRowsAtThatInfinity() throws SQLException {
        String events = events();
        Profile p = defineProfile(conn, events, false, null);
        String w = unique("win");
        exec(conn, "CREATE FEATURE VIEW " + w + " ENTITY " + p.entity() + " FROM " + p.source() + " AS SELECT customer_id,"
                + " COUNT(*) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS n,"
                + " LAST(segment) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS last_seg HOP INTERVAL '1' HOUR");
        String labels = labels();
        String sql = "SELECT l.id, w.n, w.last_seg FROM " + labels + " l LEFT JOIN " + w + " AS OF l.event_ts %s w"
                + " ON w.customer_id = l.customer_id ORDER BY l.id";
        assertThat(query(conn, sql.formatted(""))).containsExactly(
                row(1L, 1L, "old"), row(2L, 0L, null), row(3L, 1L, "mid"), row(4L, 1L, "future"),
                row(5L, 0L, null), row(6L, 0L, null), row(7L, 0L, null), row(8L, 0L, null));
        assertThat(query(conn, sql.formatted("EXCLUSIVE"))).containsExactly(
                row(1L, 0L, null), row(2L, 0L, null), row(3L, 0L, null), row(4L, 0L, null),
                row(5L, 0L, null), row(6L, 0L, null), row(7L, 0L, null), row(8L, 0L, null));
    }

    /**
     * The same rules with a CREATED TIME (a plan that orders the plain timestamps as they are):
     * a NULL created time counts as the event time; customer 2's row 'x' (e = 01-10) is created at
     * +∞, so only a spine row at +∞ sees it, without EXCLUSIVE.
     */
    @Test
    void infiniteTimesWithACreatedTime() throws SQLException {
        String t = schema + ".events_c";
        exec(conn, "CREATE TABLE " + t + " (customer_id BIGINT, event_ts TIMESTAMP, loaded_at TIMESTAMP, segment VARCHAR,"
                + " score DOUBLE)");
        exec(conn, "INSERT INTO " + t + " VALUES (1, '-infinity', NULL, 'old', 1.0), (1, '2025-01-10', '2025-01-10', 'mid', 2.0),"
                + " (1, 'infinity', NULL, 'future', 3.0), (2, '2025-01-10', 'infinity', 'x', 10.0),"
                + " (2, '2025-01-05', NULL, 'w', 5.0)");
        String labels = labels();
        Profile p = defineProfile(conn, t, true, null);
        assertThat(query(conn, pit(labels, p.view(), false))).containsExactly(
                row(1L, "old"), row(2L, "old"), row(3L, "mid"), row(4L, "future"),
                row(5L, null), row(6L, "x"), row(7L, "w"), row(8L, "old"));
        assertThat(query(conn, pit(labels, p.view(), true))).containsExactly(
                row(1L, null), row(2L, "old"), row(3L, "old"), row(4L, "mid"),
                row(5L, null), row(6L, "w"), row(7L, "w"), row(8L, "old"));
        Profile ttl = defineProfile(conn, t, true, "INTERVAL '1' DAY");
        assertThat(query(conn, pit(labels, ttl.view(), false))).containsExactly(
                row(1L, "old"), row(2L, null), row(3L, "mid"), row(4L, "future"),
                row(5L, null), row(6L, null), row(7L, null), row(8L, null));
    }

    /** With a CREATED TIME, a created time or a spine time beyond 9999-12-31 fails with 22008 naming its column. */
    @Test
    void outOfRangeCreatedOrSpineTimeFailsNamingTheColumn() throws SQLException {
        String t = schema + ".far_c";
        exec(conn, "CREATE TABLE " + t + " (customer_id BIGINT, event_ts TIMESTAMP, loaded_at TIMESTAMP, segment VARCHAR,"
                + " score DOUBLE)");
        exec(conn, "INSERT INTO " + t + " VALUES (1, '2025-01-01', '2025-01-01', 'a', 1.0), (2, '2025-01-01', '12000-01-01', 'z', 9.0)");
        Profile p = defineProfile(conn, t, true, null);
        SQLException e = expectError(conn, pit(labels(), p.view(), false));
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("22008");
        assertThat(e.getMessage()).contains("loaded_at").contains("9999-12-31").doesNotContain("\tat ");
        assertUsable(conn);

        String ok = schema + ".ok_c";
        exec(conn, "CREATE TABLE " + ok + " AS SELECT * FROM " + t + " WHERE customer_id = 1");
        String far = schema + ".far_labels";
        exec(conn, "CREATE TABLE " + far + " (id BIGINT, customer_id BIGINT, spine_ts TIMESTAMP)");
        exec(conn, "INSERT INTO " + far + " VALUES (1, 1, '2025-01-02'), (2, 1, '12000-01-01')");
        Profile okView = defineProfile(conn, ok, true, null);
        SQLException s = expectError(conn, "SELECT l.id, p.segment FROM " + far + " l LEFT JOIN " + okView.view()
                + " AS OF l.spine_ts p ON p.customer_id = l.customer_id");
        assertThat(s.getSQLState()).as(s.getMessage()).isEqualTo("22008");
        assertThat(s.getMessage()).contains("spine_ts");
        assertUsable(conn);
        assertThat(query(conn, "SELECT l.id, p.segment FROM " + far + " l LEFT JOIN " + okView.view()
                + " AS OF l.spine_ts p ON p.customer_id = l.customer_id WHERE l.id = 1")).containsExactly(row(1L, "a"));
    }

    /** A finite time beyond 9999-12-31 in a source fails the query with 22008 naming the column. */
    @Test
    void outOfRangeSourceTimeFailsNamingTheColumn() throws SQLException {
        String t = schema + ".far";
        exec(conn, "CREATE TABLE " + t + " (customer_id BIGINT, event_ts TIMESTAMP, segment VARCHAR, score DOUBLE)");
        exec(conn, "INSERT INTO " + t + " VALUES (1, '2025-01-01', 'a', 1.0), (1, '12000-01-01', 'z', 9.0)");
        Profile p = defineProfile(conn, t, false, null);
        SQLException e = expectError(conn, pit(labels(), p.view(), false));
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("22008");
        assertThat(e.getMessage()).contains("event_ts").contains("9999-12-31").doesNotContain("\tat ");
        assertUsable(conn);
    }

    /** Infinite and year-294247 times do not travel garbled over JDBC: 22008 naming the column. */
    @Test
    void infiniteTimesAreAClearErrorOverJdbc() throws SQLException {
        String labels = labels();
        for (String where : new String[] {"id = 4", "id = 1"}) {
            SQLException e = expectError(conn, "SELECT id, event_ts FROM " + labels + " WHERE " + where);
            assertThat(e.getSQLState()).isEqualTo("22008");
            assertThat(e.getMessage()).contains("event_ts");
            assertUsable(conn);
        }
        SQLException far = expectError(conn, "SELECT CAST('294247-01-01 00:00:00' AS TIMESTAMP) AS far_ts");
        assertThat(far.getSQLState()).isEqualTo("22008");
        assertThat(far.getMessage()).contains("far_ts");
        // The limits themselves travel intact, to the microsecond.
        assertThat(query(conn, "SELECT event_ts FROM " + labels + " WHERE id IN (7, 8) ORDER BY id").stream()
                        .map(r -> ((java.sql.Timestamp) r.get(0)).toLocalDateTime()).toList())
                .containsExactly(ts("9999-12-31 23:59:59.999999"), ts("0001-01-01"));
    }

    /** Online: a row at -∞ is materialized as the key's value, a row at +∞ is not visible at now. */
    @Test
    void onlineServesRowsAtMinusInfinityAndNotAtPlusInfinity() throws Exception {
        Path dir = Files.createTempDirectory("asof-infinite-online");
        GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir))
                .withClock(new SettableClock(Instant.parse("2025-03-01T00:00:00Z")));
        try (AsofGateway gateway = AsofGateway.start(config);
                Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE lake.main.inf_events (customer_id BIGINT, event_ts TIMESTAMP, segment VARCHAR)");
            s.execute("INSERT INTO lake.main.inf_events VALUES (3, '-infinity', 'old3'), (4, 'infinity', 'future4'),"
                    + " (5, '-infinity', 'old5'), (5, 'infinity', 'future5')");
            s.execute("CREATE ENTITY cust (customer_id BIGINT)");
            s.execute("CREATE SOURCE inf_src FROM TABLE lake.main.inf_events EVENT TIME event_ts");
            s.execute("CREATE FEATURE VIEW inf_last ENTITY cust FROM inf_src AS SELECT customer_id, segment ONLINE");
            s.execute("MATERIALIZE inf_last");
            assertThat(query(c, "SELECT customer_id, segment FROM inf_last WHERE customer_id IN (3, 4, 5) ORDER BY customer_id"))
                    .containsExactly(row(3L, "old3"), row(5L, "old5"));
            assertThat(query(c, "SELECT customer_id, segment FROM inf_last AS OF TIMESTAMP '2025-03-01 00:00:00'"
                    + " ORDER BY customer_id")).containsExactly(row(3L, "old3"), row(5L, "old5"));
        }
    }
}
