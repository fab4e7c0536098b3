package dev.asof.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A warehouse schema: {@code catalog.schema}. Immutable; parts are kept as given.
 */
public record SchemaName(String catalog, String schema) {
    public SchemaName {
        requireNonNull(catalog, "catalog");
        requireNonNull(schema, "schema");
        TableName.checkPart(catalog, "catalog");
        TableName.checkPart(schema, "schema");
    }

    /** The two parts, catalog first. */
    public List<String> parts() {
        return List.of(catalog, schema);
    }

    /** Dotted, unquoted: for messages, never for SQL text. */
    @Override
    public String toString() {
        return catalog + "." + schema;
    }
}
