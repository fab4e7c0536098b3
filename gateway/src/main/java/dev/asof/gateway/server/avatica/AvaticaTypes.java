package dev.asof.gateway.server.avatica;

import dev.asof.spi.ColumnMetadata;
import java.math.BigDecimal;
import java.sql.DatabaseMetaData;
import java.sql.JDBCType;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.SqlType;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Conversions between asof's values and Avatica's wire representation. Avatica carries
 * timestamps as epoch milliseconds of the UTC wall clock, dates as epoch days and times as
 * milliseconds of the day; {@code TIMESTAMP WITH TIME ZONE} values travel as {@code TIMESTAMP}
 * holding the instant in UTC, since Avatica has no zoned type.
 */
final class AvaticaTypes {
    private AvaticaTypes() {}

    static List<ColumnMetaData> columns(List<ColumnMetadata> columns) {
        List<ColumnMetaData> out = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            out.add(column(i, columns.get(i)));
        }
        return out;
    }

    static ColumnMetaData column(int ordinal, ColumnMetadata c) {
        int type = wireType(c.jdbcType());
        SqlType sqlType = SqlType.valueOf(type);
        ColumnMetaData.Rep rep = ColumnMetaData.Rep.of(sqlType.internal);
        ColumnMetaData.AvaticaType avaticaType = ColumnMetaData.scalar(type, c.typeName(), rep);
        return new ColumnMetaData(ordinal, false, true, false, false, DatabaseMetaData.columnNullable, isSigned(type),
                displaySize(type, c.precision()), c.name(), c.name(), null, c.precision(), c.scale(), null, null,
                avaticaType, true, false, false, sqlType.clazz.getName());
    }

    /** The JDBC type sent to clients; types Avatica cannot carry travel as text. */
    static int wireType(JDBCType type) {
        return switch (type) {
            case TIMESTAMP_WITH_TIMEZONE -> Types.TIMESTAMP;
            case TIME_WITH_TIMEZONE -> Types.TIME;
            case BIGINT, INTEGER, SMALLINT, TINYINT, BOOLEAN, BIT, DOUBLE, FLOAT, REAL, DECIMAL, NUMERIC, CHAR, VARCHAR,
                    LONGVARCHAR, DATE, TIME, TIMESTAMP, BINARY, VARBINARY, LONGVARBINARY -> type.getVendorTypeNumber();
            default -> Types.VARCHAR;
        };
    }

    /** A row value in the form Avatica's frames carry for the column's wire type. */
    static Object wireValue(Object v, JDBCType type) {
        if (v == null) {
            return null;
        }
        if (v instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant().toEpochMilli();
        }
        if (v instanceof LocalDate d) {
            return (int) d.toEpochDay();
        }
        if (v instanceof LocalTime t) {
            return (int) (t.toNanoOfDay() / 1_000_000L);
        }
        if (wireType(type) == Types.VARCHAR && !(v instanceof String)) {
            return v.toString();
        }
        if (type == JDBCType.DECIMAL && !(v instanceof BigDecimal) && v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        return v;
    }

    /** A parameter value as the engines take it. Timestamps arrive as the client's wall clock, read as UTC. */
    static Object parameter(TypedValue v) {
        if (v == null || v.value == null) {
            return null;
        }
        return switch (v.type) {
            case JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE -> {
                long millis = ((Number) v.value).longValue();
                yield LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000L),
                        (int) Math.floorMod(millis, 1000L) * 1_000_000, ZoneOffset.UTC);
            }
            case JAVA_SQL_DATE -> LocalDate.ofEpochDay(((Number) v.value).longValue());
            case JAVA_SQL_TIME -> LocalTime.ofNanoOfDay(((Number) v.value).longValue() * 1_000_000L);
            default -> v.toLocal();
        };
    }

    static List<AvaticaParameter> parameters(int count) {
        List<AvaticaParameter> params = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            params.add(new AvaticaParameter(false, 0, 0, Types.OTHER, "ANY", Object.class.getName(), "?" + (i + 1)));
        }
        return params;
    }

    private static boolean isSigned(int type) {
        return switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT, Types.DOUBLE, Types.FLOAT, Types.REAL,
                    Types.DECIMAL, Types.NUMERIC -> true;
            default -> false;
        };
    }

    private static int displaySize(int type, int precision) {
        return switch (type) {
            case Types.BIGINT -> 20;
            case Types.INTEGER -> 11;
            case Types.DOUBLE, Types.FLOAT -> 24;
            case Types.TIMESTAMP -> 29;
            case Types.DATE -> 10;
            case Types.BOOLEAN -> 5;
            default -> precision > 0 ? precision : 256;
        };
    }
}
