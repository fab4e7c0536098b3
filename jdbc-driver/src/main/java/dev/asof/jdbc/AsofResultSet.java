package dev.asof.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.util.Cursor;

/**
 * Avatica's result set whose columns read through {@link ConvertingAccessor}s: JDBC 4.2's
 * {@code getObject(column, Class)} and the gateway's microsecond and zoned timestamps. Every getter,
 * by index or by label, goes through the column's accessor.
 */
final class AsofResultSet extends AvaticaResultSet {
    AsofResultSet(AvaticaStatement statement, QueryState state, Meta.Signature signature,
        ResultSetMetaData resultSetMetaData, TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
        super(statement, state, signature, resultSetMetaData, timeZone, firstFrame);
    }

    @Override protected AvaticaResultSet execute() throws SQLException {
        AvaticaResultSet result = super.execute();
        convertingAccessors(columnMetaDataList);
        return result;
    }

    @Override public AvaticaResultSet execute2(Cursor cursor, List<ColumnMetaData> columnMetaDataList) {
        AvaticaResultSet result = super.execute2(cursor, columnMetaDataList);
        convertingAccessors(columnMetaDataList);
        return result;
    }

    /**
     * As Avatica's, except that a failure fetching the next frame (e.g. a value no client can
     * receive, or an engine error while rows stream) is an {@link SQLException} with the gateway's
     * message and SQLSTATE, not Avatica's unchecked exception.
     */
    @Override public boolean next() throws SQLException {
        try {
            return super.next();
        } catch (AvaticaClientRuntimeException e) {
            throw GatewayErrors.of(e);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof AvaticaClientRuntimeException) {
                throw GatewayErrors.of((AvaticaClientRuntimeException) e.getCause());
            }
            throw e;
        }
    }

    /**
     * As Avatica's, except that a {@code TIMESTAMP WITH TIME ZONE} column is an
     * {@link OffsetDateTime} in UTC (Avatica's own {@code getObject} has no rule for the type).
     */
    @Override public Object getObject(int columnIndex) throws SQLException {
        if (getMetaData().getColumnType(columnIndex) == Types.TIMESTAMP_WITH_TIMEZONE) {
            return getObject(columnIndex, OffsetDateTime.class);
        }
        return super.getObject(columnIndex);
    }

    @Override public Object getObject(String columnLabel) throws SQLException {
        return getObject(findColumn(columnLabel));
    }

    private void convertingAccessors(List<ColumnMetaData> columns) {
        List<Cursor.Accessor> converting = new ArrayList<>(accessorList.size());
        for (int i = 0; i < accessorList.size(); i++) {
            converting.add(ConvertingAccessor.of(accessorList.get(i), columns.get(i), localCalendar));
        }
        accessorList = converting;
    }
}
