package dev.asof.connector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.spi.ConnectorException.Kind;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class JdbcErrorsTest {
    @Test
    void standardClassificationReadsSqlStateAndTheTimeoutClass() {
        assertThat(JdbcErrors.STANDARD.classify(new SQLException("gone", "42S02", 42102))).isEqualTo(Kind.MISSING_OBJECT);
        assertThat(JdbcErrors.STANDARD.classify(new SQLException("gone", "42P01"))).isEqualTo(Kind.MISSING_OBJECT);
        assertThat(JdbcErrors.STANDARD.classify(new SQLException("no schema", "3F000"))).isEqualTo(Kind.MISSING_OBJECT);
        assertThat(JdbcErrors.STANDARD.classify(new SQLException("no catalog", "3D000"))).isEqualTo(Kind.MISSING_OBJECT);
        assertThat(JdbcErrors.STANDARD.classify(new SQLException("stop", "57014"))).isEqualTo(Kind.CANCELLED);
        assertThat(JdbcErrors.STANDARD.classify(new SQLTimeoutException("late"))).isEqualTo(Kind.CANCELLED);
        assertThat(JdbcErrors.STANDARD.classify(new SQLException("Table t does not exist", "22018")))
                .as("the text is never read").isEqualTo(Kind.ENGINE_ERROR);
        assertThat(JdbcErrors.STANDARD.classify(new SQLException("Table t does not exist"))).isEqualTo(Kind.ENGINE_ERROR);
    }

    @Test
    void messagesAreTheirFirstLine() {
        assertThat(JdbcErrors.firstLine(new SQLException("Conversion Error: bad\n\nLINE 1: SELECT ..."))).isEqualTo(
                "Conversion Error: bad");
        assertThat(JdbcErrors.firstLine(new SQLException("  padded  "))).isEqualTo("padded");
        assertThat(JdbcErrors.firstLine(new SQLException())).isEqualTo("SQLException");
        assertThat(JdbcErrors.STANDARD.message(new SQLException("one\ntwo"))).isEqualTo("one");
    }

    @Test
    void aBrokenConnectionIsReadFromJdbcsConnectionCodesAndNetworkCauses() {
        assertThat(JdbcErrors.STANDARD.connectionLost(new SQLException("link failure", "08S01"))).isTrue();
        assertThat(JdbcErrors.STANDARD.connectionLost(new SQLException("gone", "08006"))).isTrue();
        assertThat(JdbcErrors.STANDARD.connectionLost(new java.sql.SQLNonTransientConnectionException("closed"))).isTrue();
        assertThat(JdbcErrors.STANDARD.connectionLost(new java.sql.SQLRecoverableException("reconnect"))).isTrue();
        // trino-jdbc 476 against a stopped server: no code, a ConnectException inside an UncheckedIOException.
        SQLException refused = new SQLException("Error executing query: java.net.ConnectException: Failed to connect"
                + " to /127.0.0.1:9", new java.io.UncheckedIOException(new java.net.ConnectException(
                        "Failed to connect to /127.0.0.1:9")));
        assertThat(JdbcErrors.STANDARD.connectionLost(refused)).isTrue();
        assertThat(JdbcErrors.connectionLostMessage(refused))
                .isEqualTo("Error executing query: Failed to connect to /127.0.0.1:9");
        // A pool that had no connection in time is load, not a broken connection; a failed query is neither.
        assertThat(JdbcErrors.STANDARD.connectionLost(new java.sql.SQLTransientConnectionException(
                "duckdb - Connection is not available, request timed out after 30006ms"))).isFalse();
        assertThat(JdbcErrors.STANDARD.connectionLost(new SQLException("Conversion Error: x", "22018"))).isFalse();
        assertThat(JdbcErrors.connectionLostMessage(new SQLException())).isEqualTo("the connection was closed");
    }

    @Test
    void causesAreFoundAlongTheChain() {
        SQLException e = new SQLException("Error fetching results", new RuntimeException(new CancellationException()));
        assertThat(JdbcErrors.hasCause(e, CancellationException.class)).isTrue();
        assertThat(JdbcErrors.hasCause(e, SQLException.class)).isTrue();
        assertThat(JdbcErrors.hasCause(e, InterruptedException.class)).isFalse();
    }
}
