package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PIT joins inside ordinary SQL: aggregates, functions over features, ORDER BY/LIMIT, CTEs,
 * sub-queries, expressions in the view definition, parameters. The rewrite must keep the rest of
 * the query intact; each test checks values.
 *
 * <p>Fixture (hand-checked): customer 1 has a/1.0 at 01-01 and b/2.0 at 01-05; customer 2 has
 * x/10.0 at 01-03. Spine: (1, c1, 01-02) → a/1.0; (2, c1, 01-06) → b/2.0; (3, c2, 01-04) → x/10.0;
 * (4, c2, 01-02) → none; (5, c3, 01-09) → none (unknown key).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class SqlSurfaceSuite extends ConformanceSupport {
    private Connection conn;
    private String labels;
    private Profile p;

    @BeforeEach
    void fixture() throws SQLException {
        conn = connect();
        String schema = createSchema(conn);
        String events = createEvents(conn, schema, "events", List.of(
                Ev.of(1, "2025-01-01", "a", 1.0),
                Ev.of(1, "2025-01-05", "b", 2.0),
                Ev.of(2, "2025-01-03", "x", 10.0)));
        labels = createLabels(conn, schema, "labels", List.of(
                Lbl.of(1, 1L, "2025-01-02"),
                Lbl.of(2, 1L, "2025-01-06"),
                Lbl.of(3, 2L, "2025-01-04"),
                Lbl.of(4, 2L, "2025-01-02"),
                Lbl.of(5, 3L, "2025-01-09")));
        p = defineProfile(conn, events, false, null);
    }

    @AfterEach
    void close() throws SQLException {
        conn.close();
    }

    private String join() {
        return "FROM " + labels + " l LEFT JOIN " + p.view() + " AS OF l.event_ts p ON p.customer_id = l.customer_id";
    }

    /**
     * One client's session settings must not reach another client through the gateway's pooled
     * warehouse connections: a USE once made every other client's query fail. They are refused,
     * and other clients' statements (more of them than the pool has connections) stay correct.
     */
    @Test
    void sessionSettingsAreRefusedAndNeverReachOtherClients() throws SQLException {
        for (String sql : List.of("USE nowhere", "SET TimeZone = 'America/New_York'", "SET GLOBAL memory_limit = '2MB'",
                "BEGIN TRANSACTION", "SET SESSION query_max_memory = '1MB'")) {
            SQLException e = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class,
                    () -> conn.createStatement().execute(sql));
            assertThat((Object) e).as(sql).isNotNull();
            assertThat(e.getSQLState()).as(sql).isEqualTo("0A000");
        }
        try (Connection other = connect()) {
            for (int i = 0; i < 12; i++) {
                assertThat(query(other, "SELECT COUNT(*), COUNT(p.score), SUM(p.score) " + join()))
                        .containsExactly(row(5L, 3L, 13.0));
            }
        }
        // The refusing connection itself stays usable.
        assertThat(query(conn, "SELECT COUNT(*) " + join())).containsExactly(row(5L));
    }

    /** COUNT(*) counts spine rows (5); COUNT(p.score) only matched ones (3); SUM = 1 + 2 + 10. */
    @Test
    void aggregatesOverAPitJoin() throws SQLException {
        assertThat(query(conn, "SELECT COUNT(*), COUNT(p.score), SUM(p.score) " + join()))
                .containsExactly(row(5L, 3L, 13.0));
    }

    /** GROUP BY a spine column: c1 → 2 rows, 3.0; c2 → 2 rows, 10.0; c3 → 1 row, NULL. */
    @Test
    void groupByAndOrderBy() throws SQLException {
        assertThat(query(conn, "SELECT l.customer_id, COUNT(*) AS n, SUM(p.score) AS s " + join()
                        + " GROUP BY l.customer_id ORDER BY l.customer_id"))
                .containsExactly(row(1L, 2L, 3.0), row(2L, 2L, 10.0), row(3L, 1L, null));
    }

    /** Functions and CASE over features; ORDER BY a feature with LIMIT keeps the top two scores. */
    @Test
    void expressionsOrderByAndLimit() throws SQLException {
        assertThat(query(conn, "SELECT l.id, UPPER(p.segment), COALESCE(p.score, -1.0) * 2 " + join()
                        + " ORDER BY l.id"))
                .containsExactly(row(1L, "A", 2.0), row(2L, "B", 4.0), row(3L, "X", 20.0),
                        row(4L, null, -2.0), row(5L, null, -2.0));
        assertThat(query(conn, "SELECT l.id " + join() + " ORDER BY p.score DESC NULLS LAST LIMIT 2"))
                .containsExactly(row(3L), row(2L));
    }

    /** A CTE as the spine and the PIT join inside a sub-query of the outer query. */
    @Test
    void cteSpineAndSubquery() throws SQLException {
        String sql = "WITH spine AS (SELECT id, customer_id, event_ts FROM " + labels + " WHERE id <= 3)\n"
                + "SELECT t.id, t.segment FROM (\n"
                + "  SELECT s.id, p.segment FROM spine s\n"
                + "  LEFT JOIN " + p.view() + " AS OF s.event_ts p ON p.customer_id = s.customer_id) t\n"
                + "ORDER BY t.id";
        assertThat(query(conn, sql)).containsExactly(row(1L, "a"), row(2L, "b"), row(3L, "x"));
    }

    /** A feature defined by an expression over the source's columns. */
    @Test
    void viewWithExpressionFeatures() throws SQLException {
        String view = unique("expr");
        exec(conn, "CREATE FEATURE VIEW " + view + " ENTITY " + p.entity() + " FROM " + p.source()
                + " AS SELECT customer_id, score * 100 AS score_pct, UPPER(segment) AS seg");
        assertThat(query(conn, "SELECT l.id, v.score_pct, v.seg FROM " + labels + " l LEFT JOIN " + view
                        + " AS OF l.event_ts v ON v.customer_id = l.customer_id WHERE l.id IN (1, 3) ORDER BY l.id"))
                .containsExactly(row(1L, 100.0, "A"), row(3L, 1000.0, "X"));
    }

    /** Parameters in the select list (typed by CAST, as Calcite requires) and in the spine filter, which is pushed into the probe points. */
    @Test
    void parametersAreBoundEverywhereTheyAppear() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT l.id, p.segment, CAST(? AS VARCHAR) " + join()
                + " WHERE l.customer_id = ? ORDER BY l.id")) {
            ps.setString(1, "tag");
            ps.setLong(2, 1L);
            assertThat(rows(ps.executeQuery())).containsExactly(row(1L, "a", "tag"), row(2L, "b", "tag"));
            ps.setString(1, "other");
            ps.setLong(2, 2L);
            assertThat(rows(ps.executeQuery())).containsExactly(row(3L, "x", "other"), row(4L, null, "other"));
        }
    }

    /** A quote inside a string literal reaches the warehouse escaped, not spliced. */
    @Test
    void literalsAreQuoted() throws SQLException {
        assertThat(query(conn, "SELECT l.id, 'O''Brien' " + join() + " WHERE l.id = 1"))
                .containsExactly(row(1L, "O'Brien"));
    }
}
