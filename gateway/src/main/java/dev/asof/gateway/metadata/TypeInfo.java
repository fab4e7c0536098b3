package dev.asof.gateway.metadata;

import static java.util.Objects.requireNonNull;

import java.sql.DatabaseMetaData;
import java.sql.JDBCType;
import java.util.List;

/**
 * The SQL types a client may use in asof's statements (the types asof returns and binds), one row
 * each with the columns of JDBC's {@code DatabaseMetaData.getTypeInfo} and Flight SQL's
 * {@code CommandGetXdbcTypeInfo}, ordered by JDBC type number as both document. Lengths are
 * characters; time types hold microseconds (scale 0 to 6).
 *
 * @param name the type as asof spells it in DDL and casts
 * @param precision maximum precision, or the display length for character, binary and time types
 * @param literalPrefix what starts a literal ({@code '}, {@code TIMESTAMP '}); null for numbers
 * @param createParams parameters taken in a type declaration, e.g. {@code precision,scale}; null for none
 * @param caseSensitive whether values compare case-sensitively
 * @param fixedPrecScale whether the type is an exact fixed-point number
 * @param unsigned whether the type is an unsigned number (none is)
 * @param minScale smallest scale (fractional digits of seconds for time types)
 * @param maxScale largest scale
 * @param radix 10, or null where it does not apply
 */
public record TypeInfo(String name, JDBCType type, int precision, String literalPrefix, String createParams,
        boolean caseSensitive, boolean fixedPrecScale, boolean unsigned, int minScale, int maxScale, Integer radix) {
    public TypeInfo {
        requireNonNull(name, "name");
        requireNonNull(type, "type");
    }

    /** Every type, ordered by {@link JDBCType#getVendorTypeNumber()}. */
    public static final List<TypeInfo> ALL = List.of(
            number("TINYINT", JDBCType.TINYINT, 3),
            number("BIGINT", JDBCType.BIGINT, 19),
            new TypeInfo("VARBINARY", JDBCType.VARBINARY, Integer.MAX_VALUE, "X'", null, false, false, false, 0, 0, null),
            new TypeInfo("DECIMAL", JDBCType.DECIMAL, 38, null, "precision,scale", false, true, false, 0, 38, 10),
            number("INTEGER", JDBCType.INTEGER, 10),
            number("SMALLINT", JDBCType.SMALLINT, 5),
            new TypeInfo("REAL", JDBCType.REAL, 7, null, null, false, false, false, 0, 0, 10),
            new TypeInfo("DOUBLE", JDBCType.DOUBLE, 15, null, null, false, false, false, 0, 0, 10),
            new TypeInfo("VARCHAR", JDBCType.VARCHAR, Integer.MAX_VALUE, "'", "length", true, false, false, 0, 0, null),
            new TypeInfo("BOOLEAN", JDBCType.BOOLEAN, 1, null, null, false, false, false, 0, 0, null),
            time("DATE", JDBCType.DATE, 10, 0),
            time("TIME", JDBCType.TIME, 15, 6),
            time("TIMESTAMP", JDBCType.TIMESTAMP, 26, 6),
            time("TIMESTAMP WITH TIME ZONE", JDBCType.TIMESTAMP_WITH_TIMEZONE, 32, 6));

    /** What ends a literal: the quote that the prefix opens, else null. */
    public String literalSuffix() {
        return literalPrefix == null ? null : "'";
    }

    /** Every type can hold NULL. */
    public int nullable() {
        return DatabaseMetaData.typeNullable;
    }

    /** Every type can be used in a WHERE clause. */
    public int searchable() {
        return DatabaseMetaData.typeSearchable;
    }

    private static TypeInfo number(String name, JDBCType type, int precision) {
        return new TypeInfo(name, type, precision, null, null, false, true, false, 0, 0, 10);
    }

    private static TypeInfo time(String name, JDBCType type, int length, int maxScale) {
        return new TypeInfo(name, type, length, name + " '", maxScale > 0 ? "precision" : null, false, false, false, 0,
                maxScale, null);
    }
}
