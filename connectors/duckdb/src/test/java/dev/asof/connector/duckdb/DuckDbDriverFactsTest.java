package dev.asof.connector.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.spi.ConnectorException.Kind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBPreparedStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What duckdb_jdbc 2.0.0.1 really reports, on which {@link DuckDbErrors} and
 * {@link DuckDbConnector} rely. In-memory databases, one streaming (as the connector runs) and
 * one not. When a driver upgrade changes one of these facts, this test says which assumption to
 * revisit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DuckDbDriverFactsTest {
    private Connection streaming;
    private Connection materializing;

    @BeforeEach
    void open() throws SQLException {
        streaming = connect(true);
        materializing = connect(false);
    }

    @AfterEach
    void close() throws SQLException {
        streaming.close();
        materializing.close();
    }

    private static Connection connect(boolean stream) throws SQLException {
        Properties p = new Properties();
        p.setProperty("jdbc_stream_results", Boolean.toString(stream));
        return DriverManager.getConnection("jdbc:duckdb:", p);
    }

    @Test
    void engineErrorsCarryNoSqlStateAndNoVendorCodeOnlyTheExceptionTypeToken() {
        SQLException missingTable = failure(streaming, "SELECT * FROM nosuch");
        assertThat(missingTable.getClass()).isEqualTo(SQLException.class);
        assertThat(missingTable.getSQLState()).isNull();
        assertThat(missingTable.getErrorCode()).isZero();
        assertThat(missingTable.getMessage()).startsWith("Catalog Error: Table with name nosuch does not exist!");
        assertThat(DuckDbErrors.exceptionType(missingTable)).contains("Catalog");
        assertThat(DuckDbErrors.INSTANCE.classify(missingTable)).isEqualTo(Kind.MISSING_OBJECT);

        SQLException syntax = failure(streaming, "SELEC 1");
        assertThat(syntax.getSQLState()).isNull();
        assertThat(DuckDbErrors.exceptionType(syntax)).contains("Parser");
        assertThat(DuckDbErrors.INSTANCE.classify(syntax)).isEqualTo(Kind.ENGINE_ERROR);

        SQLException column = failure(streaming, "SELECT nosuchcol FROM (SELECT 1 AS a)");
        assertThat(DuckDbErrors.exceptionType(column)).contains("Binder");
        assertThat(DuckDbErrors.INSTANCE.classify(column)).isEqualTo(Kind.ENGINE_ERROR);
    }

    @Test
    void missingSchemasAndCatalogsAreCatalogErrorsToo() {
        for (String sql : new String[] {"SELECT * FROM nosch.t", "SELECT * FROM nocat.main.t"}) {
            SQLException e = failure(streaming, sql);
            assertThat(e.getMessage()).as(sql).startsWith("Catalog Error: Table with name");
            assertThat(DuckDbErrors.INSTANCE.classify(e)).as(sql).isEqualTo(Kind.MISSING_OBJECT);
        }
    }

    /** The documented imprecision: DuckDB reports an existing object to CREATE as a catalog error. */
    @Test
    void createOfAnExistingTableIsACatalogErrorAsWell() throws SQLException {
        try (Statement s = streaming.createStatement()) {
            s.execute("CREATE TABLE t (a INTEGER)");
        }
        SQLException e = failure(streaming, "CREATE TABLE t (a INTEGER)");
        assertThat(e.getMessage()).startsWith("Catalog Error: Table with name \"t\" already exists!");
        assertThat(DuckDbErrors.INSTANCE.classify(e)).isEqualTo(Kind.MISSING_OBJECT);
    }

    /** Why {@link DuckDbConnector#recoverFailure} exists. */
    @Test
    void aStreamedQueryThatFailsBeforeItsFirstRowsLosesTheEnginesMessage() throws SQLException {
        String cast = "SELECT CAST('x' AS INTEGER)";
        SQLException lost = failure(streaming, cast);
        assertThat(lost.getMessage()).isEqualTo(DuckDbErrors.LOST_ERROR);
        assertThat(lost.getSQLState()).isNull();
        assertThat(DuckDbErrors.isLostError(lost)).isTrue();

        assertThat(failure(materializing, cast).getMessage())
                .startsWith("Conversion Error: Could not convert string 'x' to INT32");
        try (PreparedStatement ps = streaming.prepareStatement(cast)) {
            SQLException viaChunks = catchThrowableOfType(SQLException.class,
                    () -> ps.unwrap(DuckDBPreparedStatement.class).query());
            assertThat(viaChunks.getMessage()).startsWith("Conversion Error: Could not convert string 'x' to INT32");
        }
    }

    @Test
    void anErrorAfterTheFirstRowsKeepsItsMessage() throws SQLException {
        try (Statement s = streaming.createStatement();
                ResultSet rs = s.executeQuery("SELECT CAST(CASE WHEN a = 3000000 THEN 'x' ELSE '1' END AS INTEGER)"
                        + " FROM range(4000000) t(a)")) {
            long rows = 0;
            SQLException e = null;
            try {
                while (rs.next()) {
                    rows++;
                }
            } catch (SQLException ex) {
                e = ex;
            }
            assertThat(rows).isPositive().isLessThan(4_000_000);
            assertThat((Throwable) e).isNotNull();
            assertThat(e.getMessage()).startsWith("Conversion Error: Could not convert string 'x' to INT32");
        }
    }

    @Test
    void anInterruptIsASqlTimeoutExceptionWithTypeInterruptWhenResultsAreNotStreamed() throws Exception {
        SQLException e = cancelledDuringExecute(materializing);
        assertThat((Throwable) e).isInstanceOf(SQLTimeoutException.class);
        assertThat(e.getMessage()).startsWith("INTERRUPT Error: Interrupted!");
        assertThat(DuckDbErrors.INSTANCE.classify(e)).isEqualTo(Kind.CANCELLED);

        // Streamed, the interrupt is lost like any other error: the connector knows it cancelled.
        SQLException streamed = cancelledDuringExecute(streaming);
        assertThat(streamed.getMessage()).isEqualTo(DuckDbErrors.LOST_ERROR);
    }

    /** Why {@link DuckDbConnector#cancel} closes the result set. */
    @Test
    void cancelDoesNothingOnceRowsStreamButClosingTheResultSetEndsThem() throws SQLException {
        try (Statement s = streaming.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT a FROM range(50000000) t(a)");
            assertThat(rs.next()).isTrue();
            s.cancel();
            for (int i = 0; i < 100_000; i++) {
                assertThat(rs.next()).as("row %s after cancel", i).isTrue();
            }
            rs.close();
            SQLException e = catchThrowableOfType(SQLException.class, rs::next);
            assertThat(e.getMessage()).isEqualTo("ResultSet was closed");
        }
    }

    private static SQLException cancelledDuringExecute(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            CompletableFuture<SQLException> run = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = s.executeQuery("SELECT sum(a) FROM range(10000000000000) t(a)")) {
                    rs.next();
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            Thread.sleep(500);
            s.cancel();
            return run.get(10, TimeUnit.SECONDS);
        }
    }

    private static SQLException failure(Connection c, String sql) {
        return catchThrowableOfType(SQLException.class, () -> {
            try (Statement s = c.createStatement()) {
                if (s.execute(sql)) {
                    try (ResultSet rs = s.getResultSet()) {
                        while (rs.next()) {
                            // read to the end
                        }
                    }
                }
            }
        });
    }
}
