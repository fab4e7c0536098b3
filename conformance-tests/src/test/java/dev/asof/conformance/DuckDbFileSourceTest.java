package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * File sources ({@code CREATE SOURCE ... FROM FILE}) exist on the embedded warehouse only (a Trino
 * gateway refuses them: load the file into a Trino table), so their errors are checked here rather
 * than in the engine-agnostic {@link ErrorSuite}. Same rules: the error names what is wrong, carries
 * no stack text, and the session stays usable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DuckDbFileSourceTest extends ConformanceSupport {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    private Connection conn;

    @TempDir
    Path tmp;

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }

    @BeforeAll
    void openSharedConnection() throws SQLException {
        conn = connect();
    }

    @AfterAll
    void closeSharedConnection() throws SQLException {
        try {
            assertUsable(conn);
        } finally {
            conn.close();
        }
    }

    private SQLException fails(String sql) throws SQLException {
        SQLException e = expectError(conn, sql);
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\tat ").doesNotContain("Exception:");
        assertUsable(conn);
        return e;
    }

    private boolean listed(String showStatement, String name) throws SQLException {
        return texts(query(conn, showStatement)).contains(name.toLowerCase(Locale.ROOT));
    }

    /** The error comes at CREATE (not at first use), names the path, and registers nothing. */
    @Test
    void fileSourceWithMissingPathFailsAtCreate() throws SQLException {
        String source = unique("missing");
        String path = tmp.resolve("no-such-dir").resolve("labels.csv").toAbsolutePath().toString();
        SQLException e = fails("CREATE SOURCE " + source + " FROM FILE '" + path.replace("'", "''")
                + "' EVENT TIME event_ts");
        assertThat(e.getSQLState()).isEqualTo("22P02");
        assertThat(e.getMessage()).contains(path);
        assertThat(listed("SHOW SOURCES", source)).isFalse();
    }

    /**
     * event_ts holds words, so the CSV reader types it as text: CREATE fails naming the column.
     * SQLSTATE 22P02 (wrong column types) or 42P17 (invalid definition) are both accepted. Control:
     * the same file with real timestamps is accepted and listed.
     */
    @Test
    void csvEventTimeThatIsNotATimestampFailsAtCreate() throws SQLException, IOException {
        Path bad = tmp.resolve("bad_labels.csv");
        Files.writeString(bad, "customer_id,event_ts,segment\n1,hello,a\n2,world,b\n");
        String badSource = unique("bad_csv");
        SQLException e = fails("CREATE SOURCE " + badSource + " FROM FILE '"
                + bad.toAbsolutePath() + "' EVENT TIME event_ts");
        assertThat(e.getSQLState()).isIn("22P02", "42P17");
        assertThat(e.getMessage().toLowerCase(Locale.ROOT)).contains("event_ts");
        assertThat(listed("SHOW SOURCES", badSource)).isFalse();

        Path good = tmp.resolve("good_labels.csv");
        Files.writeString(good, "customer_id,event_ts,segment\n1,2025-01-01 10:00:00,a\n"
                + "2,2025-01-02 11:30:00,b\n");
        String goodSource = unique("good_csv");
        exec(conn, "CREATE SOURCE " + goodSource + " FROM FILE '" + good.toAbsolutePath()
                + "' EVENT TIME event_ts");
        assertThat(listed("SHOW SOURCES", goodSource)).isTrue();
    }

    private SQLException createFails(Path file, String eventTime) throws SQLException {
        String source = unique("shape");
        SQLException e = fails("CREATE SOURCE " + source + " FROM FILE '" + file.toAbsolutePath() + "' EVENT TIME " + eventTime);
        assertThat(e.getSQLState()).isEqualTo("22P02");
        assertThat(listed("SHOW SOURCES", source)).isFalse();
        return e;
    }

    /** {@code n} rows {@code i,2025-01-01 00:00:00,i} after the header {@code id,event_ts,amount}. */
    private static StringBuilder rows(int n) {
        StringBuilder b = new StringBuilder("id,event_ts,amount\n");
        for (int i = 0; i < n; i++) {
            b.append(i).append(",2025-01-01 00:00:00,").append(i).append('\n');
        }
        return b;
    }

    /**
     * Row 30,001 holds a bad timestamp: DuckDB's sniffer samples the first rows, so CREATE used to
     * accept the file (typing event_ts TIMESTAMP) and queries failed later. The whole file is typed.
     */
    @Test
    void badTimestampFarDownTheFileFailsAtCreate() throws SQLException, IOException {
        Path file = tmp.resolve("late_bad_ts.csv");
        Files.writeString(file, rows(30_000).append("30000,not a time,1\n"));
        SQLException e = createFails(file, "event_ts");
        assertThat(e.getMessage()).contains("event_ts").contains("VARCHAR");
    }

    /**
     * A BIGINT-looking column whose last row holds text is typed VARCHAR at CREATE (every row read)
     * and read the same way by queries: the text comes back, not an error or "Invalid result set".
     */
    @Test
    void textFarDownANumberColumnIsTypedAsTextAtCreateAndAtQueryTime() throws SQLException, IOException {
        Path file = tmp.resolve("late_text.csv");
        Files.writeString(file, rows(30_000).append("30000,2025-01-02 00:00:00,n/a\n"));
        String source = unique("late_text");
        exec(conn, "CREATE SOURCE " + source + " FROM FILE '" + file.toAbsolutePath() + "' EVENT TIME event_ts");
        assertThat(query(conn, "SELECT id, amount FROM " + source + " WHERE id >= 29999 ORDER BY id"))
                .containsExactly(row(29999L, "29999"), row(30000L, "n/a"));
    }

    /** A header and no rows: no types can be inferred, and the error says so (not "has type VARCHAR"). */
    @Test
    void headerOnlyCsvSaysItHasNoRows() throws SQLException, IOException {
        Path file = tmp.resolve("header_only.csv");
        Files.writeString(file, "id,event_ts,amount\n");
        SQLException e = createFails(file, "event_ts");
        assertThat(e.getMessage()).contains(file.toAbsolutePath().toString()).contains("no rows").doesNotContain("VARCHAR");
    }

    /** A short row: the error names its line and the field counts (not "'event_ts' is not a column"). */
    @Test
    void raggedRowNamesTheLineAndTheFieldCounts() throws SQLException, IOException {
        Path file = tmp.resolve("ragged.csv");
        Files.writeString(file, "id,event_ts,amount\n1,2025-01-01,3\n2,2025-01-02\n3,2025-01-03,4\n");
        SQLException e = createFails(file, "event_ts");
        assertThat(e.getMessage()).contains("line 3 has 2 fields, the header has 3").doesNotContain("is not a column");
        // A quoted field may hold the delimiter and a line break: not ragged.
        Path quoted = tmp.resolve("quoted.csv");
        Files.writeString(quoted, "id,event_ts,note\n1,2025-01-01,\"a, \"\"b\"\"\nc\"\n2,2025-01-02,d\n");
        String source = unique("quoted");
        exec(conn, "CREATE SOURCE " + source + " FROM FILE '" + quoted.toAbsolutePath() + "' EVENT TIME event_ts");
        assertThat(query(conn, "SELECT id, note FROM " + source + " ORDER BY id")).containsExactly(row(1L, "a, \"b\"\nc"), row(2L, "d"));
    }

    /** Duplicate header names are refused naming both (DuckDB would rename the second to id_1). */
    @Test
    void duplicateHeaderNamesAreRefused() throws SQLException, IOException {
        Path file = tmp.resolve("dup.csv");
        Files.writeString(file, "id,event_ts,ID\n1,2025-01-01,3\n");
        SQLException e = createFails(file, "event_ts");
        assertThat(e.getMessage()).contains("columns 1 ('id') and 3 ('ID')");
    }

    private String fileSource(Path file, String content) throws SQLException, IOException {
        Files.writeString(file, content);
        String source = unique("drift");
        exec(conn, "CREATE SOURCE " + source + " FROM FILE '" + file.toAbsolutePath() + "' EVENT TIME event_ts");
        return source;
    }

    private SQLException queryFails(String sql, String... parts) throws SQLException {
        SQLException e = fails(sql);
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("22P02");
        assertThat(e.getMessage()).contains(parts);
        return e;
    }

    /**
     * A file that changed under its source fails the next query with one message naming the
     * source, the column, the declared and the current type; before, queries failed with DuckDB's
     * binder errors or returned text where DESCRIBE says BIGINT.
     */
    @Test
    void fileThatChangedUnderASourceFailsNamingSourceColumnAndTypes() throws SQLException, IOException {
        Path file = tmp.resolve("drift.csv");
        String source = fileSource(file, "id,event_ts,amount\n1,2025-01-01 00:00:00,10\n2,2025-01-02 00:00:00,20\n");
        assertThat(query(conn, "SELECT id, amount FROM " + source + " ORDER BY id")).containsExactly(row(1L, 10L), row(2L, 20L));

        Files.writeString(file, "id,event_ts,amount\n1,2025-01-01 00:00:00,ten\n2,2025-01-02 00:00:00,20\n");
        queryFails("SELECT amount FROM " + source, "source '" + source + "'", "column 'amount' was declared BIGINT and is now VARCHAR",
                "ALTER SOURCE " + source + " REFRESH");

        Files.writeString(file, "id,event_ts\n1,2025-01-01 00:00:00\n");
        queryFails("SELECT id FROM " + source, "source '" + source + "'", "column 'amount' (declared BIGINT) is gone");

        Files.writeString(file, "id,event_ts,amount\n1,yesterday,10\n");
        queryFails("SELECT id FROM " + source, "column 'event_ts' was declared TIMESTAMP and is now VARCHAR");

        Files.delete(file);
        queryFails("SELECT id FROM " + source, "source '" + source + "'", "no longer exists");

        // Restored: queries work again without REFRESH.
        Files.writeString(file, "id,event_ts,amount\n1,2025-01-01 00:00:00,10\n2,2025-01-02 00:00:00,20\n3,2025-01-03 00:00:00,30\n");
        assertThat(query(conn, "SELECT id, amount FROM " + source + " ORDER BY id"))
                .containsExactly(row(1L, 10L), row(2L, 20L), row(3L, 30L));
    }

    /**
     * ALTER SOURCE … REFRESH takes the new columns when the time columns and the columns feature
     * views use are unchanged; otherwise it fails naming the view and the column, and keeps the old definition.
     */
    @Test
    void alterSourceRefreshTakesNewColumnsUnlessAViewNeedsTheOldOnes() throws SQLException, IOException {
        Path file = tmp.resolve("refresh.csv");
        String source = fileSource(file, "customer_id,event_ts,amount,note\n1,2025-01-01 00:00:00,10,a\n");
        String entity = unique("cust");
        String view = unique("fv");
        exec(conn, "CREATE ENTITY " + entity + " (customer_id BIGINT)");
        exec(conn, "CREATE FEATURE VIEW " + view + " ENTITY " + entity + " FROM " + source + " AS SELECT customer_id, amount");

        // note (unused by the view) becomes a number: REFRESH accepts, queries see the new type.
        Files.writeString(file, "customer_id,event_ts,amount,note\n1,2025-01-01 00:00:00,10,7\n2,2025-01-02 00:00:00,20,8\n");
        queryFails("SELECT note FROM " + source, "column 'note' was declared VARCHAR and is now BIGINT");
        exec(conn, "ALTER SOURCE " + source + " REFRESH");
        assertThat(query(conn, "SELECT customer_id, note FROM " + source + " ORDER BY customer_id")).containsExactly(row(1L, 7L), row(2L, 8L));
        assertThat(query(conn, "SELECT customer_id, amount FROM " + view + " AS OF TIMESTAMP '2025-02-01 00:00:00' ORDER BY customer_id"))
                .containsExactly(row(1L, 10L), row(2L, 20L));

        // amount (used by the view) becomes text: REFRESH refuses naming the view and the column.
        Files.writeString(file, "customer_id,event_ts,amount,note\n1,2025-01-01 00:00:00,ten,7\n");
        SQLException e = fails("ALTER SOURCE " + source + " REFRESH");
        assertThat(e.getSQLState()).isEqualTo("22P02");
        assertThat(e.getMessage()).contains("feature view '" + view + "'").contains("column 'amount'").contains("VARCHAR");
        queryFails("SELECT amount FROM " + source, "column 'amount' was declared BIGINT and is now VARCHAR");

        SQLException syntax = fails("ALTER SOURCE " + source + " RELOAD");
        assertThat(syntax.getMessage()).contains("REFRESH");
    }

    /** A table changed through the gateway (which invalidates its metadata cache) is caught at the next query. */
    @Test
    void tableThatChangedUnderASourceFailsUntilRefreshed() throws SQLException {
        String table = engine().catalog() + "." + unique("s") ;
        exec(conn, "CREATE SCHEMA " + table);
        table = table + ".events";
        exec(conn, "CREATE TABLE " + table + " (customer_id BIGINT, event_ts TIMESTAMP, score BIGINT, extra VARCHAR)");
        exec(conn, "INSERT INTO " + table + " VALUES (1, TIMESTAMP '2025-01-01 00:00:00', 5, 'x')");
        String source = unique("tsrc");
        exec(conn, "CREATE SOURCE " + source + " FROM TABLE " + table + " EVENT TIME event_ts");
        exec(conn, "ALTER TABLE " + table + " DROP COLUMN extra");
        queryFails("SELECT customer_id FROM " + source, "source '" + source + "'", "column 'extra' (declared VARCHAR) is gone");
        exec(conn, "ALTER SOURCE " + source + " REFRESH");
        assertThat(query(conn, "SELECT customer_id, score FROM " + source)).containsExactly(row(1L, 5L));
    }
}
