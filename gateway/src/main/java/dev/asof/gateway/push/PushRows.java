package dev.asof.gateway.push;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Source;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Brings values a client sent into the Java types of a push source's columns (those a warehouse
 * {@code RowCursor} returns: {@code Long} for BIGINT, {@code Integer}, {@code Short},
 * {@code Double}, {@code Float} for REAL, {@code BigDecimal} at the column's scale,
 * {@code Boolean}, {@code String}, {@code LocalDate}, {@code LocalDateTime} in UTC for
 * TIMESTAMP). Conversions that lose nothing are made (an integer for a DOUBLE, a zoned time for a
 * TIMESTAMP, ISO text for a time); anything else fails with {@link ErrorCode#INVALID_PUSH_VALUE}
 * naming the row, the column and the value. NULL in the event time or the idempotency key fails
 * with {@link ErrorCode#NULL_PUSH_VALUE}.
 */
public final class PushRows {
    private final Source source;
    private final List<ColumnMetadata> columns;
    private final int eventTime;
    private final int key;

    public PushRows(Source source) {
        this.source = requireNonNull(source, "source");
        this.columns = source.pushedColumns();
        this.eventTime = indexOf(source.eventTime());
        this.key = source.push().flatMap(p -> p.idempotencyKey()).map(this::indexOf).orElse(-1);
    }

    /** The source's pushed columns, in row order. */
    public List<ColumnMetadata> columns() {
        return columns;
    }

    /** Index of the idempotency key column in a row, or -1. */
    int keyIndex() {
        return key;
    }

    /**
     * Converts {@code row} (one value per pushed column, in order) in place.
     *
     * @param rowNumber 1-based, for messages
     */
    public Object[] convert(Object[] row, int rowNumber) {
        if (row.length != columns.size()) {
            throw new AsofException(ErrorCode.PUSH_COLUMNS_MISMATCH, "row " + rowNumber + " has " + row.length
                    + " values for the " + columns.size() + " columns of push source '" + source.name() + "'");
        }
        for (int i = 0; i < row.length; i++) {
            row[i] = value(row[i], columns.get(i), rowNumber);
        }
        if (row[eventTime] == null || (key >= 0 && row[key] == null)) {
            int column = row[eventTime] == null ? eventTime : key;
            throw new AsofException(ErrorCode.NULL_PUSH_VALUE, "row " + rowNumber + ": column '"
                    + columns.get(column).name() + "' of push source '" + source.name() + "' is NULL; it is the "
                    + (column == eventTime ? "EVENT TIME" : "IDEMPOTENCY KEY") + " and needs a value");
        }
        return row;
    }

    private Object value(Object v, ColumnMetadata column, int rowNumber) {
        if (v == null) {
            return null;
        }
        try {
            Object converted = switch (column.jdbcType()) {
                case BIGINT -> exact(v).longValueExact();
                case INTEGER -> exact(v).intValueExact();
                case SMALLINT -> exact(v).shortValueExact();
                case TINYINT -> exact(v).byteValueExact();
                case DOUBLE -> v instanceof Number n ? (Object) n.doubleValue() : null;
                case REAL, FLOAT -> v instanceof Number n ? (Object) n.floatValue() : null;
                case DECIMAL, NUMERIC -> decimal(v, column);
                case BOOLEAN, BIT -> v instanceof Boolean b ? b : null;
                case VARCHAR, CHAR, LONGVARCHAR -> v instanceof String s ? s : null;
                case DATE -> date(v);
                case TIMESTAMP -> timestamp(v);
                default -> null;
            };
            if (converted != null) {
                return converted;
            }
        } catch (ArithmeticException | DateTimeParseException e) {
            // falls through to the error below
        }
        throw new AsofException(ErrorCode.INVALID_PUSH_VALUE, "row " + rowNumber + ": " + describe(v)
                + " is not a valid " + column.typeName() + " for column '" + column.name() + "' of push source '"
                + source.name() + "'");
    }

    private static BigDecimal exact(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof BigDecimal d) {
            return d.setScale(0, RoundingMode.UNNECESSARY);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                return new BigDecimal(d).setScale(0, RoundingMode.UNNECESSARY);
            }
        }
        throw new ArithmeticException("not an integer");
    }

    private static BigDecimal decimal(Object v, ColumnMetadata column) {
        BigDecimal d;
        if (v instanceof BigDecimal b) {
            d = b;
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            d = BigDecimal.valueOf(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            d = BigDecimal.valueOf(((Number) v).doubleValue());
        } else {
            return null;
        }
        d = d.setScale(column.scale(), RoundingMode.UNNECESSARY);
        if (column.precision() > 0 && d.precision() > column.precision()) {
            throw new ArithmeticException("too many digits");
        }
        return d;
    }

    private static LocalDate date(Object v) {
        if (v instanceof LocalDate d) {
            return d;
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof String s) {
            return LocalDate.parse(s.trim());
        }
        return null;
    }

    private static LocalDateTime timestamp(Object v) {
        if (v instanceof LocalDateTime t) {
            return t;
        }
        if (v instanceof OffsetDateTime o) {
            return o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        if (v instanceof Instant i) {
            return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
        }
        if (v instanceof java.sql.Timestamp t) {
            return LocalDateTime.ofInstant(t.toInstant(), ZoneOffset.UTC);
        }
        if (v instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (v instanceof String s) {
            String text = s.trim().replace(' ', 'T');
            try {
                return LocalDateTime.parse(text);
            } catch (DateTimeParseException e) {
                return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            }
        }
        return null;
    }

    private static String describe(Object v) {
        String text = String.valueOf(v);
        if (text.length() > 40) {
            text = text.substring(0, 40) + "…";
        }
        return v instanceof String ? "'" + text + "'" : text;
    }

    private int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalStateException("push source " + source.name() + " has no column " + name);
    }
}
