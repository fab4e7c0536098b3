package dev.asof.planner.quality;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Whether a served value equals the warehouse's, by semantics rule 5: integers, decimals, strings
 * and times exactly; floating point within {@value #RELATIVE} relative
 * ({@code |a - b| <= 1e-9 * max(|a|, |b|)}), or within {@value #ABSOLUTE} absolute for results at
 * or near zero (a variance of equal values computed two ways), NaN equal to NaN. NULL equals NULL
 * only.
 */
public final class ValueMatch {
    /** Relative tolerance for floating point values. */
    public static final double RELATIVE = 1e-9;

    /** Absolute tolerance for floating point values near zero. */
    public static final double ABSOLUTE = 1e-12;

    private ValueMatch() {}

    public static boolean same(Object served, Object offline) {
        if (served == null || offline == null) {
            return served == offline;
        }
        if (served instanceof Number a && offline instanceof Number b) {
            if (floating(a) || floating(b)) {
                double x = a.doubleValue();
                double y = b.doubleValue();
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    return Double.isNaN(x) && Double.isNaN(y);
                }
                if (x == y) {
                    return true;
                }
                double difference = Math.abs(x - y);
                return difference <= ABSOLUTE || difference <= RELATIVE * Math.max(Math.abs(x), Math.abs(y));
            }
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
        }
        Object x = instant(served);
        Object y = instant(offline);
        return Objects.equals(x, y);
    }

    private static boolean floating(Number n) {
        return n instanceof Double || n instanceof Float;
    }

    /** Times as instants (a TIMESTAMP read as UTC), so that the two sides' types need not agree. */
    private static Object instant(Object value) {
        if (value instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof Instant) {
            return value;
        }
        return value;
    }
}
