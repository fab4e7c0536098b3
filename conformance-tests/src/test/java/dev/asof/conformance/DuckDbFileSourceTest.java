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
}
