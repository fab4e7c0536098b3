package dev.asof.planner.online;

import java.math.BigDecimal;
import java.sql.JDBCType;
import java.util.Optional;

/**
 * Entity key types the online store serves, and the one Java form each key value takes there, so
 * that {@code 42}, {@code 42L} and {@code "42"} bound to a BIGINT key name the same record.
 */
public final class KeyTypes {
    private KeyTypes() {}

    /** {@code Long} for integer keys, {@code String} for character keys, empty for others (served offline). */
    public static Optional<Class<?>> javaType(JDBCType type) {
        return switch (type) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> Optional.of(Long.class);
            case CHAR, VARCHAR, LONGVARCHAR, NCHAR, NVARCHAR, LONGNVARCHAR -> Optional.of(String.class);
            default -> Optional.empty();
        };
    }

    /**
     * A key value in its canonical form for {@code type}.
     *
     * @throws IllegalArgumentException when the value cannot be such a key (the message says why)
     */
    public static Object canonical(Object value, JDBCType type) {
        if (value == null) {
            throw new IllegalArgumentException("a key value is NULL");
        }
        Class<?> java = javaType(type).orElseThrow(() -> new IllegalArgumentException(
                "keys of type " + type + " are not served online"));
        if (java == String.class) {
            return value.toString();
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        try {
            BigDecimal d = value instanceof BigDecimal b ? b
                    : value instanceof Number n ? new BigDecimal(n.toString())
                    : new BigDecimal(value.toString().trim());
            return d.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + value + "' is not a whole number for a " + type + " key");
        }
    }
}
