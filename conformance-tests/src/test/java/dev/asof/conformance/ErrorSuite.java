package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input: errors name what is wrong and where, never carry stack traces, and leave the session
 * usable. ONE connection serves every test of the class; after each expected error the same
 * connection must still answer {@code SELECT 1}, and it is checked once more after the last test.
 *
 * <p>File sources are a feature of the embedded warehouse only; their errors are checked in
 * {@code DuckDbFileSourceTest}.
 *
 * <p>SQLSTATEs are the ones of {@code dev.asof.planner.error.ErrorCode}: 42000 syntax, 42S02
 * unknown object, 42P19 PIT join required, 22P02 invalid source.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ErrorSuite extends ConformanceSupport {
    private Connection conn;
    private final List<SQLException> seen = new ArrayList<>();

    @BeforeAll
    void openSharedConnection() throws SQLException {
        conn = connect();
    }

    @AfterAll
    void sessionStillWorksAtTheEnd() throws SQLException {
        try {
            assertUsable(conn);
            assertThat(conn.isClosed()).isFalse();
        } finally {
            conn.close();
        }
    }

    /** Runs a failing statement on the shared connection, checks hygiene and the session after. */
    private SQLException fails(String sql) throws SQLException {
        SQLException e = expectError(conn, sql);
        seen.add(e);
        assertNoStackTrace(e);
        assertUsable(conn);
        return e;
    }

    private static String lower(SQLException e) {
        return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    }

    /** No message in the exception chain carries Java stack text. */
    private static void assertNoStackTrace(SQLException e) {
        assertThat(e.getMessage()).as("error message").isNotBlank();
        for (Throwable t = e; t != null; t = t.getCause() != t ? t.getCause() : null) {
            String m = String.valueOf(t.getMessage());
            assertThat(m).as("message of %s", t.getClass().getName())
                    .doesNotContain("\tat ")
                    .doesNotContain("Exception:");
        }
        for (SQLException n = e.getNextException(); n != null; n = n.getNextException()) {
            assertThat(String.valueOf(n.getMessage())).doesNotContain("\tat ").doesNotContain("Exception:");
        }
    }

    private boolean listed(String showStatement, String name) throws SQLException {
        return texts(query(conn, showStatement)).contains(name.toLowerCase(Locale.ROOT));
    }

    // ------------------------------------------------------------------ syntax

    /**
     * Line 4 is {@code WHERE l.id = = 3}: W is column 1, the first '=' column 12, the second '='
     * column 14. The parser cannot continue the comparison {@code = =}, so the first token it
     * rejects is the '=' at column 12 (it then lists what may follow {@code WHERE l.id}).
     * Columns are 1-based, as Calcite counts them.
     */
    @Test
    void syntaxErrorReportsLineAndColumn() throws SQLException {
        String schema = createSchema(conn);
        String labels = createLabels(conn, schema, "labels", List.of(Lbl.of(1, 1L, "2025-01-01")));
        SQLException e = fails("SELECT l.id,\n"
                + "       l.customer_id\n"
                + "FROM " + labels + " l\n"
                + "WHERE l.id = = 3");
        assertThat(e.getSQLState()).isEqualTo("42000");
        assertThat(e.getMessage()).contains("line 4, column 12");
    }

    /**
     * In asof's own DDL: line 3 is {@code   FROM} with the source name missing, so the unexpected
     * token is the reserved word AS at line 4, column 3 (two spaces of indentation).
     */
    @Test
    void syntaxErrorInDdlReportsLineAndColumn() throws SQLException {
        String view = unique("fv");
        SQLException e = fails("CREATE FEATURE VIEW " + view + "\n"
                + "  ENTITY " + unique("customer") + "\n"
                + "  FROM\n"
                + "  AS SELECT customer_id, segment");
        assertThat(e.getSQLState()).isEqualTo("42000");
        assertThat(e.getMessage()).contains("line 4, column 3");
        assertThat(listed("SHOW FEATURE VIEWS", view)).isFalse();
    }

    // ------------------------------------------------------------------ unknown names

    /**
     * A view named prof_..., a table named labels, a column named segment; each is misspelled in
     * turn (prfo_..., lables, segmnt). The message names the unknown name and suggests the close
     * candidate. Names are compared case-insensitively (the gateway may upper-case identifiers).
     */
    @Test
    void unknownNamesSuggestCloseCandidates() throws SQLException {
        String schema = createSchema(conn);
        String events = createEvents(conn, schema, "events", List.of(Ev.of(1, "2025-01-01", "a", 1.0)));
        String labels = createLabels(conn, schema, "labels", List.of(Lbl.of(1, 1L, "2025-01-02")));
        Profile p = defineProfile(conn, events, false, null);
        String misspelledView = "prfo" + p.view().substring("prof".length());

        SQLException unknownView = fails("SELECT l.id, p.segment\n"
                + "FROM " + labels + " l\n"
                + "LEFT JOIN " + misspelledView + " AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(unknownView.getSQLState()).isEqualTo("42S02");
        assertThat(lower(unknownView)).contains(misspelledView).contains(p.view());

        SQLException unknownTable = fails("SELECT l.id, p.segment\n"
                + "FROM " + schema + ".lables l\n"
                + "LEFT JOIN " + p.view() + " AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(unknownTable.getSQLState()).isEqualTo("42S02");
        assertThat(lower(unknownTable)).contains("lables").contains("labels");

        SQLException unknownColumn = fails("SELECT l.id, p.segmnt\n"
                + "FROM " + labels + " l\n"
                + "LEFT JOIN " + p.view() + " AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(unknownColumn.getSQLState()).isEqualTo("42S02");
        assertThat(lower(unknownColumn)).contains("segmnt").contains("segment");
    }

    // ------------------------------------------------------------------ leakage guard

    /** Joining a feature view without AS OF (inner or left) is refused and says how to write it. */
    @Test
    void featureViewJoinWithoutAsOfIsRefused() throws SQLException {
        String schema = createSchema(conn);
        String events = createEvents(conn, schema, "events", List.of(Ev.of(1, "2025-01-01", "a", 1.0)));
        String labels = createLabels(conn, schema, "labels", List.of(Lbl.of(1, 1L, "2025-01-02")));
        Profile p = defineProfile(conn, events, false, null);

        for (String join : List.of("JOIN", "LEFT JOIN")) {
            SQLException e = fails("SELECT l.id, p.segment\n"
                    + "FROM " + labels + " l\n"
                    + join + " " + p.view() + " p ON p.customer_id = l.customer_id");
            assertThat(e.getSQLState()).as(join).isEqualTo("42P19");
            assertThat(e.getMessage()).as(join).contains("AS OF");
        }
    }

    // ------------------------------------------------------------------ DROP

    /** DROP of an unknown entity / source / view names it; IF EXISTS is silent. */
    @Test
    void dropOfUnknownObjectsErrorsClearly() throws SQLException {
        for (String kind : List.of("FEATURE VIEW", "SOURCE", "ENTITY")) {
            String name = unique("nope");
            SQLException e = fails("DROP " + kind + " " + name);
            assertThat(e.getSQLState()).as(kind).isEqualTo("42S02");
            assertThat(lower(e)).as(kind).contains(name);
            exec(conn, "DROP " + kind + " IF EXISTS " + name);
        }
        assertUsable(conn);
    }

    // ------------------------------------------------------------------ hygiene

    /**
     * A mix of failures from every layer (parser, registry, warehouse pass-through): none carries
     * stack text (checked in {@link #fails}), and all the errors seen by this class so far are
     * re-checked here.
     */
    @Test
    void noMessageCarriesStackTraceText() throws SQLException {
        String missingSchema = engine().catalog() + "." + unique("no_schema");
        fails("SELEC 1");
        fails("INSERT INTO " + missingSchema + ".t VALUES (1)");
        fails("CREATE TABLE " + missingSchema + ".t (x BIGINT)");
        fails("SELECT * FROM " + missingSchema + ".t");
        fails("CREATE FEATURE VIEW " + unique("fv") + " ENTITY " + unique("no_entity")
                + " FROM " + unique("no_source") + " AS SELECT customer_id, segment");
        fails("CREATE SOURCE " + unique("src") + " FROM TABLE " + missingSchema + ".t EVENT TIME event_ts");
        for (SQLException e : seen) {
            assertNoStackTrace(e);
        }
    }
}
