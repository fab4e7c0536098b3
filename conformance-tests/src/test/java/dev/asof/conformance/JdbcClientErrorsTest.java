package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: an error reaches the client with asof's whole message (position, "did you mean"),
 * its SQLSTATE, on every path: prepare, execute, and fetch; through the asof driver and through
 * Avatica's own client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcClientErrorsTest extends ConformanceSupport {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    /** A query naming a table that does not exist, 15 characters in. */
    private static final String UNKNOWN_TABLE = "SELECT * FROM no_such_table";
    /** A table of i = 0 … 29,999 and a time for each, infinite at i = 25,000. */
    private static String numbers;

    @BeforeEach
    void numbers() throws SQLException {
        if (numbers == null) {
            try (Connection c = connect()) {
                String schema = createSchema(c);
                exec(c, "CREATE TABLE " + schema + ".numbers AS SELECT i, CASE WHEN i = 25000"
                        + " THEN TIMESTAMP 'infinity' ELSE TIMESTAMP '2024-01-01' + to_seconds(i) END AS ts"
                        + " FROM range(0, 30000) AS t(i)");
                numbers = schema + ".numbers";
            }
        }
    }

    /**
     * Row 25,000 has a time no client can be given (the gateway refuses it with 22008 as it reads
     * the row), well after the first frame of 10,000 rows: the failure comes with a fetch.
     */
    private static String failsLate() {
        return "SELECT i, ts FROM " + numbers + " ORDER BY i";
    }

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }

    private Connection avatica() throws SQLException {
        String asof = engine().jdbcUrl();
        String hostPort = asof.substring("jdbc:asof://".length(), asof.indexOf('?'));
        return DriverManager.getConnection("jdbc:avatica:remote:url=http://" + hostPort
                + ";serialization=PROTOBUF;authentication=BASIC;avatica_user=" + TestCredentials.USER
                + ";avatica_password=" + TestCredentials.PASSWORD);
    }

    @Test
    void prepareShowsTheWholeMessageThroughTheAsofDriver() throws SQLException {
        try (Connection c = connect()) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> c.prepareStatement(UNKNOWN_TABLE));
            assertUnknownTable(e);
        }
    }

    @Test
    void executeShowsTheWholeMessageThroughTheAsofDriver() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertUnknownTable(catchThrowableOfType(SQLException.class, () -> s.executeQuery(UNKNOWN_TABLE)));
        }
    }

    @Test
    void fetchShowsTheEngineMessageThroughTheAsofDriver() throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(failsLate())) {
            assertFailsLate(ps);
        }
    }

    @Test
    void avaticaClientGetsSqlStateAndMessage() throws SQLException {
        try (Connection c = avatica()) {
            // Avatica's client words a failed prepare itself ("while preparing SQL: …") and keeps the
            // gateway's message in the exception's server stack traces: SQLSTATE and code are right.
            SQLException prepare = catchThrowableOfType(SQLException.class, () -> c.prepareStatement(UNKNOWN_TABLE));
            assertThat(prepare.getSQLState()).isEqualTo("42S02");
            assertThat(String.join("\n", ((org.apache.calcite.avatica.AvaticaSqlException) prepare).getStackTraces()))
                    .contains("no_such_table").contains("line 1, column 15");
            try (Statement s = c.createStatement()) {
                SQLException execute = catchThrowableOfType(SQLException.class, () -> s.executeQuery(UNKNOWN_TABLE));
                assertThat(execute.getSQLState()).isEqualTo("42S02");
                assertThat(execute.getMessage()).contains("no_such_table").contains("line 1, column 15");
            }
            // Avatica's ResultSet.next() lets a failed fetch escape unchecked; it still carries
            // the gateway's SQLSTATE and message.
            try (PreparedStatement ps = c.prepareStatement(failsLate()); ResultSet rs = ps.executeQuery()) {
                int rows = 0;
                org.apache.calcite.avatica.AvaticaClientRuntimeException e = null;
                try {
                    while (rs.next()) {
                        rows++;
                    }
                } catch (org.apache.calcite.avatica.AvaticaClientRuntimeException failed) {
                    e = failed;
                }
                assertThat((Object) e).as("reading row 25,000 fails").isNotNull();
                assertThat(rows).isBetween(10_000, 25_000);
                assertThat(e.getSqlState()).isEqualTo("22008");
                assertThat(e.getMessage()).contains("column 'ts'");
            }
        }
    }

    /** Avatica's default serialization is JSON; the gateway answers it in JSON, saying what to change. */
    @Test
    void avaticaJsonClientIsToldToUseProtobuf() {
        String asof = engine().jdbcUrl();
        String hostPort = asof.substring("jdbc:asof://".length(), asof.indexOf('?'));
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> DriverManager.getConnection(
                "jdbc:avatica:remote:url=http://" + hostPort + ";authentication=BASIC;avatica_user="
                        + TestCredentials.USER + ";avatica_password=" + TestCredentials.PASSWORD).close());
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("add serialization=PROTOBUF").doesNotContain("JsonParseException");
    }

    private static void assertUnknownTable(SQLException e) {
        assertThat((Object) e).as("the statement fails").isNotNull();
        assertThat(e.getSQLState()).isEqualTo("42S02");
        assertThat((Object) e).isInstanceOf(java.sql.SQLSyntaxErrorException.class);
        assertThat(e.getMessage())
                .contains("no_such_table")
                .startsWith("line 1, column 15")
                .doesNotContain("while preparing")
                .doesNotContain("Exception");
    }

    private static void assertFailsLate(PreparedStatement ps) throws SQLException {
        int rows = 0;
        SQLException e = null;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows++;
            }
        } catch (SQLException failed) {
            e = failed;
        }
        assertThat((Object) e).as("reading row 25,000 fails (read %s rows)", rows).isNotNull();
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("22008");
        // Frames are whole: the rows before the failing one in its frame are not delivered.
        assertThat(rows).as("the failure came with a later frame").isBetween(10_000, 25_000);
        assertThat(e.getMessage()).startsWith("column 'ts' holds").doesNotContain("Exception");
    }
}
