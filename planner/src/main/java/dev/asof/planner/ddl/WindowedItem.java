package dev.asof.planner.ddl;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.AsofParserSupport;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.window.WindowFunction;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.SqlWindow;

/**
 * One windowed aggregate of a CREATE FEATURE VIEW select list, as written:
 * {@code f(arg) OVER (RANGE INTERVAL 'n' unit PRECEDING)} or the standard
 * {@code OVER (RANGE BETWEEN INTERVAL 'n' unit PRECEDING AND CURRENT ROW)}. The partition (the
 * entity key) and the order (the source's event time) are implied, so the window says only how
 * far back it reaches.
 *
 * @param argument the argument as written, null for {@code COUNT(*)}
 * @param interval the window's interval literal, for positions in messages
 */
record WindowedItem(WindowFunction function, SqlNode argument, Duration window, SqlNode call, SqlNode interval) {
    /** Aggregate names that are an error without OVER (a view has no GROUP BY). */
    private static final Set<String> AGGREGATES = Set.of("COUNT", "SUM", "AVG", "MIN", "MAX", "STDDEV_SAMP",
            "VAR_SAMP", "LAST", "APPROX_COUNT_DISTINCT", "STDDEV", "STDDEV_POP", "VARIANCE", "VAR_POP", "FIRST",
            "ANY_VALUE", "ARBITRARY", "ARRAY_AGG", "LIST", "STRING_AGG", "LISTAGG", "MEDIAN", "MODE", "ARG_MAX", "ARG_MIN",
            "MAX_BY", "MIN_BY", "BOOL_AND", "BOOL_OR", "EVERY", "APPROX_DISTINCT", "COLLECT");

    WindowedItem {
        requireNonNull(function, "function");
        requireNonNull(window, "window");
        requireNonNull(call, "call");
        requireNonNull(interval, "interval");
    }

    /** Parses {@code expr}, a select item's expression that contains OVER. */
    static WindowedItem parse(SqlNode expr) {
        if (expr.getKind() != SqlKind.OVER) {
            SqlNode over = firstOver(expr);
            throw invalid(over, "a windowed feature is one aggregate call with OVER, e.g. SUM(amount) OVER (RANGE "
                    + "INTERVAL '7' DAY PRECEDING) AS spend_7d; compute expressions over it in the query instead");
        }
        SqlCall over = (SqlCall) expr;
        SqlNode aggregate = over.operand(0);
        SqlNode windowNode = over.operand(1);
        if (!(aggregate instanceof SqlBasicCall call)) {
            throw invalid(aggregate, "OVER applies to an aggregate call such as SUM(amount)");
        }
        String name = call.getOperator().getName();
        boolean distinct = call.getFunctionQuantifier() != null
                && call.getFunctionQuantifier().getValue() == SqlSelectKeyword.DISTINCT;
        boolean star = call.operandCount() == 1 && call.operand(0) instanceof SqlIdentifier id && id.isStar();
        Optional<WindowFunction> function = WindowFunction.of(name, star, distinct);
        if (function.isEmpty()) {
            throw invalid(call, (distinct ? name.toUpperCase(Locale.ROOT) + "(DISTINCT ...)" : "'" + name + "'")
                    + " is not a windowed aggregate asof computes; use one of " + WindowFunction.names());
        }
        if (call.operandCount() != 1 || (star && function.get() != WindowFunction.COUNT_ROWS)) {
            throw invalid(call, name.toUpperCase(Locale.ROOT) + " takes one argument");
        }
        SqlNode argument = star ? null : call.operand(0);
        if (argument != null && containsAggregate(argument)) {
            throw invalid(argument, "the argument of a windowed aggregate cannot contain an aggregate or OVER");
        }
        if (windowNode instanceof SqlIdentifier named) {
            throw invalid(named, "named windows are not supported; write the window inline: OVER (RANGE INTERVAL "
                    + "'7' DAY PRECEDING)");
        }
        SqlWindow window = (SqlWindow) windowNode;
        String shape = "write OVER (RANGE INTERVAL '7' DAY PRECEDING) or OVER (RANGE BETWEEN INTERVAL '7' DAY "
                + "PRECEDING AND CURRENT ROW)";
        if (window.getRefName() != null) {
            throw invalid(window.getRefName(), "named windows are not supported; " + shape);
        }
        if (window.getPartitionList() != null && !window.getPartitionList().isEmpty()) {
            throw invalid(window.getPartitionList().get(0), "a windowed feature is partitioned by the entity key "
                    + "already; remove PARTITION BY and " + shape);
        }
        if (window.getOrderList() != null && !window.getOrderList().isEmpty()) {
            throw invalid(window.getOrderList().get(0), "a windowed feature is ordered by the source's event time "
                    + "already; remove ORDER BY and " + shape);
        }
        if (window.isRows()) {
            throw invalid(window, "windows are time ranges, not row counts: " + shape);
        }
        SqlNode lower = window.getLowerBound();
        SqlNode upper = window.getUpperBound();
        if (lower == null || upper != null && !SqlWindow.isCurrentRow(upper)
                || window.getExclude() != null && !SqlWindow.isExcludeNoOthers(window.getExclude())) {
            throw invalid(window, "a window reaches back from the current time: " + shape);
        }
        if (!(lower instanceof SqlCall bound) || bound.getKind() != SqlKind.PRECEDING
                || !(bound.operand(0) instanceof SqlIntervalLiteral interval)) {
            throw invalid(lower, "the window must be an interval PRECEDING, e.g. " + shape);
        }
        AsofParserSupport.checkInterval(interval); // malformed text: INVALID_DATETIME, positioned
        SqlIntervalLiteral.IntervalValue value = interval.getValueAs(SqlIntervalLiteral.IntervalValue.class);
        if (value.getIntervalQualifier().isYearMonth()) {
            throw invalid(interval, "a window must be a DAY, HOUR, MINUTE or SECOND interval (a fixed length), "
                    + "not YEAR or MONTH");
        }
        long millis = interval.getValueAs(Long.class);
        if (interval.signum() <= 0 || millis <= 0) {
            throw invalid(interval, "a window must be a positive interval");
        }
        if (millis > AsofParserSupport.MAX_INTERVAL_MILLIS) {
            throw invalid(interval, "a window must be at most 1,000,000 days");
        }
        return new WindowedItem(function.get(), argument, Duration.ofMillis(millis), call, interval);
    }

    /** True when {@code expr} calls an aggregate function without OVER (an error in a view). */
    static Optional<SqlCall> aggregateWithoutOver(SqlNode expr) {
        SqlCall[] found = {null};
        Nodes.contains(expr, c -> {
            if (c.getKind() != SqlKind.OVER && AGGREGATES.contains(c.getOperator().getName().toUpperCase(Locale.ROOT))) {
                found[0] = c;
                return true;
            }
            return false;
        });
        return Optional.ofNullable(found[0]);
    }

    private static boolean containsAggregate(SqlNode expr) {
        return Nodes.contains(expr, c -> c.getKind() == SqlKind.OVER || c.getOperator().isAggregator()
                || AGGREGATES.contains(c.getOperator().getName().toUpperCase(Locale.ROOT)));
    }

    private static SqlNode firstOver(SqlNode expr) {
        SqlNode[] found = {expr};
        Nodes.contains(expr, c -> {
            if (c.getKind() == SqlKind.OVER) {
                found[0] = c;
                return true;
            }
            return false;
        });
        return found[0];
    }

    static AsofException invalid(SqlNode at, String message) {
        return new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(at) + message);
    }
}
