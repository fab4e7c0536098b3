package dev.asof.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;

/**
 * One output column of a feature view.
 *
 * @param expression the column's expression over the source's columns, as canonical SQL
 * @param type the column as the warehouse types it
 */
public record Feature(String expression, ColumnMetadata type) {
    public Feature {
        requireNonNull(expression, "expression");
        requireNonNull(type, "type");
    }

    public String name() {
        return type.name();
    }
}
