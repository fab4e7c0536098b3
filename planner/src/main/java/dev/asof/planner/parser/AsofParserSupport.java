package dev.asof.planner.parser;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import org.apache.calcite.rel.type.RelDataTypeSystem;
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
    /**
     * Longest TTL, HOP or window, in milliseconds: 1,000,000 days (about 2,700 years). Every length
     * up to it fits in microseconds, the unit window tiles are computed in, with room to spare.
     */
    public static final long MAX_INTERVAL_MILLIS = 1_000_000L * 86_400_000L;

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
     * Checks that a TTL or HOP literal is a well-formed ({@link #checkInterval}), positive
     * day-time interval (DAY, HOUR, MINUTE, SECOND), which has a fixed length in milliseconds;
     * YEAR/MONTH intervals do not.
     */
    public static @Nullable SqlIntervalLiteral dayTimeInterval(@Nullable SqlLiteral literal,
            String clause) {
        if (literal == null) {
            return null;
        }
        if (!(literal instanceof SqlIntervalLiteral interval)) {
            throw error(literal.getParserPosition(), clause + " must be an interval literal");
        }
        checkInterval(interval);
        SqlIntervalLiteral.IntervalValue value =
            literal.getValueAs(SqlIntervalLiteral.IntervalValue.class);
        if (value.getIntervalQualifier().isYearMonth()) {
            throw error(literal.getParserPosition(), clause
                + " must be a DAY, HOUR, MINUTE or SECOND interval, not YEAR or MONTH");
        }
        if (interval.signum() <= 0) {
            throw error(literal.getParserPosition(), clause + " must be a positive interval");
        }
        checkLength(interval, clause);
        return interval;
    }

    /**
     * Checks that an interval literal's text fits its qualifier ({@code '30' DAY}, not
     * {@code '30S' DAY}) and within the precision of its leading field. The parser
     * accepts any string there; Calcite reads it only when the length is asked for, and then fails
     * with an unpositioned RuntimeException.
     *
     * @throws AsofException {@link ErrorCode#INVALID_DATETIME} at the literal's position
     */
    public static void checkInterval(SqlIntervalLiteral literal) {
        SqlIntervalLiteral.IntervalValue value =
            literal.getValueAs(SqlIntervalLiteral.IntervalValue.class);
        String text = value.getIntervalLiteral();
        try {
            value.getIntervalQualifier().evaluateIntervalLiteral(text,
                literal.getParserPosition(), RelDataTypeSystem.DEFAULT);
            literal.getValueAs(Long.class); // YEAR/MONTH: months; else milliseconds
        } catch (CalciteContextException e) {
            String why = e.getCause() != null && e.getCause().getMessage() != null
                ? e.getCause().getMessage() : "malformed interval literal";
            throw datetimeError(literal.getParserPosition(), StatementText.clip(why));
        } catch (RuntimeException e) {
            throw datetimeError(literal.getParserPosition(), "interval literal '"
                + excerpt(text) + "' is out of range");
        }
    }

    /**
     * An {@link ErrorCode#INVALID_DATETIME} error at {@code pos}, for a TIMESTAMP, DATE or
     * INTERVAL literal whose text is malformed or out of range.
     */
    public static AsofException datetimeError(SqlParserPos pos, String message) {
        String where = pos == null || pos.getLineNum() <= 0
            ? "" : "line " + pos.getLineNum() + ", column " + pos.getColumnNum() + ": ";
        return new AsofException(ErrorCode.INVALID_DATETIME, where + message);
    }

    /** At most 40 characters of a literal's text, with "..." when cut. */
    static String excerpt(String text) {
        return text.length() <= StatementText.EXCERPT
            ? text : text.substring(0, StatementText.EXCERPT) + "...";
    }

    /**
     * Checks that a positive day-time interval is at least a millisecond (the unit of TTL, HOP and
     * windows) and at most {@link #MAX_INTERVAL_MILLIS}.
     *
     * @throws CalciteContextException reported as a syntax error at the literal
     */
    public static void checkLength(SqlIntervalLiteral interval, String what) {
        long millis = interval.getValueAs(Long.class);
        if (millis < 1) {
            throw error(interval.getParserPosition(), what + " must be at least 1 millisecond");
        }
        if (millis > MAX_INTERVAL_MILLIS) {
            throw error(interval.getParserPosition(), what + " must be at most 1,000,000 days");
        }
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
