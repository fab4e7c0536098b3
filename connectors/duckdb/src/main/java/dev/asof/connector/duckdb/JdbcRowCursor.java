package dev.asof.connector.duckdb;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.RowValues;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Streams a DuckDB result set; owns the statement and the pooled connection until closed. */
final class JdbcRowCursor implements RowCursor {
    private final Connection connection;
    private final Statement statement;
    private final ResultSet rs;
    private final List<ColumnMetadata> columns;
    private boolean closed;

    JdbcRowCursor(Connection connection, Statement statement, ResultSet rs) throws SQLException {
        this.connection = connection;
        this.statement = statement;
        this.rs = rs;
        this.columns = JdbcColumns.of(rs.getMetaData());
    }

    @Override
    public List<ColumnMetadata> columns() {
        return columns;
    }

    @Override
    public boolean next() {
        try {
            boolean more = rs.next();
            if (!more) {
                close();
            }
            return more;
        } catch (SQLException e) {
            close();
            throw new ConnectorException(DuckDbConnector.message(e), e);
        }
    }

    @Override
    public Object value(int index) {
        int i = index + 1;
        try {
            Object v = switch (columns.get(index).jdbcType()) {
                case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
                case TIMESTAMP_WITH_TIMEZONE -> {
                    OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                    yield t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
                }
                case DATE -> rs.getObject(i, LocalDate.class);
                case TIME -> rs.getObject(i, LocalTime.class);
                default -> rs.getObject(i);
            };
            return RowValues.normalize(v);
        } catch (SQLException e) {
            throw new ConnectorException(DuckDbConnector.message(e), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        DuckDbConnector.closeQuietly(rs);
        DuckDbConnector.closeQuietly(statement);
        DuckDbConnector.closeQuietly(connection);
    }
}
