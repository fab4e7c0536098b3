package dev.asof.connector.duckdb;

import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads column descriptions from JDBC metadata. */
final class JdbcColumns {
    private JdbcColumns() {}

    static List<ColumnMetadata> of(ResultSetMetaData md) throws SQLException {
        List<ColumnMetadata> columns = new ArrayList<>(md.getColumnCount());
        for (int i = 1; i <= md.getColumnCount(); i++) {
            JDBCType type = jdbcType(md.getColumnType(i), md.getColumnTypeName(i));
            columns.add(new ColumnMetadata(
                    md.getColumnLabel(i), type, md.getColumnTypeName(i), md.getPrecision(i), md.getScale(i)));
        }
        return columns;
    }

    private static JDBCType jdbcType(int code, String typeName) {
        String name = typeName.toUpperCase();
        if (name.startsWith("TIMESTAMP WITH TIME ZONE") || name.equals("TIMESTAMPTZ")) {
            return JDBCType.TIMESTAMP_WITH_TIMEZONE;
        }
        if (name.equals("HUGEINT") || name.equals("UBIGINT")) {
            return JDBCType.DECIMAL;
        }
        try {
            return JDBCType.valueOf(code);
        } catch (IllegalArgumentException e) {
            return JDBCType.OTHER;
        }
    }
}
