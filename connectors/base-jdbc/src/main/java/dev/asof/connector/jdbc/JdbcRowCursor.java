package dev.asof.connector.jdbc;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.RowValues;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Streams a JDBC result set as it is produced; owns the {@link JdbcExecution} (statement and
 * pooled connection) until it is closed, which happens at the end of the rows, on an error, or
 * when the consumer stops early.
 */
final class JdbcRowCursor implements RowCursor {
    private final BaseJdbcConnector connector;
    private final JdbcExecution execution;
    private final ResultSet rs;
    private final List<ColumnMetadata> columns;

    JdbcRowCursor(BaseJdbcConnector connector, JdbcExecution execution, ResultSet rs, List<ColumnMetadata> columns) {
        this.connector = requireNonNull(connector, "connector");
        this.execution = requireNonNull(execution, "execution");
        this.rs = requireNonNull(rs, "rs");
        this.columns = requireNonNull(columns, "columns");
    }

    @Override
    public List<ColumnMetadata> columns() {
        return columns;
    }

    @Override
    public boolean next() {
        if (execution.isClosed()) {
            return false;
        }
        try {
            boolean more = rs.next();
            if (!more) {
                close();
                if (execution.stopped()) {
                    // A stopped query's rows may just end: never report them as a complete result.
                    throw connector.stoppedFailure(execution, null);
                }
            }
            return more;
        } catch (SQLException e) {
            ConnectorException failure = connector.failure(e, execution);
            close();
            throw failure;
        }
    }

    @Override
    public Object value(int index) {
        int i = index + 1;
        try {
            Object v = switch (columns.get(index).jdbcType()) {
                case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
                case TIMESTAMP_WITH_TIMEZONE -> {
                    var t = connector.readTimestampWithTimeZone(rs, i);
                    yield t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
                }
                case DATE -> rs.getObject(i, LocalDate.class);
                case TIME -> rs.getObject(i, LocalTime.class);
                default -> rs.getObject(i);
            };
            return RowValues.normalize(v);
        } catch (SQLException e) {
            throw connector.failure(e, execution);
        }
    }

    @Override
    public void close() {
        execution.close();
    }
}
