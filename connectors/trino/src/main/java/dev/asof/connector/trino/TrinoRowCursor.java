package dev.asof.connector.trino;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.RowValues;
import dev.asof.spi.warehouse.QueryControl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/** Streams a Trino result set; owns the statement and the pooled connection until closed. */
final class TrinoRowCursor implements RowCursor {
    private final Connection connection;
    private final Statement statement;
    private final ResultSet rs;
    private final QueryControl control;
    private final List<ColumnMetadata> columns;
    private boolean closed;

    TrinoRowCursor(Connection connection, Statement statement, ResultSet rs, QueryControl control) throws SQLException {
        this.connection = connection;
        this.statement = statement;
        this.rs = rs;
        this.control = control;
        this.columns = TrinoColumns.of(rs.getMetaData());
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
                if (control.isCancelled()) {
                    // a cancelled query's rows may just stop: never report them as a complete result
                    throw new ConnectorException("statement cancelled", null, true);
                }
            }
            return more;
        } catch (SQLException e) {
            close();
            throw new ConnectorException(TrinoConnector.message(e), e,
                    control.isCancelled() || TrinoConnector.isCancellation(e));
        }
    }

    @Override
    public Object value(int index) {
        int i = index + 1;
        try {
            Object v = switch (columns.get(index).jdbcType()) {
                case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
                case TIMESTAMP_WITH_TIMEZONE -> {
                    ZonedDateTime t = rs.getObject(i, ZonedDateTime.class);
                    yield t == null ? null : t.toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
                }
                case DATE -> rs.getObject(i, LocalDate.class);
                case TIME -> rs.getObject(i, LocalTime.class);
                default -> rs.getObject(i);
            };
            return RowValues.normalize(v);
        } catch (SQLException e) {
            throw new ConnectorException(TrinoConnector.message(e), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        control.onCancel(() -> {}); // finished: a later cancel has nothing to stop
        // Closing a Trino result set before its end cancels the query on the server.
        TrinoConnector.closeQuietly(rs);
        TrinoConnector.closeQuietly(statement);
        TrinoConnector.closeQuietly(connection);
    }
}
