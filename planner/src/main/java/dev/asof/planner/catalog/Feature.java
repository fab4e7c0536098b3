package dev.asof.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.window.WindowAggregate;
import dev.asof.spi.ColumnMetadata;
import java.util.Optional;

/**
 * One output column of a feature view.
 *
 * @param expression the column's expression over the source's columns, as canonical SQL; for a
 *     windowed aggregate the whole call as asof prints it ({@link WindowAggregate#sql()})
 * @param type the column as the warehouse types it
 * @param aggregate what a windowed feature computes; empty for key columns and latest values
 */
public record Feature(String expression, ColumnMetadata type, Optional<WindowAggregate> aggregate) {
    public Feature {
        requireNonNull(expression, "expression");
        requireNonNull(type, "type");
        requireNonNull(aggregate, "aggregate");
    }

    /** A key column or latest-value feature. */
    public Feature(String expression, ColumnMetadata type) {
        this(expression, type, Optional.empty());
    }

    public String name() {
        return type.name();
    }
}
