package dev.asof.planner.plan;

import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.List;
import java.util.Map;

/**
 * The result columns of an online lookup computed from the looked-up feature values and the
 * statement's parameters (request-time expressions), compiled once when the statement is planned.
 * Implementations are immutable and thread-safe: one prepared statement evaluates it for every
 * execution, from any thread.
 */
public interface LookupProjection {
    /** The result columns, in order. */
    List<ColumnMetadata> columns();

    /** The JDBC type of each parameter the expressions read, by 0-based parameter index. */
    Map<Integer, JDBCType> parameterTypes();

    /**
     * One result row.
     *
     * @param features the values of {@link LookupPlan#outputs()}, NULL where a view has no value
     * @param parameters the statement's parameters, by index
     * @throws dev.asof.planner.error.AsofException for a parameter of the wrong type, a division
     *     by zero or a numeric overflow (SQLSTATE class 22, as the warehouse would fail)
     */
    List<Object> evaluate(Object[] features, List<Object> parameters);

    /** The expressions as EXPLAIN shows them, one per result column. */
    List<String> explain();
}
