package dev.asof.planner.window;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * The mergeable partial state of one windowed aggregate: rows are added one at a time, partial
 * states of disjoint row sets (tiles, parts of a window) are merged, and {@link #result()} gives
 * the aggregate of everything added or merged. Results are defined so that the warehouse plan
 * computes the same values: counts, integer and decimal sums, MIN/MAX/LAST and the distinct counts
 * exactly, floating-point results up to rounding (asof promises 1e-9 relative).
 *
 * <p>Values are JDBC-style Java objects; integral numbers are read as {@code long}, {@code float}
 * as {@code double}. Not thread-safe.
 */
public interface WindowAccumulator {
    /** A new, empty state for {@code function}. */
    static WindowAccumulator create(WindowFunction function) {
        return switch (function) {
            case COUNT_ROWS -> new CountAccumulator(true);
            case COUNT -> new CountAccumulator(false);
            case COUNT_DISTINCT -> new DistinctAccumulator();
            case SUM -> new SumAccumulator(false);
            case AVG -> new SumAccumulator(true);
            case MIN -> new ExtremeAccumulator(false);
            case MAX -> new ExtremeAccumulator(true);
            case VAR_SAMP -> new MomentsAccumulator(false);
            case STDDEV_SAMP -> new MomentsAccumulator(true);
            case LAST -> new LastAccumulator();
            case APPROX_COUNT_DISTINCT -> new HyperLogLog();
        };
    }

    /**
     * Adds one row of the window.
     *
     * @param value the argument's value for this row (ignored by {@code COUNT(*)}), may be null
     * @param eventMicros the row's event time
     * @param createdMicros the row's created time, its event time when it has none
     */
    void add(Object value, long eventMicros, long createdMicros);

    /** Adds the rows of {@code other}, a state of the same function over a disjoint set of rows. */
    void merge(WindowAccumulator other);

    /** The aggregate: a count ({@code Long}, 0 when empty), or the value, NULL when empty. */
    Object result();

    /**
     * The partial state as plain values ({@code Long}, {@code Double}, {@code BigDecimal},
     * {@code Boolean}, {@code byte[]} and argument values), so that it can be stored (online tiles)
     * and rebuilt with {@link #fromState}.
     */
    List<Object> state();

    /** Replaces this state with one {@link #state()} returned, of the same function. */
    void restore(List<Object> state);

    /** A state of {@code function} rebuilt from {@link #state()}. */
    static WindowAccumulator fromState(WindowFunction function, List<Object> state) {
        WindowAccumulator a = create(function);
        a.restore(state);
        return a;
    }

    /** {@code value} with integral numbers as {@code Long} and {@code Float} as {@code Double}. */
    static Object normalize(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger b) {
            return b.longValueExact();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    /** A numeric value as a double (the type AVG, STDDEV_SAMP and VAR_SAMP compute in). */
    static double toDouble(Object value) {
        if (value instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("not a number: " + value.getClass().getSimpleName());
    }
}
