package dev.asof.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Struct;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.Map;
import java.util.Objects;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.util.Cursor;
import org.joou.UByte;
import org.joou.UInteger;
import org.joou.ULong;
import org.joou.UShort;

/**
 * One column's values as JDBC 4.2 asks for them: Avatica's accessor, plus
 * {@code getObject(column, Class)} for the {@code java.time} types, the boxed numbers,
 * {@code BigDecimal} and {@code String}, and the gateway's exact timestamps ({@link TimeValues}):
 * a {@code TIMESTAMP} column marked with the representation {@code NUMBER} carries epoch
 * microseconds, a {@code TIMESTAMP WITH TIME ZONE} column ISO-8601 text of its instant.
 */
final class ConvertingAccessor implements Cursor.Accessor {
    /** How the column's values travel. */
    private enum Kind {
        /** {@code TIMESTAMP} as epoch microseconds (the gateway's format for the asof driver). */
        MICROS_TIMESTAMP,
        /** {@code TIMESTAMP} as epoch milliseconds (Avatica's format). */
        MILLIS_TIMESTAMP,
        /** {@code TIMESTAMP WITH TIME ZONE} as ISO-8601 text. */
        ZONED_TIMESTAMP,
        DATE,
        TIME,
        OTHER
    }

    private final Cursor.Accessor avatica;
    private final Kind kind;
    private final String typeName;
    /** The connection's calendar: the zone in which a {@link Timestamp} shows a wall clock. */
    private final Calendar localCalendar;

    private ConvertingAccessor(Cursor.Accessor avatica, Kind kind, String typeName, Calendar localCalendar) {
        this.avatica = Objects.requireNonNull(avatica, "avatica");
        this.kind = kind;
        this.typeName = typeName;
        this.localCalendar = localCalendar;
    }

    /** The accessor for {@code column}, over Avatica's {@code accessor} for it. */
    static ConvertingAccessor of(Cursor.Accessor accessor, ColumnMetaData column, Calendar localCalendar) {
        return new ConvertingAccessor(accessor, kind(column), column.type.name, localCalendar);
    }

    private static Kind kind(ColumnMetaData column) {
        switch (column.type.id) {
        case Types.TIMESTAMP:
            if (column.type.rep == ColumnMetaData.Rep.NUMBER) {
                return Kind.MICROS_TIMESTAMP;
            }
            return column.type.rep == ColumnMetaData.Rep.PRIMITIVE_LONG || column.type.rep == ColumnMetaData.Rep.LONG
                ? Kind.MILLIS_TIMESTAMP : Kind.OTHER;
        case Types.TIMESTAMP_WITH_TIMEZONE:
            return column.type.rep == ColumnMetaData.Rep.STRING ? Kind.ZONED_TIMESTAMP : Kind.OTHER;
        case Types.DATE:
            return numeric(column.type.rep) ? Kind.DATE : Kind.OTHER;
        case Types.TIME:
            return numeric(column.type.rep) ? Kind.TIME : Kind.OTHER;
        default:
            return Kind.OTHER;
        }
    }

    /** Avatica's numeric wire forms: epoch days for a DATE, milliseconds of the day for a TIME. */
    private static boolean numeric(ColumnMetaData.Rep rep) {
        return rep == ColumnMetaData.Rep.PRIMITIVE_INT || rep == ColumnMetaData.Rep.INTEGER
            || rep == ColumnMetaData.Rep.PRIMITIVE_LONG || rep == ColumnMetaData.Rep.LONG
            || rep == ColumnMetaData.Rep.NUMBER;
    }

    // The exact timestamps.

    /** The column's value as a wall clock; null for SQL NULL. */
    private LocalDateTime localDateTime() throws SQLException {
        switch (kind) {
        case MICROS_TIMESTAMP: {
            long micros = avatica.getLong();
            return avatica.wasNull() ? null : TimeValues.fromEpochMicros(micros);
        }
        case MILLIS_TIMESTAMP: {
            long millis = avatica.getLong();
            return avatica.wasNull() ? null : TimeValues.fromEpochMillis(millis);
        }
        case ZONED_TIMESTAMP: {
            OffsetDateTime t = offsetDateTime();
            return t == null ? null : TimeValues.utcWallClock(t.toInstant());
        }
        case DATE: {
            LocalDate d = localDate();
            return d == null ? null : TimeValues.startOf(d);
        }
        default: {
            Timestamp t = avatica.getTimestamp(localCalendar);
            return t == null ? null : TimeValues.fromTimestamp(t, TimeValues.zone(null, localCalendar));
        }
        }
    }

    private OffsetDateTime offsetDateTime() throws SQLException {
        if (kind == Kind.ZONED_TIMESTAMP) {
            String text = avatica.getString();
            return text == null ? null : TimeValues.parseZoned(text);
        }
        LocalDateTime t = localDateTime();
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    private LocalDate localDate() throws SQLException {
        if (kind == Kind.DATE) {
            long epochDay = avatica.getLong();
            return avatica.wasNull() ? null : LocalDate.ofEpochDay(epochDay);
        }
        LocalDateTime t = localDateTime();
        return t == null ? null : t.toLocalDate();
    }

    private LocalTime localTime() throws SQLException {
        if (kind == Kind.TIME) {
            long millisOfDay = avatica.getLong();
            return avatica.wasNull() ? null : LocalTime.ofNanoOfDay(millisOfDay * 1_000_000L);
        }
        LocalDateTime t = localDateTime();
        return t == null ? null : t.toLocalTime();
    }

    private boolean exactTimestamp() {
        return kind == Kind.MICROS_TIMESTAMP || kind == Kind.ZONED_TIMESTAMP;
    }

    @Override public Object getObject() throws SQLException {
        switch (kind) {
        case MICROS_TIMESTAMP:
            return getTimestamp(localCalendar);
        case ZONED_TIMESTAMP:
            return offsetDateTime();
        default:
            return avatica.getObject();
        }
    }

    @Override public String getString() throws SQLException {
        if (kind == Kind.MICROS_TIMESTAMP) {
            LocalDateTime t = localDateTime();
            return t == null ? null : TimeValues.format(t);
        }
        return avatica.getString();
    }

    @Override public Timestamp getTimestamp(Calendar calendar) throws SQLException {
        if (kind == Kind.ZONED_TIMESTAMP) {
            OffsetDateTime t = offsetDateTime();
            return t == null ? null : Timestamp.from(t.toInstant());
        }
        if (kind == Kind.MICROS_TIMESTAMP) {
            LocalDateTime t = localDateTime();
            return t == null ? null : TimeValues.toTimestamp(t, TimeValues.zone(calendar, localCalendar));
        }
        return avatica.getTimestamp(calendar);
    }

    @Override public Date getDate(Calendar calendar) throws SQLException {
        if (exactTimestamp()) {
            Timestamp t = getTimestamp(calendar);
            if (t == null) {
                return null;
            }
            ZoneId zone = kind == Kind.ZONED_TIMESTAMP ? ZoneOffset.UTC : TimeValues.zone(calendar, localCalendar);
            LocalDate day = localDate();
            return new Date(day.atStartOfDay(zone).toInstant().toEpochMilli());
        }
        return avatica.getDate(calendar);
    }

    @Override public Time getTime(Calendar calendar) throws SQLException {
        if (exactTimestamp()) {
            LocalTime t = localTime();
            if (t == null) {
                return null;
            }
            ZoneId zone = TimeValues.zone(calendar, localCalendar);
            return new Time(LocalDate.ofEpochDay(0).atTime(t).atZone(zone).toInstant().toEpochMilli());
        }
        return avatica.getTime(calendar);
    }

    /**
     * JDBC 4.2's typed read. Times convert between {@code TIMESTAMP}, {@code TIMESTAMP WITH TIME
     * ZONE}, {@code DATE} and {@code TIME} and the {@code java.time} types ({@code TIMESTAMP} wall
     * clocks are read as UTC where an instant is asked for); numbers convert to any boxed number
     * (integral targets truncate a fraction and fail with 22003 when the value does not fit),
     * {@code BigDecimal} and {@code BigInteger}; anything converts to {@code String}.
     */
    @Override public <T> T getObject(Class<T> type) throws SQLException {
        if (type == null) {
            throw new SQLException("getObject needs a type", "HY009");
        }
        Object value = getObject();
        if (value == null) {
            return null;
        }
        Object converted = convert(value, type);
        if (converted == null) {
            throw new SQLDataException("cannot convert a " + typeName + " value to " + type.getName(), "07006");
        }
        return type.cast(converted);
    }

    private Object convert(Object value, Class<?> type) throws SQLException {
        if (type == String.class) {
            return getString();
        }
        if (type == LocalDateTime.class) {
            return timeKind() ? localDateTime() : null;
        }
        if (type == LocalDate.class) {
            return timeKind() && kind != Kind.TIME ? localDate() : null;
        }
        if (type == LocalTime.class) {
            return timeKind() && kind != Kind.DATE ? localTime() : null;
        }
        if (type == OffsetDateTime.class) {
            return timestampKind() ? offsetDateTime() : null;
        }
        if (type == ZonedDateTime.class) {
            return timestampKind() ? offsetDateTime().toZonedDateTime() : null;
        }
        if (type == Instant.class) {
            return timestampKind() ? offsetDateTime().toInstant() : null;
        }
        if (type == Timestamp.class || type == java.util.Date.class) {
            return timeKind() ? getTimestamp(null) : null;
        }
        if (type == Date.class) {
            return timeKind() ? getDate(null) : null;
        }
        if (type == Time.class) {
            return timeKind() ? getTime(null) : null;
        }
        if (type.isInstance(value)) {
            return value;
        }
        if (value instanceof Number || value instanceof String) {
            return number(value, type);
        }
        if (value instanceof Boolean && type == Boolean.class) {
            return value;
        }
        return null;
    }

    private boolean timestampKind() {
        return kind == Kind.MICROS_TIMESTAMP || kind == Kind.MILLIS_TIMESTAMP || kind == Kind.ZONED_TIMESTAMP;
    }

    private boolean timeKind() {
        return timestampKind() || kind == Kind.DATE || kind == Kind.TIME;
    }

    private Object number(Object value, Class<?> type) throws SQLException {
        BigDecimal decimal;
        try {
            decimal = value instanceof BigDecimal ? (BigDecimal) value
                : value instanceof Double || value instanceof Float ? BigDecimal.valueOf(((Number) value).doubleValue())
                : new BigDecimal(value.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
        try {
            if (type == Long.class) {
                return decimal.setScale(0, RoundingMode.DOWN).longValueExact();
            }
            if (type == Integer.class) {
                return decimal.setScale(0, RoundingMode.DOWN).intValueExact();
            }
            if (type == Short.class) {
                return decimal.setScale(0, RoundingMode.DOWN).shortValueExact();
            }
            if (type == Byte.class) {
                return decimal.setScale(0, RoundingMode.DOWN).byteValueExact();
            }
            if (type == BigInteger.class) {
                return decimal.setScale(0, RoundingMode.DOWN).toBigIntegerExact();
            }
        } catch (ArithmeticException e) {
            throw new SQLDataException("the " + typeName + " value " + value + " does not fit in "
                + type.getSimpleName(), "22003");
        }
        if (type == BigDecimal.class) {
            return decimal;
        }
        if (type == Double.class) {
            return value instanceof Number ? ((Number) value).doubleValue() : decimal.doubleValue();
        }
        if (type == Float.class) {
            return value instanceof Number ? ((Number) value).floatValue() : decimal.floatValue();
        }
        if (type == Boolean.class && value instanceof Number) {
            return decimal.signum() != 0;
        }
        return null;
    }

    // Everything else is Avatica's.

    @Override public boolean wasNull() throws SQLException {
        return avatica.wasNull();
    }

    @Override public boolean getBoolean() throws SQLException {
        return avatica.getBoolean();
    }

    @Override public byte getByte() throws SQLException {
        return avatica.getByte();
    }

    @Override public UByte getUByte() throws SQLException {
        return avatica.getUByte();
    }

    @Override public short getShort() throws SQLException {
        return avatica.getShort();
    }

    @Override public UShort getUShort() throws SQLException {
        return avatica.getUShort();
    }

    @Override public int getInt() throws SQLException {
        return avatica.getInt();
    }

    @Override public UInteger getUInt() throws SQLException {
        return avatica.getUInt();
    }

    @Override public long getLong() throws SQLException {
        return avatica.getLong();
    }

    @Override public ULong getULong() throws SQLException {
        return avatica.getULong();
    }

    @Override public float getFloat() throws SQLException {
        return avatica.getFloat();
    }

    @Override public double getDouble() throws SQLException {
        return avatica.getDouble();
    }

    @Override public BigDecimal getBigDecimal() throws SQLException {
        return avatica.getBigDecimal();
    }

    @Override public BigDecimal getBigDecimal(int scale) throws SQLException {
        return avatica.getBigDecimal(scale);
    }

    @Override public byte[] getBytes() throws SQLException {
        return avatica.getBytes();
    }

    @Override public InputStream getAsciiStream() throws SQLException {
        return avatica.getAsciiStream();
    }

    @Override public InputStream getUnicodeStream() throws SQLException {
        return avatica.getUnicodeStream();
    }

    @Override public InputStream getBinaryStream() throws SQLException {
        return avatica.getBinaryStream();
    }

    @Override public Reader getCharacterStream() throws SQLException {
        return avatica.getCharacterStream();
    }

    @Override public Object getObject(Map<String, Class<?>> map) throws SQLException {
        return avatica.getObject(map);
    }

    @Override public Ref getRef() throws SQLException {
        return avatica.getRef();
    }

    @Override public Blob getBlob() throws SQLException {
        return avatica.getBlob();
    }

    @Override public Clob getClob() throws SQLException {
        return avatica.getClob();
    }

    @Override public Array getArray() throws SQLException {
        return avatica.getArray();
    }

    @Override public Struct getStruct() throws SQLException {
        return avatica.getStruct();
    }

    @Override public URL getURL() throws SQLException {
        return avatica.getURL();
    }

    @Override public NClob getNClob() throws SQLException {
        return avatica.getNClob();
    }

    @Override public SQLXML getSQLXML() throws SQLException {
        return avatica.getSQLXML();
    }

    @Override public String getNString() throws SQLException {
        return avatica.getNString();
    }

    @Override public Reader getNCharacterStream() throws SQLException {
        return avatica.getNCharacterStream();
    }
}
