package dev.asof.connector.trino;

import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Column descriptions from trino-jdbc metadata; type names are Trino's own spelling. */
final class TrinoColumns {
    private TrinoColumns() {}

    static List<ColumnMetadata> of(ResultSetMetaData md) throws SQLException {
        if (md == null) {
            return List.of();
        }
        List<ColumnMetadata> columns = new ArrayList<>(md.getColumnCount());
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String typeName = md.getColumnTypeName(i);
            JDBCType type = jdbcType(md.getColumnType(i), typeName);
            columns.add(new ColumnMetadata(md.getColumnLabel(i), type, typeName, md.getPrecision(i), md.getScale(i)));
        }
        return columns;
    }

    static JDBCType jdbcType(int code, String typeName) {
        String name = typeName.toLowerCase(Locale.ROOT);
        if (name.startsWith("timestamp") && name.endsWith("with time zone")) {
            return JDBCType.TIMESTAMP_WITH_TIMEZONE;
        }
        if (name.startsWith("timestamp")) {
            return JDBCType.TIMESTAMP;
        }
        if (name.startsWith("time") && name.endsWith("with time zone")) {
            return JDBCType.TIME_WITH_TIMEZONE;
        }
        try {
            return JDBCType.valueOf(code);
        } catch (IllegalArgumentException e) {
            return JDBCType.OTHER;
        }
    }
}
