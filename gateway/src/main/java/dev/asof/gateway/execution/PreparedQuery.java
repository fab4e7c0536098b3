package dev.asof.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.plan.PlannedStatement;
import dev.asof.spi.ColumnMetadata;
import java.util.List;
import java.util.Optional;

/**
 * A statement planned once and executable many times with different parameters.
 *
 * @param sql the user's statement text
 * @param plan what the planner made of it
 * @param columns result columns known before execution: present when the statement returns rows
 *     and was prepared ({@link StatementExecutor#prepare}); empty when it returns an update count,
 *     and for every statement planned to run at once ({@link StatementExecutor#plan}), whose result
 *     columns come with its cursor ({@link dev.asof.spi.RowCursor#columns()})
 * @param described whether {@code columns} was worked out before execution (prepare) or left to
 *     the cursor (plan)
 */
public record PreparedQuery(String sql, PlannedStatement plan, Optional<List<ColumnMetadata>> columns,
        boolean described) {
    public PreparedQuery {
        requireNonNull(sql, "sql");
        requireNonNull(plan, "plan");
        requireNonNull(columns, "columns");
        if (!described && columns.isPresent()) {
            throw new IllegalArgumentException("a statement planned to run at once has no columns before it runs");
        }
    }

    public int parameterCount() {
        return plan.parameterCount();
    }
}
