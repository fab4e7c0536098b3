package dev.asof.spi;

import static java.util.Objects.requireNonNull;

import java.sql.JDBCType;

/**
 * A column as an engine describes it.
 *
 * @param name column name as the engine reports it
 * @param jdbcType the closest standard JDBC type
 * @param typeName the engine's own spelling of the type, e.g. {@code TIMESTAMP WITH TIME ZONE}
 * @param precision precision for numeric and character types, 0 when not applicable
 * @param scale scale for numeric types, 0 when not applicable
 */
public record ColumnMetadata(String name, JDBCType jdbcType, String typeName, int precision, int scale) {
    public ColumnMetadata {
        requireNonNull(name, "name");
        requireNonNull(jdbcType, "jdbcType");
        requireNonNull(typeName, "typeName");
    }

    public static ColumnMetadata of(String name, JDBCType jdbcType) {
        return new ColumnMetadata(name, jdbcType, jdbcType.getName(), 0, 0);
    }

    /** True for the types an event or created time may have: dates and timestamps. */
    public boolean isTemporal() {
        return switch (jdbcType) {
            case DATE, TIMESTAMP, TIMESTAMP_WITH_TIMEZONE -> true;
            default -> false;
        };
    }
}
