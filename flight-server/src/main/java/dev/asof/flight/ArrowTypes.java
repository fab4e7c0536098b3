package dev.asof.flight;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.JDBCType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Maps between asof's column model (JDBC types, {@link dev.asof.spi.RowCursor} values) and Arrow:
 * BIGINT→Int64, INTEGER→Int32, SMALLINT→Int16, TINYINT→Int8, DOUBLE→Float8, REAL/FLOAT→Float4,
 * DECIMAL(p≤38,s)→Decimal128(p,s), BOOLEAN→Bool, DATE→Date32 (day), TIMESTAMP→Timestamp(µs, no
 * zone), TIMESTAMP WITH TIME ZONE→Timestamp(µs, "UTC"), TIME→Time64(µs), everything else→Utf8.
 */
final class ArrowTypes {
    private ArrowTypes() {}

    static Schema schema(List<ColumnMetadata> columns) {
        List<Field> fields = new ArrayList<>(columns.size());
        for (ColumnMetadata c : columns) {
            fields.add(new Field(c.name(), FieldType.nullable(arrowType(c)), null));
        }
        return new Schema(fields);
    }

    static ArrowType arrowType(ColumnMetadata c) {
        return switch (c.jdbcType()) {
            case BIGINT -> new ArrowType.Int(64, true);
            case INTEGER -> new ArrowType.Int(32, true);
            case SMALLINT -> new ArrowType.Int(16, true);
            case TINYINT -> new ArrowType.Int(8, true);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case FLOAT, REAL -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case DECIMAL, NUMERIC -> decimalFits(c)
                    ? new ArrowType.Decimal(c.precision(), c.scale(), 128)
                    : ArrowType.Utf8.INSTANCE;
            case BOOLEAN, BIT -> ArrowType.Bool.INSTANCE;
            case DATE -> new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY);
            case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case TIMESTAMP_WITH_TIMEZONE -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            case TIME -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
            default -> ArrowType.Utf8.INSTANCE;
        };
    }

    private static boolean decimalFits(ColumnMetadata c) {
        return c.precision() >= 1 && c.precision() <= 38 && c.scale() >= 0 && c.scale() <= c.precision();
    }

    /** Writes one column's values into its vector. */
    interface ColumnWriter {
        void write(int row, Object value);
    }

    static ColumnWriter writer(FieldVector vector) {
        if (vector instanceof BigIntVector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, ((Number) o).longValue()); };
        }
        if (vector instanceof IntVector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, ((Number) o).intValue()); };
        }
        if (vector instanceof SmallIntVector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, ((Number) o).shortValue()); };
        }
        if (vector instanceof TinyIntVector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, ((Number) o).byteValue()); };
        }
        if (vector instanceof Float8Vector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, ((Number) o).doubleValue()); };
        }
        if (vector instanceof Float4Vector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, ((Number) o).floatValue()); };
        }
        if (vector instanceof DecimalVector v) {
            int scale = v.getScale();
            return (i, o) -> {
                if (o == null) {
                    v.setNull(i);
                } else {
                    BigDecimal d = o instanceof BigDecimal b ? b : new BigDecimal(o.toString());
                    v.setSafe(i, d.setScale(scale, RoundingMode.HALF_UP));
                }
            };
        }
        if (vector instanceof BitVector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, ((Boolean) o) ? 1 : 0); };
        }
        if (vector instanceof DateDayVector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, (int) ((LocalDate) o).toEpochDay()); };
        }
        if (vector instanceof TimeStampMicroTZVector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, micros(((OffsetDateTime) o).toInstant())); };
        }
        if (vector instanceof TimeStampMicroVector v) {
            return (i, o) -> {
                if (o == null) v.setNull(i); else v.setSafe(i, micros(((LocalDateTime) o).toInstant(ZoneOffset.UTC)));
            };
        }
        if (vector instanceof TimeMicroVector v) {
            return (i, o) -> { if (o == null) v.setNull(i); else v.setSafe(i, ((LocalTime) o).toNanoOfDay() / 1000); };
        }
        if (vector instanceof VarCharVector v) {
            return (i, o) -> {
                if (o == null) v.setNull(i); else v.setSafe(i, o.toString().getBytes(StandardCharsets.UTF_8));
            };
        }
        throw new IllegalStateException("no writer for " + vector.getField());
    }

    private static long micros(java.time.Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    /** The asof column for an uploaded Arrow field; rejects types a warehouse table cannot hold. */
    static ColumnMetadata column(Field f) {
        ArrowType t = f.getType();
        JDBCType type;
        int precision = 0;
        int scale = 0;
        if (t instanceof ArrowType.Int i) {
            int bits = i.getBitWidth();
            if (!i.getIsSigned()) {
                bits = Math.min(64, bits * 2); // widen unsigned to the next signed type
            }
            type = bits <= 8 ? JDBCType.TINYINT : bits <= 16 ? JDBCType.SMALLINT : bits <= 32 ? JDBCType.INTEGER : JDBCType.BIGINT;
        } else if (t instanceof ArrowType.FloatingPoint fp) {
            type = fp.getPrecision() == FloatingPointPrecision.DOUBLE ? JDBCType.DOUBLE : JDBCType.REAL;
        } else if (t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8) {
            type = JDBCType.VARCHAR;
        } else if (t instanceof ArrowType.Bool) {
            type = JDBCType.BOOLEAN;
        } else if (t instanceof ArrowType.Decimal d && d.getBitWidth() == 128) {
            type = JDBCType.DECIMAL;
            precision = d.getPrecision();
            scale = d.getScale();
        } else if (t instanceof ArrowType.Date) {
            type = JDBCType.DATE;
        } else if (t instanceof ArrowType.Timestamp ts) {
            type = ts.getTimezone() == null || ts.getTimezone().isEmpty() ? JDBCType.TIMESTAMP : JDBCType.TIMESTAMP_WITH_TIMEZONE;
        } else if (t instanceof ArrowType.Time) {
            type = JDBCType.TIME;
        } else {
            throw new AsofException(ErrorCode.NOT_SUPPORTED, "column '" + f.getName() + "' has Arrow type " + t
                    + ", which asof cannot store; use integers, floats, decimals, strings, booleans, dates, times or timestamps");
        }
        String typeName = type == JDBCType.DECIMAL ? "DECIMAL(" + precision + "," + scale + ")" : type.getName();
        return new ColumnMetadata(f.getName(), type, typeName, precision, scale);
    }

    /** Reads a value from an uploaded vector as a {@link dev.asof.spi.RowCursor} value. */
    interface ColumnReader {
        Object read(int row);
    }

    static ColumnReader reader(FieldVector vector) {
        if (vector instanceof TimeStampVector v) {
            ArrowType.Timestamp ts = (ArrowType.Timestamp) v.getField().getType();
            boolean zoned = ts.getTimezone() != null && !ts.getTimezone().isEmpty();
            TimeUnit unit = ts.getUnit();
            return i -> {
                if (v.isNull(i)) {
                    return null;
                }
                java.time.Instant instant = instant(v.get(i), unit);
                return zoned ? instant.atOffset(ZoneOffset.UTC) : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
            };
        }
        if (vector instanceof DateDayVector v) {
            return i -> v.isNull(i) ? null : LocalDate.ofEpochDay(v.get(i));
        }
        if (vector instanceof DateMilliVector v) {
            return i -> v.isNull(i) ? null : LocalDate.ofEpochDay(Math.floorDiv(v.get(i), 86_400_000L));
        }
        if (vector instanceof TimeSecVector v) {
            return i -> v.isNull(i) ? null : LocalTime.ofSecondOfDay(v.get(i));
        }
        if (vector instanceof TimeMilliVector v) {
            return i -> v.isNull(i) ? null : LocalTime.ofNanoOfDay(v.get(i) * 1_000_000L);
        }
        if (vector instanceof TimeMicroVector v) {
            return i -> v.isNull(i) ? null : LocalTime.ofNanoOfDay(v.get(i) * 1000L);
        }
        if (vector instanceof TimeNanoVector v) {
            return i -> v.isNull(i) ? null : LocalTime.ofNanoOfDay(v.get(i));
        }
        if (vector instanceof VarCharVector v) {
            return i -> v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
        }
        if (vector instanceof LargeVarCharVector v) {
            return i -> v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
        }
        if (vector instanceof org.apache.arrow.vector.UInt1Vector v) {
            return i -> v.isNull(i) ? null : (Object) (short) Byte.toUnsignedInt(v.get(i));
        }
        if (vector instanceof org.apache.arrow.vector.UInt2Vector v) {
            return i -> v.isNull(i) ? null : (Object) (int) v.get(i);
        }
        if (vector instanceof org.apache.arrow.vector.UInt4Vector v) {
            return i -> v.isNull(i) ? null : (Object) Integer.toUnsignedLong(v.get(i));
        }
        // Ints, floats, decimals, booleans: getObject already gives the right Java type.
        return vector::getObject;
    }

    private static java.time.Instant instant(long value, TimeUnit unit) {
        return switch (unit) {
            case SECOND -> java.time.Instant.ofEpochSecond(value);
            case MILLISECOND -> java.time.Instant.ofEpochMilli(value);
            case MICROSECOND -> java.time.Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L),
                    Math.floorMod(value, 1_000_000L) * 1000L);
            case NANOSECOND -> java.time.Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L),
                    Math.floorMod(value, 1_000_000_000L));
        };
    }
}
