package dev.asof.planner.sql;

import org.apache.calcite.sql.SqlNode;

/**
 * An engine with a native as-of join: for each left row, the one right row with equal keys and
 * the greatest ordering value that is at most (or, strictly, less than) the left row's probe
 * value; left rows without such a row are kept with NULLs. The planner uses it for latest-value
 * PIT joins ({@code LEFT JOIN view AS OF t}); engines without one get the portable union plan.
 */
public interface AsofJoinDialect {
    /**
     * {@code left ASOF LEFT JOIN right ON keyEqualities AND probe >= ordering} (or {@code >} when
     * {@code strict}).
     *
     * @param keyEqualities conjunction of equalities between left and right expressions
     * @param probe an expression over the left side
     * @param ordering an expression over the right side, comparable with {@code probe}
     */
    SqlNode asofLeftJoin(SqlNode left, SqlNode right, SqlNode keyEqualities, SqlNode probe, SqlNode ordering,
            boolean strict);

    /**
     * A plain {@code TIMESTAMP} as it is, failing the statement with SQLSTATE 22008 naming its
     * column when it is finite and outside {@link Instants the supported range}: the check of
     * {@code EngineDialect.instant} without computing the instant, for plans that order plain
     * timestamps as they are (they order as their UTC instants, the engine's infinities included).
     */
    SqlNode checkedTimestamp(SqlNode value);
}
