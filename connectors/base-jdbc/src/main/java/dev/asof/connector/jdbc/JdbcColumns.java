package dev.asof.connector.jdbc;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Column descriptions from JDBC result metadata; type names are the engine's own spelling. */
public final class JdbcColumns {
    /** Maps a driver's type code and type name to the closest standard JDBC type. */
    @FunctionalInterface
    public interface TypeMapping {
        /**
         * @param jdbcCode {@link java.sql.Types} code the driver reports
         * @param typeName the engine's type name, e.g. {@code timestamp(6) with time zone}
         */
        JDBCType jdbcType(int jdbcCode, String typeName);
    }

    /** The driver's code as it is; {@code OTHER} for codes outside {@link JDBCType}. */
    public static final TypeMapping STANDARD = (code, typeName) -> standard(code);

    private JdbcColumns() {}

    /**
     * The columns {@code md} describes; empty when {@code md} is null (a statement without a
     * result, as some drivers report it).
     */
    public static List<ColumnMetadata> of(ResultSetMetaData md, TypeMapping mapping) throws SQLException {
        requireNonNull(mapping, "mapping");
        if (md == null) {
            return List.of();
        }
        List<ColumnMetadata> columns = new ArrayList<>(md.getColumnCount());
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String typeName = md.getColumnTypeName(i);
            columns.add(new ColumnMetadata(md.getColumnLabel(i), mapping.jdbcType(md.getColumnType(i), typeName),
                    typeName, md.getPrecision(i), md.getScale(i)));
        }
        return List.copyOf(columns);
    }

    /** {@code JDBCType.valueOf(code)}, or {@code OTHER} for a vendor code. */
    public static JDBCType standard(int code) {
        try {
            return JDBCType.valueOf(code);
        } catch (IllegalArgumentException e) {
            return JDBCType.OTHER;
        }
    }
}
