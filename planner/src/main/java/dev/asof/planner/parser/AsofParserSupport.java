package dev.asof.planner.parser;

import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.parser.Span;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidatorException;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Helpers called from the generated parser's actions (see {@code parserImpls.ftl}). Public only
 * because the generated parser lives in another package; not an API.
 */
public final class AsofParserSupport {
    private AsofParserSupport() {}

    /**
     * Returns an exception that the parser reports as a syntax error at {@code pos} with exactly
     * {@code message}.
     */
    public static CalciteContextException error(SqlParserPos pos, String message) {
        return new CalciteContextException(message, new SqlValidatorException(message, null),
            pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum());
    }

    /** Rejects {@code CREATE OR REPLACE}, which asof's registry objects do not support. */
    public static void checkNoReplace(Span s, boolean replace, String what) {
        if (replace) {
            throw error(s.pos(), "CREATE OR REPLACE is not supported for " + what
                + "; DROP it and CREATE it again");
        }
    }

    /**
     * Checks that a TTL or HOP literal is a positive day-time interval (DAY, HOUR, MINUTE,
     * SECOND), which has a fixed length in milliseconds; YEAR/MONTH intervals do not.
     */
    public static @Nullable SqlIntervalLiteral dayTimeInterval(@Nullable SqlLiteral literal,
            String clause) {
        if (literal == null) {
            return null;
        }
        if (!(literal instanceof SqlIntervalLiteral interval)) {
            throw error(literal.getParserPosition(), clause + " must be an interval literal");
        }
        SqlIntervalLiteral.IntervalValue value =
            literal.getValueAs(SqlIntervalLiteral.IntervalValue.class);
        if (value.getIntervalQualifier().isYearMonth()) {
            throw error(literal.getParserPosition(), clause
                + " must be a DAY, HOUR, MINUTE or SECOND interval, not YEAR or MONTH");
        }
        if (interval.signum() <= 0) {
            throw error(literal.getParserPosition(), clause + " must be a positive interval");
        }
        return interval;
    }

    /** Milliseconds of a day-time interval literal, or {@code null} for {@code null}. */
    public static @Nullable Long millis(@Nullable SqlIntervalLiteral interval) {
        return interval == null ? null : interval.getValueAs(Long.class);
    }

    /** Writes {@code s} as an SQL character literal. */
    public static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
