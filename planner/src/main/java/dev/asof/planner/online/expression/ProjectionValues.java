package dev.asof.planner.online.expression;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import java.math.BigDecimal;
import java.sql.JDBCType;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Values at the boundary of compiled expressions: Calcite's generated code reads each input as
 * the Java class of its SQL type (INTEGER as {@code Integer}, DOUBLE as {@code Double}, ...), while
 * feature values and client parameters arrive as whatever the store or driver produced.
 */
public final class ProjectionValues {
    private ProjectionValues() {}

    /** {@code value} as the class Calcite's code expects for {@code type}; a client's wrong value is 22023. */
    static Object toStorage(Object value, RelDataType type, String what) {
        if (value == null) {
            return null;
        }
        try {
            return switch (type.getSqlTypeName()) {
                case BOOLEAN -> value instanceof Boolean b ? b : Boolean.valueOf(parseBoolean(value.toString()));
                case TINYINT -> (byte) exact(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
                case SMALLINT -> (short) exact(value, Short.MIN_VALUE, Short.MAX_VALUE);
                case INTEGER -> (int) exact(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case BIGINT -> exact(value, Long.MIN_VALUE, Long.MAX_VALUE);
                case REAL -> value instanceof Number n ? n.floatValue() : Float.parseFloat(value.toString().trim());
                case FLOAT, DOUBLE -> value instanceof Number n ? n.doubleValue()
                        : Double.parseDouble(value.toString().trim());
                case DECIMAL -> value instanceof BigDecimal d ? d : new BigDecimal(value.toString().trim());
                case CHAR, VARCHAR -> value.toString();
                default -> value;
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new AsofException(ErrorCode.INVALID_PARAMETER, what + ": '" + value + "' is not a valid "
                    + type.getSqlTypeName());
        }
    }

    private static long exact(Object value, long min, long max) {
        BigDecimal d = value instanceof BigDecimal b ? b
                : value instanceof Double || value instanceof Float ? BigDecimal.valueOf(((Number) value).doubleValue())
                : value instanceof Number n ? BigDecimal.valueOf(n.longValue())
                : new BigDecimal(value.toString().trim());
        long v = d.longValueExact();
        if (v < min || v > max) {
            throw new ArithmeticException("out of range");
        }
        return v;
    }

    private static boolean parseBoolean(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "t", "1" -> true;
            case "false", "f", "0" -> false;
            default -> throw new NumberFormatException(s);
        };
    }

    static JDBCType jdbcType(RelDataType type) {
        return switch (type.getSqlTypeName()) {
            case BOOLEAN -> JDBCType.BOOLEAN;
            case TINYINT -> JDBCType.TINYINT;
            case SMALLINT -> JDBCType.SMALLINT;
            case INTEGER -> JDBCType.INTEGER;
            case BIGINT -> JDBCType.BIGINT;
            case REAL -> JDBCType.REAL;
            case FLOAT, DOUBLE -> JDBCType.DOUBLE;
            case DECIMAL -> JDBCType.DECIMAL;
            case CHAR, VARCHAR -> JDBCType.VARCHAR;
            default -> JDBCType.OTHER;
        };
    }

    /** A result column of {@code type} as the gateway returns it ({@code OTHER} for types it does not evaluate). */
    public static ColumnMetadata column(String name, RelDataType type) {
        JDBCType jdbc = jdbcType(type);
        if (jdbc == JDBCType.DECIMAL) {
            return new ColumnMetadata(name, jdbc, "DECIMAL", type.getPrecision(), type.getScale());
        }
        return ColumnMetadata.of(name, jdbc);
    }
}
