package dev.asof.planner.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Warehouse SQL for one user query.
 *
 * @param sql the engine's SQL, with {@code ?} markers
 * @param parameterOrder for each marker in {@code sql}, the 0-based index of the user's parameter
 *     it binds (a user parameter may appear several times)
 * @param parameterCount number of parameters the user's statement has
 * @param engine engine the SQL is written for
 */
public record GeneratedQuery(String sql, List<Integer> parameterOrder, int parameterCount, String engine) {
    public GeneratedQuery {
        requireNonNull(sql, "sql");
        parameterOrder = List.copyOf(parameterOrder);
        requireNonNull(engine, "engine");
    }

    /** The values to bind to the markers, in marker order. */
    public List<Object> bind(List<Object> userParameters) {
        return parameterOrder.stream().map(userParameters::get).toList();
    }
}
