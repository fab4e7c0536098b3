package dev.asof.planner.window;

import java.util.Locale;
import java.util.Optional;

/**
 * The aggregate functions a windowed feature may use, with the SQL name users write. Every one of
 * them has a mergeable partial state ({@link WindowAccumulator}), so that the window at T can be
 * combined from per-tile partials (online) or from pre-aggregated parts (offline) with the same
 * result.
 */
public enum WindowFunction {
    /** {@code COUNT(*)}: rows in the window; 0 when empty. */
    COUNT_ROWS("COUNT", false),
    /** {@code COUNT(col)}: rows whose argument is not NULL; 0 when empty. */
    COUNT("COUNT", true),
    /** {@code COUNT(DISTINCT col)}: distinct non-NULL values, exact; 0 when empty. */
    COUNT_DISTINCT("COUNT", true),
    SUM("SUM", true),
    AVG("AVG", true),
    MIN("MIN", true),
    MAX("MAX", true),
    STDDEV_SAMP("STDDEV_SAMP", true),
    VAR_SAMP("VAR_SAMP", true),
    /**
     * {@code LAST(col)} (also spelled {@code LAST_VALUE(col)}): the argument of the window's
     * latest row (greatest event, then created time).
     */
    LAST("LAST", true),
    /** {@code APPROX_COUNT_DISTINCT(col)}: asof's HyperLogLog ({@link HyperLogLog}); 0 when empty. */
    APPROX_COUNT_DISTINCT("APPROX_COUNT_DISTINCT", true);

    private final String sqlName;
    private final boolean hasArgument;

    WindowFunction(String sqlName, boolean hasArgument) {
        this.sqlName = sqlName;
        this.hasArgument = hasArgument;
    }

    /** The function's name in SQL, e.g. {@code COUNT} for both COUNT forms. */
    public String sqlName() {
        return sqlName;
    }

    /** Whether the function takes a column argument ({@code COUNT(*)} does not). */
    public boolean hasArgument() {
        return hasArgument;
    }

    /** Whether an empty window gives 0 (the counting functions) rather than NULL. */
    public boolean countsRows() {
        return this == COUNT_ROWS || this == COUNT || this == COUNT_DISTINCT || this == APPROX_COUNT_DISTINCT;
    }

    /**
     * The function a call names.
     *
     * @param name the called name, any case
     * @param star whether the argument is {@code *}
     * @param distinct whether {@code DISTINCT} was written before the argument
     */
    public static Optional<WindowFunction> of(String name, boolean star, boolean distinct) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.equals("COUNT")) {
            return Optional.of(star ? COUNT_ROWS : distinct ? COUNT_DISTINCT : COUNT);
        }
        if (distinct) {
            return Optional.empty();
        }
        if (n.equals("LAST_VALUE")) {
            return Optional.of(LAST); // the standard's name for the same thing
        }
        for (WindowFunction f : values()) {
            if (f.hasArgument && f.sqlName.equals(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The names users may write, for error messages. */
    public static String names() {
        return "COUNT(*), COUNT, COUNT(DISTINCT), SUM, AVG, MIN, MAX, STDDEV_SAMP, VAR_SAMP, LAST, APPROX_COUNT_DISTINCT";
    }
}
