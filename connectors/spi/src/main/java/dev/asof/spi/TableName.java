package dev.asof.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The name of a warehouse table as the engine spells it: {@code catalog.schema.table}, where a
 * prefix may be omitted ({@code schema.table}, {@code table}) and is then resolved by the engine's
 * defaults. Immutable; parts are kept as given (engines decide about case).
 *
 * @param catalog the catalog; empty when the name has fewer than three parts
 * @param schema the schema; empty when the name has only a table part
 * @param table the table (or view) name
 */
public record TableName(Optional<String> catalog, Optional<String> schema, String table) {
    public TableName {
        requireNonNull(catalog, "catalog");
        requireNonNull(schema, "schema");
        requireNonNull(table, "table");
        checkPart(table, "table");
        catalog.ifPresent(c -> checkPart(c, "catalog"));
        schema.ifPresent(s -> checkPart(s, "schema"));
        if (catalog.isPresent() && schema.isEmpty()) {
            throw new IllegalArgumentException("a table name with a catalog needs a schema: " + catalog.get() + "." + table);
        }
    }

    /** A fully qualified name. */
    public static TableName of(String catalog, String schema, String table) {
        return new TableName(Optional.of(catalog), Optional.of(schema), table);
    }

    /** A name in a schema. */
    public static TableName of(SchemaName schema, String table) {
        return of(schema.catalog(), schema.schema(), table);
    }

    /**
     * A name from its dotted parts: one to three, in the order catalog, schema, table.
     *
     * @throws IllegalArgumentException for no parts, more than three, or a blank part
     */
    public static TableName of(List<String> parts) {
        requireNonNull(parts, "parts");
        return switch (parts.size()) {
            case 1 -> new TableName(Optional.empty(), Optional.empty(), parts.get(0));
            case 2 -> new TableName(Optional.empty(), Optional.of(parts.get(0)), parts.get(1));
            case 3 -> of(parts.get(0), parts.get(1), parts.get(2));
            default -> throw new IllegalArgumentException("a table name has one to three parts, not " + parts);
        };
    }

    /** The parts present, outermost first. */
    public List<String> parts() {
        List<String> parts = new ArrayList<>(3);
        catalog.ifPresent(parts::add);
        schema.ifPresent(parts::add);
        parts.add(table);
        return List.copyOf(parts);
    }

    /** True when catalog and schema are both present. */
    public boolean isQualified() {
        return catalog.isPresent();
    }

    /** The schema holding a qualified name. */
    public SchemaName schemaName() {
        if (!isQualified()) {
            throw new IllegalStateException("not a qualified table name: " + this);
        }
        return new SchemaName(catalog.get(), schema.get());
    }

    /** Dotted, unquoted: for messages, never for SQL text. */
    @Override
    public String toString() {
        return String.join(".", parts());
    }

    static void checkPart(String part, String what) {
        if (part.isBlank()) {
            throw new IllegalArgumentException("a " + what + " name must not be blank");
        }
    }
}
