package dev.asof.connector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.QueryControl;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/**
 * A connection closed underneath a running statement, on a real engine (embedded DuckDB through a
 * real pool): the statement fails as {@link ConnectorException.Kind#CONNECTION_LOST} (the
 * gateway's 08006), not as an engine error, and the pool's next statement gets a working
 * connection.
 */
class ConnectionLostTest {
    /** The smallest JDBC connector: DuckDB in memory, one pooled connection, streamed results. */
    private static final class DuckDbInMemory extends BaseJdbcConnector {
        private volatile JdbcExecution last;

        DuckDbInMemory(HikariDataSource pool) {
            super("duckdb", unusedDialect(), pool, JdbcErrors.STANDARD);
        }

        @Override
        protected String listTablesSql() {
            return "SELECT table_catalog, table_schema, table_name FROM information_schema.tables";
        }

        @Override
        public List<String> defaultSchema() {
            return List.of("memory", "main");
        }

        @Override
        public List<dev.asof.spi.ColumnMetadata> describeFile(String path, dev.asof.spi.warehouse.FileFormat format) {
            throw new UnsupportedOperationException("no files in this test");
        }

        @Override
        protected void started(JdbcExecution execution, ResultSet rs) {
            last = execution;
        }
    }

    private static EngineDialect unusedDialect() {
        return (EngineDialect) Proxy.newProxyInstance(EngineDialect.class.getClassLoader(),
                new Class<?>[] {EngineDialect.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException("no SQL is generated in this test");
                });
    }

    @Test
    void aConnectionClosedUnderARunningStatementIsConnectionLostAndTheNextStatementWorks() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:duckdb:");
        config.addDataSourceProperty("jdbc_stream_results", "true");
        config.setMaximumPoolSize(1);
        try (DuckDbInMemory connector = new DuckDbInMemory(new HikariDataSource(config))) {
            RowCursor cursor = connector.executeQuery("SELECT range AS i FROM range(100000000)", List.of(),
                    QueryControl.none());
            assertThat(cursor.next()).isTrue();
            Connection pooled = connector.last.connection();
            pooled.unwrap(DuckDBConnection.class).close();
            assertThatThrownBy(() -> {
                while (cursor.next()) {
                    cursor.value(0);
                }
            }).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONNECTION_LOST);
                assertThat(e.getMessage()).startsWith("connection lost: ").doesNotContainPattern("java\\.[a-z]+\\.");
            });
            cursor.close();

            // The one pooled connection was replaced: the next statement runs.
            try (RowCursor next = connector.executeQuery("SELECT 42 AS answer", List.of(), QueryControl.none())) {
                assertThat(next.next()).isTrue();
                assertThat(((Number) next.value(0)).intValue()).isEqualTo(42);
            }
        }
    }
}
