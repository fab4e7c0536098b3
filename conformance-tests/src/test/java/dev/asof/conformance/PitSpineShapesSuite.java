package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Latest-value PIT joins over spines of every shape a plan must carry through unchanged (several
 * relations, {@code SELECT *}, filters with parameters, a RIGHT JOIN above, computed times, long
 * runs of spine rows between source rows), and the created-time and tie rules with data where
 * the plausible wrong rules ("last visible row", "each feature's own maximum", "a NULL created
 * time is unknown") give different answers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class PitSpineShapesSuite extends ConformanceSupport {
    private Connection conn;
    private String schema;

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

    /**
     * CREATED TIME, customer 1: A (e 01-05, c 01-05, a, 1), B (e 01-03, loaded late at 01-07, z, 9),
     * C (e 01-05, c NULL so 01-05, b, NULL), D (e 01-05, c 01-06, a, 0); customer 2: E and F tied
     * on (01-02, 01-04) with m/2 and m/3, G (01-01, 01-01, q, NULL). Spine and expected values:
     *
     * <ul>
     *   <li>1 @ 01-04: nothing visible yet (B is loaded at 01-07).
     *   <li>2 @ 01-05: A and C tie on (e, c): (b, NULL) beats (a, 1) — each feature's own maximum
     *       would give (b, 1).
     *   <li>3 @ 01-06: D has the greatest (e, c). Exclusive: D is not visible yet, so (b, NULL).
     *   <li>4 @ 01-08: D, not B, which became visible last but has the older event time.
     *   <li>5 @ 01-03: G. 6 @ 01-04: m/3 (segments tie, score decides). Exclusive: G both times.
     * </ul>
     */
    @Test
    void createdTimeAndTiesPickTheGreatestRowWhole() throws SQLException {
        String events = createEvents(conn, schema, "events", List.of(
                Ev.of(1, "2025-01-05", "2025-01-05", "a", 1.0),
                Ev.of(1, "2025-01-03", "2025-01-07", "z", 9.0),
                new Ev(1L, ts("2025-01-05"), null, "b", null),
                Ev.of(1, "2025-01-05", "2025-01-06", "a", 0.0),
                Ev.of(2, "2025-01-02", "2025-01-04", "m", 2.0),
                Ev.of(2, "2025-01-02", "2025-01-04", "m", 3.0),
                Ev.of(2, "2025-01-01", "2025-01-01", "q", null)));
        String labels = createLabels(conn, schema, "labels", List.of(
                Lbl.of(1, 1L, "2025-01-04"),
                Lbl.of(2, 1L, "2025-01-05"),
                Lbl.of(3, 1L, "2025-01-06"),
                Lbl.of(4, 1L, "2025-01-08"),
                Lbl.of(5, 2L, "2025-01-03"),
                Lbl.of(6, 2L, "2025-01-04")));
        Profile p = defineProfile(conn, events, true, null);
        String select = "SELECT l.id, p.segment, p.score FROM " + labels + " l\n";

        assertThat(query(conn, select + "LEFT JOIN " + p.view() + " AS OF l.event_ts p ON p.customer_id = l.customer_id"))
                .containsExactlyInAnyOrder(
                        row(1L, null, null),
                        row(2L, "b", null),
                        row(3L, "a", 0.0),
                        row(4L, "a", 0.0),
                        row(5L, "q", null),
                        row(6L, "m", 3.0));
        assertThat(query(conn, select + "LEFT JOIN " + p.view()
                        + " AS OF l.event_ts EXCLUSIVE p ON p.customer_id = l.customer_id"))
                .containsExactlyInAnyOrder(
                        row(1L, null, null),
                        row(2L, null, null),
                        row(3L, "b", null),
                        row(4L, "a", 0.0),
                        row(5L, "q", null),
                        row(6L, "q", null));
        // Inner: the same values, without the spine rows that have none.
        assertThat(query(conn, select + "JOIN " + p.view() + " AS OF l.event_ts EXCLUSIVE p ON p.customer_id = l.customer_id"))
                .containsExactlyInAnyOrder(
                        row(3L, "b", null),
                        row(4L, "a", 0.0),
                        row(5L, "q", null),
                        row(6L, "q", null));
    }

    /**
     * TTL 2 days, one row at 01-01 00:00: valid up to 01-03 00:00 exactly, expired a microsecond
     * later (LEFT: NULL features, the view's key NULL too; inner: the row is dropped). A second
     * customer's newer row does not keep the first alive.
     */
    @Test
    void ttlEdgeInLeftAndInnerJoins() throws SQLException {
        String events = createEvents(conn, schema, "events", List.of(
                Ev.of(1, "2025-01-01", "old", 1.0),
                Ev.of(2, "2025-01-02 12:00:00", "other", 2.0)));
        String labels = createLabels(conn, schema, "labels", List.of(
                Lbl.of(1, 1L, "2025-01-03"),
                Lbl.of(2, 1L, "2025-01-03 00:00:00.000001"),
                Lbl.of(3, 2L, "2025-01-03 00:00:00.000001")));
        Profile p = defineProfile(conn, events, false, "INTERVAL '2' DAY");
        String select = "SELECT l.id, p.customer_id, p.segment FROM " + labels + " l\n";
        String on = " AS OF l.event_ts p ON p.customer_id = l.customer_id";

        assertThat(query(conn, select + "LEFT JOIN " + p.view() + on)).containsExactlyInAnyOrder(
                row(1L, 1L, "old"),
                row(2L, null, null),
                row(3L, 2L, "other"));
        assertThat(query(conn, select + "JOIN " + p.view() + on)).containsExactlyInAnyOrder(
                row(1L, 1L, "old"),
                row(3L, 2L, "other"));
    }

    /**
     * A spine that is a join of two tables, read with {@code SELECT *}: every column of both, in
     * order, then the view's, each spine row once; the AS OF time comes from one table, the key
     * from the other.
     */
    @Test
    void spineOfTwoRelationsWithSelectStar() throws SQLException {
        String events = createEvents(conn, schema, "events", List.of(
                Ev.of(1, "2025-01-01", "a", 1.0),
                Ev.of(1, "2025-01-05", "b", 2.0)));
        String labels = createLabels(conn, schema, "labels", List.of(
                Lbl.of(1, 1L, "2025-01-02"),
                Lbl.of(2, 1L, "2025-01-06"),
                Lbl.of(3, 7L, "2025-01-06")));
        // m has the same ids with other customers and times: the AS OF uses m's time, l's key.
        String other = createLabels(conn, schema, "other", List.of(
                Lbl.of(1, 9L, "2025-01-06"),
                Lbl.of(2, 9L, "2025-01-02"),
                Lbl.of(3, 9L, "2025-01-02")));
        Profile p = defineProfile(conn, events, false, null);

        List<List<Object>> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + labels + " l"
                + " JOIN " + other + " m ON m.id = l.id"
                + " LEFT JOIN " + p.view() + " AS OF m.event_ts p ON p.customer_id = l.customer_id")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.add(md.getColumnLabel(i).toLowerCase(Locale.ROOT));
            }
            while (rs.next()) {
                rows.add(row(rs.getLong(1), rs.getObject(2), rs.getObject(5), rs.getObject(7), rs.getString(8)));
            }
        }
        // (How duplicate names are labelled is the engine's business; the positions are not.)
        assertThat(columns).hasSize(9);
        assertThat(columns.get(7)).isEqualTo("segment");
        assertThat(rows).containsExactlyInAnyOrder(
                row(1L, 1L, 9L, 1L, "b"),
                row(2L, 1L, 9L, 1L, "a"),
                row(3L, 7L, 9L, null, null));
    }

    /**
     * A WHERE on the spine with a parameter, and a computed spine time in a subquery; then the
     * same PIT join under a RIGHT JOIN, whose unmatched rows must survive the outer WHERE exactly
     * as SQL says ({@code l.id IS NULL OR l.id > ?} keeps them).
     */
    @Test
    void spineFilterComputedTimeAndRightJoinAbove() throws SQLException {
        String events = createEvents(conn, schema, "events", List.of(
                Ev.of(1, "2025-01-01", "a", 1.0),
                Ev.of(1, "2025-01-05 06:00:00", "b", 2.0),
                Ev.of(2, "2025-01-01", "x", 3.0)));
        String labels = createLabels(conn, schema, "labels", List.of(
                Lbl.of(1, 1L, "2025-01-04"),
                Lbl.of(2, 1L, "2025-01-05"),
                Lbl.of(3, 2L, "2025-01-05")));
        Profile p = defineProfile(conn, events, false, null);

        // Spine time is event_ts + 12 h: 01-04 12:00 sees a, 01-05 12:00 sees b.
        String pit = "FROM (SELECT id, customer_id, event_ts + INTERVAL '12' HOUR AS t FROM " + labels + ") l\n"
                + "LEFT JOIN " + p.view() + " AS OF l.t p ON p.customer_id = l.customer_id\n";
        try (PreparedStatement ps = conn.prepareStatement("SELECT l.id, p.segment " + pit + "WHERE l.id >= ?")) {
            ps.setLong(1, 2);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rows(rs)).containsExactlyInAnyOrder(row(2L, "b"), row(3L, "x"));
            }
        }

        String ids = createLabels(conn, schema, "ids", List.of(
                Lbl.of(1, null, null),
                Lbl.of(2, null, null),
                Lbl.of(5, null, null)));
        List<List<Object>> right = query(conn, "SELECT r.id, l.id, p.segment " + pit
                + "RIGHT JOIN " + ids + " r ON r.id = l.id WHERE l.id IS NULL OR l.id > 1");
        assertThat(right).containsExactlyInAnyOrder(row(2L, 2L, "b"), row(5L, null, null));
    }

    /**
     * 300 spine rows of one key between two source rows, and spine rows whose time or key is NULL:
     * every spine row once, each with the row visible at its time.
     */
    @Test
    void longRunsOfSpineRowsAndNulls() throws SQLException {
        String events = createEvents(conn, schema, "events", List.of(
                Ev.of(1, "2025-01-01", "first", 1.0),
                Ev.of(1, "2025-02-01", "second", 2.0)));
        List<Lbl> spine = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // Every 4 hours from 12-31 12:00: 3 rows before 01-01, then up to 02-19.
            spine.add(new Lbl(i, 1L, ts("2024-12-31 12:00:00").plusHours(4L * i)));
        }
        spine.add(new Lbl(1000, 1L, null));
        spine.add(new Lbl(1001, null, ts("2025-03-01")));
        String labels = createLabels(conn, schema, "labels", spine);
        Profile p = defineProfile(conn, events, false, null);

        List<List<Object>> rows = query(conn, "SELECT l.id, p.segment FROM " + labels + " l\n"
                + "LEFT JOIN " + p.view() + " AS OF l.event_ts p ON p.customer_id = l.customer_id");
        List<List<Object>> expected = new ArrayList<>();
        for (Lbl l : spine) {
            String segment = l.t() == null || l.key() == null ? null
                    : l.t().isBefore(ts("2025-01-01")) ? null
                    : l.t().isBefore(ts("2025-02-01")) ? "first"
                    : "second";
            expected.add(row(l.id(), segment));
        }
        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
    }
}
