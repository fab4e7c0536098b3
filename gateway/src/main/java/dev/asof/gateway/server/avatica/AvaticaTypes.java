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
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.SqlType;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Conversions between asof's values and Avatica's wire representation.
 *
 * <p>Avatica's own format ({@link TimeWire#MILLIS}, what any Avatica client gets) carries
 * timestamps as epoch milliseconds of the UTC wall clock, dates as epoch days and times as
 * milliseconds of the day; {@code TIMESTAMP WITH TIME ZONE} values travel as {@code TIMESTAMP}
 * holding the instant in UTC, since Avatica's client has no zoned accessor.
 *
 * <p>A connection of the asof driver asks for {@link TimeWire#MICROS} when it opens
 * ({@link #TIME_WIRE_PROPERTY}): then a {@code TIMESTAMP} column is marked with the
 * representation {@code NUMBER} (instead of Avatica's {@code PRIMITIVE_LONG}) and its values are
 * epoch <em>microseconds</em> of the UTC wall clock, and a {@code TIMESTAMP WITH TIME ZONE} column
 * keeps its type ({@code Types.TIMESTAMP_WITH_TIMEZONE}, representation {@code STRING}) with ISO-8601
 * values of the instant in UTC ({@code 2024-01-02T03:04:05.123456Z}). Timestamp parameters of such
 * a connection are epoch microseconds too. The marks make the format self-describing: the driver
 * converts exactly the columns that carry them.
 */
final class AvaticaTypes {
    /** Connection property with which a client asks for {@link TimeWire#MICROS} ("micros"). */
    static final String TIME_WIRE_PROPERTY = "asof_time_wire";

    /** How a connection's timestamps travel. */
    enum TimeWire {
        /** Avatica's: epoch milliseconds; zoned timestamps as {@code TIMESTAMP} in UTC. */
        MILLIS,
        /** asof's: epoch microseconds; zoned timestamps keep their type. */
        MICROS;

        /** The format a connection opened with {@code properties} asked for. */
        static TimeWire requested(java.util.Map<String, String> properties) {
            return properties != null && "micros".equals(properties.get(TIME_WIRE_PROPERTY)) ? MICROS : MILLIS;
        }
    }

    private AvaticaTypes() {}

    static List<ColumnMetaData> columns(List<ColumnMetadata> columns) {
        return columns(columns, TimeWire.MILLIS);
    }

    static List<ColumnMetaData> columns(List<ColumnMetadata> columns, TimeWire times) {
        List<ColumnMetaData> out = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            out.add(column(i, columns.get(i), times));
        }
        return out;
    }

    static ColumnMetaData column(int ordinal, ColumnMetadata c, TimeWire times) {
        int type = wireType(c.jdbcType(), times);
        SqlType sqlType = SqlType.valueOf(type);
        ColumnMetaData.Rep rep;
        int precision = c.precision();
        if (type == Types.TIMESTAMP) {
            // For timestamps Avatica's client reads the precision as the number of fraction digits.
            rep = times == TimeWire.MICROS ? ColumnMetaData.Rep.NUMBER : ColumnMetaData.Rep.PRIMITIVE_LONG;
            precision = times == TimeWire.MICROS ? 6 : 3;
        } else if (type == Types.TIMESTAMP_WITH_TIMEZONE) {
            rep = ColumnMetaData.Rep.STRING;
            precision = 6;
        } else {
            rep = ColumnMetaData.Rep.of(sqlType.internal);
        }
        ColumnMetaData.AvaticaType avaticaType = ColumnMetaData.scalar(type, c.typeName(), rep);
        String className = type == Types.TIMESTAMP_WITH_TIMEZONE ? OffsetDateTime.class.getName() : sqlType.clazz.getName();
        return new ColumnMetaData(ordinal, false, true, false, false, DatabaseMetaData.columnNullable, isSigned(type),
                displaySize(type, c.precision()), c.name(), c.name(), null, precision, c.scale(), null, null,
                avaticaType, true, false, false, className);
    }

    /** The JDBC type sent to Avatica's clients; types Avatica cannot carry travel as text. */
    static int wireType(JDBCType type) {
        return wireType(type, TimeWire.MILLIS);
    }

    /** The JDBC type sent to clients; types Avatica cannot carry travel as text. */
    static int wireType(JDBCType type, TimeWire times) {
        return switch (type) {
            case TIMESTAMP_WITH_TIMEZONE -> times == TimeWire.MICROS ? Types.TIMESTAMP_WITH_TIMEZONE : Types.TIMESTAMP;
            case TIME_WITH_TIMEZONE -> Types.TIME;
            case BIGINT, INTEGER, SMALLINT, TINYINT, BOOLEAN, BIT, DOUBLE, FLOAT, REAL, DECIMAL, NUMERIC, CHAR, VARCHAR,
                    LONGVARCHAR, DATE, TIME, TIMESTAMP, BINARY, VARBINARY, LONGVARBINARY -> type.getVendorTypeNumber();
            default -> Types.VARCHAR;
        };
    }

    /** A row value in the form Avatica's frames carry for the column's wire type. */
    static Object wireValue(Object v, JDBCType type, TimeWire times) {
        if (v == null) {
            return null;
        }
        if (v instanceof LocalDateTime t) {
            return times == TimeWire.MICROS ? epochMicros(t.toEpochSecond(ZoneOffset.UTC), t.getNano())
                    : t.toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        if (v instanceof OffsetDateTime t) {
            if (times == TimeWire.MICROS) {
                return t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            }
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

    /** Epoch microseconds of {@code epochSecond} and {@code nanos} (truncated to microseconds). */
    static long epochMicros(long epochSecond, int nanos) {
        return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nanos / 1_000);
    }

    /**
     * A parameter value as the engines take it. Timestamps arrive as the client's wall clock, read as
     * UTC: epoch milliseconds, or microseconds on a {@link TimeWire#MICROS} connection.
     */
    static Object parameter(TypedValue v, TimeWire times) {
        if (v == null || v.value == null) {
            return null;
        }
        return switch (v.type) {
            case JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE -> {
                if (times == TimeWire.MICROS) {
                    long micros = ((Number) v.value).longValue();
                    yield LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                            (int) Math.floorMod(micros, 1_000_000L) * 1_000, ZoneOffset.UTC);
                }
                long millis = ((Number) v.value).longValue();
                yield LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000L),
                        (int) Math.floorMod(millis, 1000L) * 1_000_000, ZoneOffset.UTC);
            }
            case JAVA_SQL_DATE -> LocalDate.ofEpochDay(((Number) v.value).longValue());
            case JAVA_SQL_TIME -> LocalTime.ofNanoOfDay(((Number) v.value).longValue() * 1_000_000L);
            default -> v.toLocal();
        };
    }

    /** Parameters of the given types (a prepared statement's, as the engine or the lookup's key tells them). */
    static List<AvaticaParameter> parameters(List<JDBCType> types) {
        List<AvaticaParameter> params = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
            JDBCType t = types.get(i);
            int type = t.getVendorTypeNumber();
            params.add(t == JDBCType.OTHER ? any(i)
                    : new AvaticaParameter(isSigned(type), 0, 0, type, t.getName(), Object.class.getName(), "?" + (i + 1)));
        }
        return params;
    }

    private static AvaticaParameter any(int i) {
        return new AvaticaParameter(false, 0, 0, Types.OTHER, "ANY", Object.class.getName(), "?" + (i + 1));
    }

    /** {@code count} parameters of unknown type. */
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
            case Types.TIMESTAMP -> 26;
            case Types.TIMESTAMP_WITH_TIMEZONE -> 32;
            case Types.DATE -> 10;
            case Types.BOOLEAN -> 5;
            default -> precision > 0 ? precision : 256;
        };
    }
}
