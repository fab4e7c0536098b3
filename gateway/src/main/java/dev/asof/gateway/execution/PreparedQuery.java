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
 * @param columns result columns when the statement returns rows, known before execution
 */
public record PreparedQuery(String sql, PlannedStatement plan, Optional<List<ColumnMetadata>> columns) {
    public PreparedQuery {
        requireNonNull(sql, "sql");
        requireNonNull(plan, "plan");
        requireNonNull(columns, "columns");
    }

    public int parameterCount() {
        return plan.parameterCount();
    }
}
