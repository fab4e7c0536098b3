package dev.asof.planner.plan;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.FeatureView;
import dev.asof.spi.ColumnMetadata;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An online lookup, planned once per prepared statement: which feature views to read, for which
 * entity keys, and which of their columns to return. Executing it binds the parameters, reads one
 * record per (view, key) from the online store in one batched round trip, and needs no parsing or
 * planning.
 *
 * <p>Rows: one per distinct key tuple in {@link #keys} (in the order written) for which the first
 * view has a live value; with several views, an inner join drops the key unless every view has
 * one, a left join keeps it with NULL columns for the views that do not.
 *
 * @param views the views read, in FROM order; all keyed by the same entity
 * @param keys the key tuples asked for, each in entity key order
 * @param outputs the result columns
 * @param leftJoin whether views after the first are LEFT JOINed (else inner joined)
 * @param projection expressions computed from {@code outputs} and the parameters; empty when the
 *     outputs are the result columns
 */
public record LookupPlan(List<FeatureView> views, List<List<KeyValue>> keys, List<Output> outputs, boolean leftJoin,
        Optional<LookupProjection> projection) {
    public LookupPlan(List<FeatureView> views, List<List<KeyValue>> keys, List<Output> outputs, boolean leftJoin) {
        this(views, keys, outputs, leftJoin, Optional.empty());
    }

    public LookupPlan {
        requireNonNull(projection, "projection");
        views = List.copyOf(views);
        keys = keys.stream().map(List::copyOf).toList();
        outputs = List.copyOf(outputs);
        if (views.isEmpty() || keys.isEmpty() || outputs.isEmpty()) {
            throw new IllegalArgumentException("a lookup reads at least one view, key and column");
        }
    }

    /** The result columns' metadata, in order. */
    public List<ColumnMetadata> columns() {
        return projection.map(LookupProjection::columns).orElseGet(() -> outputs.stream().map(Output::column).toList());
    }

    /** One result row from the values of {@link #outputs} (NULL where a view has none) and the parameters. */
    public List<Object> row(Object[] outputValues, List<Object> parameters) {
        return projection.isPresent() ? projection.get().evaluate(outputValues, parameters) : Arrays.asList(outputValues);
    }

    /** Where one key value comes from. */
    public sealed interface KeyValue {}

    /** The statement's parameter {@code index} (0-based). */
    public record Parameter(int index) implements KeyValue {}

    /** A literal written in the statement, already in the key column's Java type ({@code Long}, {@code String}, …). */
    public record Constant(Object value) implements KeyValue {
        public Constant {
            requireNonNull(value, "value");
        }
    }

    /**
     * One result column: column {@code featureIndex} of {@code FeatureView#features()} of view
     * {@code viewIndex}, under the label {@code column.name()}.
     */
    public record Output(int viewIndex, int featureIndex, ColumnMetadata column) {
        public Output {
            requireNonNull(column, "column");
        }
    }
}
