package dev.asof.conformance;

import static dev.asof.conformance.WindowOracle.HOUR;
import static dev.asof.conformance.WindowOracle.MINUTE;
import static dev.asof.conformance.WindowOracle.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.WindowOracle.Event;
import dev.asof.conformance.WindowOracle.Feature;
import dev.asof.conformance.WindowOracle.Spine;
import dev.asof.conformance.WindowOracle.Variant;
import dev.asof.planner.window.WindowFunction;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Windowed feature views (DESIGN.md "Semantics" 1, 3, 4, 6, 7) end to end through JDBC: PIT joins
 * (both spellings, EXCLUSIVE, LEFT and inner), snapshots {@code AS OF TIMESTAMP}, with and without
 * HOP, sources with and without CREATED TIME. Hand-computed cases (the README's worked example
 * among them) and randomized data checked against {@link WindowOracle} row by row, floating point
 * within 1e-9 relative. Fixture: {@code tx(customer_id, event_ts, loaded_at, amount DOUBLE,
 * merchant VARCHAR, qty BIGINT)}; all plain timestamps are UTC.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
public abstract class WindowSemanticsSuite extends ConformanceSupport {
    static final long SEED = 20251123L;
    static final long HOP = 10 * MINUTE;

    /** Every function, three windows (30 min, 1 h, 2 h), on a 10-minute hop. */
    static final List<Feature> HOPPED = List.of(
            new Feature("n_30m", WindowFunction.COUNT_ROWS, null, 30 * MINUTE),
            new Feature("c_amount_1h", WindowFunction.COUNT, "amount", HOUR),
            new Feature("s_amount_1h", WindowFunction.SUM, "amount", HOUR),
            new Feature("a_amount_2h", WindowFunction.AVG, "amount", 2 * HOUR),
            new Feature("mn_amount_30m", WindowFunction.MIN, "amount", 30 * MINUTE),
            new Feature("mx_merchant_1h", WindowFunction.MAX, "merchant", HOUR),
            new Feature("sd_amount_2h", WindowFunction.STDDEV_SAMP, "amount", 2 * HOUR),
            new Feature("v_qty_1h", WindowFunction.VAR_SAMP, "qty", HOUR),
            new Feature("l_merchant_30m", WindowFunction.LAST, "merchant", 30 * MINUTE),
            new Feature("l_amount_2h", WindowFunction.LAST, "amount", 2 * HOUR),
            new Feature("acd_merchant_2h", WindowFunction.APPROX_COUNT_DISTINCT, "merchant", 2 * HOUR),
            new Feature("acd_qty_30m", WindowFunction.APPROX_COUNT_DISTINCT, "qty", 30 * MINUTE),
            new Feature("cd_qty_1h", WindowFunction.COUNT_DISTINCT, "qty", HOUR),
            new Feature("s_qty_2h", WindowFunction.SUM, "qty", 2 * HOUR),
            new Feature("mn_qty_1h", WindowFunction.MIN, "qty", HOUR));

    /** Exact windows (no HOP) of 7 and 45 minutes. */
    static final List<Feature> EXACT = List.of(
            new Feature("n_7m", WindowFunction.COUNT_ROWS, null, 7 * MINUTE),
            new Feature("s_amount_45m", WindowFunction.SUM, "amount", 45 * MINUTE),
            new Feature("mx_amount_7m", WindowFunction.MAX, "amount", 7 * MINUTE),
            new Feature("l_qty_45m", WindowFunction.LAST, "qty", 45 * MINUTE),
            new Feature("sd_qty_45m", WindowFunction.STDDEV_SAMP, "qty", 45 * MINUTE),
            new Feature("cd_merchant_45m", WindowFunction.COUNT_DISTINCT, "merchant", 45 * MINUTE),
            new Feature("acd_merchant_7m", WindowFunction.APPROX_COUNT_DISTINCT, "merchant", 7 * MINUTE));

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

    // ------------------------------------------------------------------ fixture

    private String createTx(String name, List<Event> events) throws SQLException {
        ConformanceEngine en = engine();
        String table = schema + "." + name;
        exec(conn, "CREATE TABLE " + table + " (customer_id " + en.sqlType(JDBCType.BIGINT)
                + ", event_ts " + en.sqlType(JDBCType.TIMESTAMP)
                + ", loaded_at " + en.sqlType(JDBCType.TIMESTAMP)
                + ", amount " + en.sqlType(JDBCType.DOUBLE)
                + ", merchant " + en.sqlType(JDBCType.VARCHAR)
                + ", qty " + en.sqlType(JDBCType.BIGINT) + ")");
        insert(conn, table, events.stream().map(Event::row).toList());
        return table;
    }

    private String createSpine(String name, List<Spine> spine) throws SQLException {
        ConformanceEngine en = engine();
        String table = schema + "." + name;
        exec(conn, "CREATE TABLE " + table + " (id " + en.sqlType(JDBCType.BIGINT)
                + ", customer_id " + en.sqlType(JDBCType.BIGINT)
                + ", event_ts " + en.sqlType(JDBCType.TIMESTAMP) + ")");
        insert(conn, table, spine.stream().map(Spine::row).toList());
        return table;
    }

    /** An entity, a source over {@code table} and a windowed view; returns the view's name. */
    private String defineView(String table, boolean createdTime, List<Feature> features, String hop)
            throws SQLException {
        String entity = unique("customer");
        String source = unique("tx");
        String view = unique("win");
        exec(conn, "CREATE ENTITY " + entity + " (customer_id BIGINT)");
        exec(conn, "CREATE SOURCE " + source + " FROM TABLE " + table + " EVENT TIME event_ts"
                + (createdTime ? " CREATED TIME loaded_at" : ""));
        exec(conn, "CREATE FEATURE VIEW " + view + " ENTITY " + entity + " FROM " + source + " AS SELECT customer_id, "
                + features.stream().map(Feature::sql).collect(Collectors.joining(", "))
                + (hop == null ? "" : " HOP " + hop));
        return view;
    }

    private static String columns(String alias, List<Feature> features) {
        return features.stream().map(f -> alias + "." + f.name()).collect(Collectors.joining(", "));
    }

    /** {@code SELECT l.id, v.<features> FROM labels l <join> view <as of> v ON ...}. */
    private List<List<Object>> pit(String labels, String view, List<Feature> features, String join, String asOf)
            throws SQLException {
        return query(conn, "SELECT l.id, " + columns("v", features) + "\nFROM " + labels + " l\n"
                + join + " " + view + " " + asOf + " v ON v.customer_id = l.customer_id");
    }

    /** Row-by-row equality after sorting by the first column; doubles within 1e-9 relative. */
    private static void assertRows(List<List<Object>> actual, List<List<Object>> expected, List<Feature> features) {
        Comparator<List<Object>> byFirst = Comparator.comparing(r -> (Long) r.get(0));
        List<List<Object>> a = actual.stream().sorted(byFirst).toList();
        List<List<Object>> e = expected.stream().sorted(byFirst).toList();
        assertThat(a).hasSameSizeAs(e);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < e.size(); i++) {
            for (int j = 0; j < e.get(i).size(); j++) {
                if (!WindowOracle.close(a.get(i).get(j), e.get(i).get(j))) {
                    mismatches.add("row " + e.get(i).get(0) + " " + (j == 0 ? "id" : features.get(j - 1).name())
                            + ": expected " + e.get(i).get(j) + " but was " + a.get(i).get(j));
                }
            }
        }
        assertThat(mismatches).as("%d of %d rows", e.size(), e.size()).isEmpty();
    }

    private static Spine spineRow(long id, Long key, String t) {
        return new Spine(id, key, t == null ? null : micros(t));
    }

    /** "10:05" or "10:05:00.000001" on 2025-01-01, as microseconds from the oracle's base. */
    private static long micros(String hhmm) {
        String[] parts = hhmm.split("[:.]");
        long m = Long.parseLong(parts[0]) * HOUR + Long.parseLong(parts[1]) * MINUTE;
        if (parts.length > 2) {
            m += Long.parseLong(parts[2]) * SECOND;
        }
        if (parts.length > 3) {
            m += Long.parseLong(parts[3]);
        }
        return m;
    }

    private static Event ev(long key, String e, String c, Double amount, String merchant, Long qty) {
        return new Event(key, micros(e), c == null ? null : micros(c), amount, merchant, qty);
    }

    // ------------------------------------------------------------------ hand-computed

    /** The README's worked example: customer 1, HOP 15 minutes, window 1 hour. */
    static final List<Event> WORKED = List.of(
            ev(1, "08:50", null, 1.0, "a", 1L),
            ev(1, "09:05", null, 2.0, "b", 2L),
            ev(1, "09:15", null, 4.0, "c", 3L),
            ev(1, "09:40", "10:05", 8.0, "d", 4L), // loaded 25 minutes late
            ev(1, "10:10", null, 16.0, "e", 5L));

    static final List<Feature> WORKED_FEATURES = List.of(
            new Feature("n_1h", WindowFunction.COUNT_ROWS, null, HOUR),
            new Feature("sum_1h", WindowFunction.SUM, "amount", HOUR),
            new Feature("last_1h", WindowFunction.LAST, "merchant", HOUR));

    /**
     * HOP 15 minutes, 1 hour: at T the window holds the rows visible at T with event time at or
     * after start(T) = floor((T - 1 h) / 15 min) * 15 min.
     *
     * <ul>
     *   <li>10:04 → start 09:00: b, c (d is loaded only at 10:05) → 2, 6.0, c
     *   <li>10:05 → start 09:00: b, c, d → 3, 14.0, d
     *   <li>10:10 → start 09:00: b, c, d, e (e at T itself) → 4, 30.0, e
     *   <li>10:10 EXCLUSIVE → b, c, d → 3, 14.0, d
     *   <li>10:15 → start 09:15: c (exactly at start), d, e → 3, 28.0, e
     *   <li>10:29:59.999999 → start still 09:15 → 3, 28.0, e
     *   <li>10:30 → start 09:30: d, e → 2, 24.0, e
     *   <li>customer 2 (never seen) at 10:10 → 0, NULL, NULL
     * </ul>
     * Without HOP the 1-hour window at 10:10 is exactly [09:10, 10:10]: c, d, e → 3, 28.0, e
     * (b at 09:05 is in the hopped window, up to one hop older).
     */
    @Test
    void workedExample() throws SQLException {
        String table = createTx("tx", WORKED);
        String labels = createSpine("labels", List.of(
                spineRow(1, 1L, "10:04"),
                spineRow(2, 1L, "10:05"),
                spineRow(3, 1L, "10:10"),
                spineRow(4, 1L, "10:15"),
                spineRow(5, 1L, "10:29:59.999999"),
                spineRow(6, 1L, "10:30"),
                spineRow(7, 2L, "10:10")));
        String hopped = defineView(table, true, WORKED_FEATURES, "INTERVAL '15' MINUTE");
        String exact = defineView(table, true, WORKED_FEATURES, null);

        assertRows(pit(labels, hopped, WORKED_FEATURES, "LEFT JOIN", "AS OF l.event_ts"), List.of(
                row(1L, 2L, 6.0, "c"),
                row(2L, 3L, 14.0, "d"),
                row(3L, 4L, 30.0, "e"),
                row(4L, 3L, 28.0, "e"),
                row(5L, 3L, 28.0, "e"),
                row(6L, 2L, 24.0, "e"),
                row(7L, 0L, null, null)), WORKED_FEATURES);
        assertRows(pit(labels, hopped, WORKED_FEATURES, "LEFT JOIN", "AS OF l.event_ts EXCLUSIVE"), List.of(
                row(1L, 2L, 6.0, "c"),
                row(2L, 2L, 6.0, "c"), // d is loaded exactly at 10:05: not yet, exclusively
                row(3L, 3L, 14.0, "d"),
                row(4L, 3L, 28.0, "e"),
                row(5L, 3L, 28.0, "e"),
                row(6L, 2L, 24.0, "e"),
                row(7L, 0L, null, null)), WORKED_FEATURES);
        List<List<Object>> exactRows = pit(labels, exact, WORKED_FEATURES, "LEFT JOIN", "FOR SYSTEM_TIME AS OF l.event_ts AS");
        assertThat(exactRows.stream().filter(r -> r.get(0).equals(3L)).toList()).containsExactly(row(3L, 3L, 28.0, "e"));

        // planned once, executed with a bound spine filter
        try (PreparedStatement ps = conn.prepareStatement("SELECT l.id, " + columns("v", WORKED_FEATURES) + " FROM " + labels
                + " l LEFT JOIN " + hopped + " AS OF l.event_ts v ON v.customer_id = l.customer_id WHERE l.id = ?")) {
            ps.setLong(1, 3);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rows(rs)).containsExactly(row(3L, 4L, 30.0, "e"));
            }
        }
    }

    /**
     * A LEFT JOIN carries the spine's rows through the window pass: an exact duplicate spine row
     * stays two rows, a row with a NULL key or time gets NULL everywhere (counts included, though
     * its frame is evaluated), two windowed views in one query, spine columns read above the join
     * (select list with their names, WHERE, GROUP BY, ORDER BY, a spine that is itself a join).
     * Worked example data: hopped with CREATED TIME, 10:10 is 4, 30.0, e and 10:04 is 2, 6.0, c;
     * exact without it (d counts from 09:40), 10:10 is c, d, e (3, 28.0) and 10:04 is b, c, d (3, 14.0).
     */
    @Test
    void spineRowsAreCarriedThroughTheWindowPass() throws SQLException {
        String table = createTx("tx", WORKED);
        String labels = createSpine("labels", List.of(
                spineRow(1, 1L, "10:10"),
                spineRow(2, 1L, "10:10"),
                spineRow(2, 1L, "10:10"), // the same row twice
                spineRow(3, null, "10:10"),
                spineRow(4, 1L, null),
                spineRow(5, 2L, "10:10"), // never seen
                spineRow(6, 1L, "10:04")));
        String hopped = defineView(table, true, WORKED_FEATURES, "INTERVAL '15' MINUTE");
        String exact = defineView(table, false, WORKED_FEATURES, null);
        String twoViews = "SELECT l.id, a.n_1h, a.sum_1h, a.last_1h, b.n_1h, b.sum_1h FROM " + labels + " l"
                + " LEFT JOIN " + hopped + " AS OF l.event_ts a ON a.customer_id = l.customer_id"
                + " LEFT JOIN " + exact + " AS OF l.event_ts b ON b.customer_id = l.customer_id";
        assertThat(query(conn, twoViews)).containsExactlyInAnyOrder(
                row(1L, 4L, 30.0, "e", 3L, 28.0),
                row(2L, 4L, 30.0, "e", 3L, 28.0),
                row(2L, 4L, 30.0, "e", 3L, 28.0),
                row(3L, null, null, null, null, null),
                row(4L, null, null, null, null, null),
                row(5L, 0L, null, null, 0L, null),
                row(6L, 2L, 6.0, "c", 3L, 14.0));
        try (var st = conn.createStatement(); ResultSet rs = st.executeQuery(twoViews + " ORDER BY l.id")) {
            assertThat(rs.getMetaData().getColumnLabel(1)).isEqualToIgnoringCase("id");
            assertThat(rs.getMetaData().getColumnLabel(2)).isEqualToIgnoringCase("n_1h");
            assertThat(rows(rs).stream().map(r -> r.get(0)).toList()).containsExactly(1L, 2L, 2L, 3L, 4L, 5L, 6L);
        }

        // a filtered spine (the source is then read for the spine's keys only), grouped by a spine column
        assertThat(query(conn, "SELECT l.customer_id, COUNT(*) AS n, CAST(SUM(a.n_1h) AS BIGINT) AS total FROM " + labels
                + " l LEFT JOIN " + hopped + " AS OF l.event_ts EXCLUSIVE a ON a.customer_id = l.customer_id"
                + " WHERE l.customer_id IS NOT NULL GROUP BY l.customer_id ORDER BY l.customer_id"))
                .containsExactly(row(1L, 5L, 3L + 3L + 3L + 2L), row(2L, 1L, 0L));

        // the spine is a join; its other table's columns are carried too
        assertThat(query(conn, "SELECT m.id AS mid, l.event_ts IS NULL AS no_time, a.n_1h FROM " + labels + " l JOIN "
                + labels + " m ON m.id = l.id LEFT JOIN " + hopped + " AS OF l.event_ts a ON a.customer_id = l.customer_id"
                + " WHERE m.id IN (1, 4, 6)")).containsExactlyInAnyOrder(
                row(1L, false, 4L), row(4L, true, null), row(6L, false, 2L));
    }

    /**
     * Empty windows: COUNT 0 and NULL otherwise, for keys never seen and for a key whose rows all
     * left the window; NULL key or NULL time: NULL everywhere. An inner join keeps only spine rows
     * for which the view has the key (a row in the longest window), and so does a snapshot.
     */
    @Test
    void emptyWindowsInnerJoinsAndSnapshots() throws SQLException {
        String table = createTx("tx", List.of(
                ev(1, "09:00", null, 1.0, "a", 1L),
                ev(3, "09:00", null, 5.0, "z", 7L),
                ev(3, "11:55", null, null, null, null)));
        String labels = createSpine("labels", List.of(
                spineRow(1, 1L, "09:30"),
                spineRow(2, 1L, "12:00"), // a left both windows at 10:15 (1 h, hop 15)
                spineRow(3, 2L, "09:30"), // never seen
                spineRow(4, null, "09:30"),
                spineRow(5, 1L, null),
                spineRow(6, 3L, "12:00"))); // only a row of NULL values in the window
        List<Feature> features = List.of(
                new Feature("n_1h", WindowFunction.COUNT_ROWS, null, HOUR),
                new Feature("c_1h", WindowFunction.COUNT, "amount", HOUR),
                new Feature("s_30m", WindowFunction.SUM, "amount", 30 * MINUTE),
                new Feature("l_1h", WindowFunction.LAST, "merchant", HOUR),
                new Feature("d_1h", WindowFunction.APPROX_COUNT_DISTINCT, "qty", HOUR),
                new Feature("cd_1h", WindowFunction.COUNT_DISTINCT, "qty", HOUR));
        String view = defineView(table, false, features, "INTERVAL '15' MINUTE");

        assertRows(pit(labels, view, features, "LEFT JOIN", "AS OF l.event_ts"), List.of(
                row(1L, 1L, 1L, 1.0, "a", 1L, 1L),
                row(2L, 0L, 0L, null, null, 0L, 0L),
                row(3L, 0L, 0L, null, null, 0L, 0L),
                row(4L, null, null, null, null, null, null),
                row(5L, null, null, null, null, null, null),
                row(6L, 1L, 0L, null, null, 0L, 0L)), features);
        assertRows(pit(labels, view, features, "JOIN", "AS OF l.event_ts"), List.of(
                row(1L, 1L, 1L, 1.0, "a", 1L, 1L),
                row(6L, 1L, 0L, null, null, 0L, 0L)), features);
        assertThat(query(conn, "SELECT customer_id, n_1h, s_30m FROM " + view + " AS OF TIMESTAMP '2025-01-01 09:30:00'"))
                .containsExactlyInAnyOrder(row(1L, 1L, 1.0), row(3L, 1L, 5.0));
        assertThat(query(conn, "SELECT customer_id, n_1h, l_1h FROM " + view + " AS OF TIMESTAMP '2025-01-01 12:00:00'"))
                .containsExactly(row(3L, 1L, null));
        assertThat(query(conn, "SELECT * FROM " + view + " AS OF TIMESTAMP '2025-01-01 09:30:00' WHERE customer_id = 1"))
                .containsExactly(row(1L, 1L, 1L, 1.0, "a", 1L, 1L));
        // no AS OF: now, when every window of these rows is long past
        assertThat(query(conn, "SELECT * FROM " + view + " WHERE customer_id = 1")).isEmpty();
    }

    /**
     * LAST: the latest row by event time, then created time; a late row with an earlier event time
     * never wins over a later event; rows tied on both: greatest value, NULL lowest; and the
     * latest row's NULL is the answer.
     */
    @Test
    void lastFollowsTheLatestRowRule() throws SQLException {
        String table = createTx("tx", List.of(
                ev(1, "09:00", null, 1.0, "a", null),
                ev(1, "09:10", "09:50", 2.0, "late", null), // loaded late, still the latest event
                ev(1, "09:05", null, 3.0, "b", null),
                ev(2, "09:00", null, 1.0, "x", 1L),
                ev(2, "09:00", null, 2.0, "y", null), // tied: y > x
                ev(2, "09:00", null, null, null, 5L), // tied: NULL lowest
                ev(3, "09:00", null, 1.0, "p", 1L),
                ev(3, "09:20", null, null, null, null))); // latest row has NULLs
        String labels = createSpine("labels", List.of(
                spineRow(1, 1L, "09:30"),
                spineRow(2, 1L, "09:50"),
                spineRow(3, 2L, "09:30"),
                spineRow(4, 3L, "09:30")));
        List<Feature> features = List.of(
                new Feature("l_m", WindowFunction.LAST, "merchant", HOUR),
                new Feature("l_a", WindowFunction.LAST, "amount", HOUR),
                new Feature("l_q", WindowFunction.LAST, "qty", HOUR));
        for (String hop : Arrays.asList("INTERVAL '10' MINUTE", null)) {
            String view = defineView(table, true, features, hop);
            assertRows(pit(labels, view, features, "LEFT JOIN", "AS OF l.event_ts"), List.of(
                    row(1L, "b", 3.0, null),
                    row(2L, "late", 2.0, null),
                    row(3L, "y", 2.0, 5L), // (e, c) tie on three rows: per column, greatest value
                    row(4L, null, null, null)), features);
        }
    }

    /**
     * A row loaded exactly when its event's tile closes is late, one microsecond earlier it is on
     * time; either way it counts from the instant it is loaded until its event leaves the window.
     * HOP 10 minutes, 30-minute windows; key 1: event 09:05 loaded 09:10 (late), key 2: event
     * 09:05 loaded 09:09:59.999999 (on time). At 09:09:59.999999 only key 2's row is visible; at
     * 09:10 both (EXCLUSIVE: key 2's only); at 09:39:59.999999 start(T) is still 09:00, both in; at
     * 09:40 start(T) is 09:10, both out.
     */
    @Test
    void rowsLoadedWhenTheirTileCloses() throws SQLException {
        String table = createTx("tx", List.of(
                ev(1, "09:05", "09:10", 1.0, "a", 1L),
                ev(2, "09:05", "09:09:59.999999", 2.0, "b", 2L)));
        String labels = createSpine("labels", List.of(
                spineRow(1, 1L, "09:09:59.999999"),
                spineRow(2, 2L, "09:09:59.999999"),
                spineRow(3, 1L, "09:10"),
                spineRow(4, 2L, "09:10"),
                spineRow(5, 1L, "09:39:59.999999"),
                spineRow(6, 2L, "09:39:59.999999"),
                spineRow(7, 1L, "09:40"),
                spineRow(8, 2L, "09:40")));
        List<Feature> features = List.of(
                new Feature("n_30m", WindowFunction.COUNT_ROWS, null, 30 * MINUTE),
                new Feature("s_30m", WindowFunction.SUM, "amount", 30 * MINUTE),
                new Feature("l_30m", WindowFunction.LAST, "merchant", 30 * MINUTE),
                new Feature("d_30m", WindowFunction.COUNT_DISTINCT, "qty", 30 * MINUTE));
        String view = defineView(table, true, features, "INTERVAL '10' MINUTE");
        assertRows(pit(labels, view, features, "LEFT JOIN", "AS OF l.event_ts"), List.of(
                row(1L, 0L, null, null, 0L),
                row(2L, 1L, 2.0, "b", 1L),
                row(3L, 1L, 1.0, "a", 1L),
                row(4L, 1L, 2.0, "b", 1L),
                row(5L, 1L, 1.0, "a", 1L),
                row(6L, 1L, 2.0, "b", 1L),
                row(7L, 0L, null, null, 0L),
                row(8L, 0L, null, null, 0L)), features);
        assertRows(pit(labels, view, features, "LEFT JOIN", "AS OF l.event_ts EXCLUSIVE"), List.of(
                row(1L, 0L, null, null, 0L),
                row(2L, 0L, null, null, 0L),
                row(3L, 0L, null, null, 0L),
                row(4L, 1L, 2.0, "b", 1L),
                row(5L, 1L, 1.0, "a", 1L),
                row(6L, 1L, 2.0, "b", 1L),
                row(7L, 0L, null, null, 0L),
                row(8L, 0L, null, null, 0L)), features);
    }

    /** VAR_SAMP and STDDEV_SAMP merge their parts without cancellation far from zero. */
    @Test
    void varianceFarFromZero() throws SQLException {
        String table = createTx("tx", List.of(
                ev(1, "09:00", null, 1e9 + 4, null, null),
                ev(1, "09:25", null, 1e9 + 7, null, null),
                ev(1, "09:35", "10:10", 1e9 + 13, null, null), // late: its own part
                ev(1, "10:12", null, 1e9 + 16, null, null))); // head tile of 10:15
        String labels = createSpine("labels", List.of(spineRow(1, 1L, "10:15")));
        List<Feature> features = List.of(
                new Feature("v", WindowFunction.VAR_SAMP, "amount", 2 * HOUR),
                new Feature("sd", WindowFunction.STDDEV_SAMP, "amount", 2 * HOUR));
        String view = defineView(table, true, features, "INTERVAL '10' MINUTE");
        assertRows(pit(labels, view, features, "LEFT JOIN", "AS OF l.event_ts"),
                List.of(row(1L, 30.0, Math.sqrt(30.0))), features);
    }

    // ------------------------------------------------------------------ randomized

    /** Randomized rows, spine and view; LEFT JOIN inclusive, exclusive and inner against the oracle. */
    private void againstOracle(long seed, List<Feature> features, long hop, long grid, boolean createdTime)
            throws SQLException {
        Random r = new Random(seed);
        List<Event> events = WindowOracle.events(r, 1200, grid);
        List<Spine> spine = WindowOracle.spine(r, 400, events, features, hop, grid);
        String table = createTx("tx", events);
        String labels = createSpine("labels", spine);
        String view = defineView(table, createdTime, features,
                hop == 1 ? null : WindowOracle.interval(hop));

        List<List<Object>> inclusive = WindowOracle.leftJoin(events, spine, features, hop, false, createdTime,
                Variant.CORRECT);
        assertRows(pit(labels, view, features, "LEFT JOIN", "AS OF l.event_ts"), inclusive, features);
        assertRows(pit(labels, view, features, "LEFT JOIN", "FOR SYSTEM_TIME AS OF l.event_ts AS"), inclusive, features);
        assertRows(pit(labels, view, features, "LEFT JOIN", "AS OF l.event_ts EXCLUSIVE"),
                WindowOracle.leftJoin(events, spine, features, hop, true, createdTime, Variant.CORRECT), features);

        // inner: the spine rows for which the view has the key (a row in the longest window)
        long longest = features.stream().mapToLong(Feature::window).max().orElseThrow();
        List<List<Object>> inner = new ArrayList<>();
        for (int i = 0; i < spine.size(); i++) {
            Spine s = spine.get(i);
            if (s.key() != null && s.t() != null && !WindowOracle.window(events, s.key(), s.t(), longest, hop, false,
                    createdTime, Variant.CORRECT).isEmpty()) {
                inner.add(inclusive.get(i));
            }
        }
        assertRows(pit(labels, view, features, "JOIN", "AS OF l.event_ts"), inner, features);

        // the data is not trivial: windows are often non-empty and often empty
        long nonEmpty = inclusive.stream().filter(x -> x.get(1) != null && (Long) x.get(1) > 0).count();
        assertThat(nonEmpty).isBetween(100L, 380L);
        assertThat(inner.size()).isBetween(150, 390);
    }

    /** HOP 10 minutes, windows 30 min / 1 h / 2 h, every function, source with CREATED TIME. */
    @Test
    void randomizedHoppedWindowsAgainstOracle() throws SQLException {
        againstOracle(SEED, HOPPED, HOP, HOP, true);
    }

    /** No HOP (exact frames [T - W, T]), windows 7 and 45 minutes, source with CREATED TIME. */
    @Test
    void randomizedExactWindowsAgainstOracle() throws SQLException {
        againstOracle(SEED + 1, EXACT, 1, MINUTE, true);
    }

    /** A source without CREATED TIME (no late rows at all), HOP 5 minutes. */
    @Test
    void randomizedSourceWithoutCreatedTime() throws SQLException {
        againstOracle(SEED + 2, HOPPED.subList(0, 9), 5 * MINUTE, 5 * MINUTE, false);
    }

    /** Snapshots at several times (tile boundaries and not): the keys with a row in the longest window, every value. */
    @Test
    void randomizedSnapshotsAgainstOracle() throws SQLException {
        Random r = new Random(SEED + 3);
        List<Event> events = WindowOracle.events(r, 1200, HOP);
        String view = defineView(createTx("tx", events), true, HOPPED, "INTERVAL '10' MINUTE");
        for (long t : new long[] {2 * HOUR, 3 * HOUR + 5 * MINUTE, 4 * HOUR - 1, 6 * HOUR + 1, 7 * HOUR + 12 * SECOND}) {
            List<List<Object>> expected = new ArrayList<>();
            for (long key : WindowOracle.keysAt(events, t, HOPPED, HOP, true)) {
                List<Object> row = new ArrayList<>();
                row.add(key);
                for (Feature f : HOPPED) {
                    row.add(WindowOracle.aggregate(f, WindowOracle.window(events, key, t, f.window(), HOP, false, true,
                            Variant.CORRECT)));
                }
                expected.add(row);
            }
            String literal = engine().timestamp(WindowOracle.at(t));
            assertRows(query(conn, "SELECT customer_id, " + columns("v", HOPPED) + " FROM " + view + " AS OF "
                    + literal + " v"), expected, HOPPED);
            assertThat(expected).as("keys at %s", literal).isNotEmpty();
        }
    }

    /** DESCRIBE shows each window and the HOP; a restarted gateway reads the definition back. */
    @Test
    void describeAndRestart() throws SQLException {
        String table = createTx("tx", WORKED);
        String labels = createSpine("labels", List.of(spineRow(1, 1L, "10:10")));
        String view = defineView(table, true, WORKED_FEATURES, "INTERVAL '15' MINUTE");

        // type names as the engine spells them (Trino: lower case)
        List<List<Object>> described = query(conn, "DESCRIBE " + view).stream()
                .map(r -> row(r.get(0), ((String) r.get(1)).toUpperCase(java.util.Locale.ROOT), r.get(2), r.get(3)))
                .toList();
        assertThat(described).containsExactly(
                row("customer_id", "BIGINT", "key", "\"customer_id\""),
                row("n_1h", "BIGINT", "windowed feature",
                        "COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) HOP INTERVAL '15' MINUTE"),
                row("sum_1h", "DOUBLE", "windowed feature",
                        "SUM(\"amount\") OVER (RANGE INTERVAL '1' HOUR PRECEDING) HOP INTERVAL '15' MINUTE"),
                row("last_1h", "VARCHAR", "windowed feature",
                        "LAST(\"merchant\") OVER (RANGE INTERVAL '1' HOUR PRECEDING) HOP INTERVAL '15' MINUTE"));

        conn.close();
        engine().restartGateway();
        conn = connect();
        assertRows(pit(labels, view, WORKED_FEATURES, "LEFT JOIN", "AS OF l.event_ts"),
                List.of(row(1L, 4L, 30.0, "e")), WORKED_FEATURES);
    }
}
