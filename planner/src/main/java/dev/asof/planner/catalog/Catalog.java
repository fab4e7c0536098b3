package dev.asof.planner.catalog;

import dev.asof.spi.ColumnMetadata;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the planner may know about names: the registry's definitions and the warehouse's tables.
 * Implementations may do I/O (the gateway's asks the warehouse); the planner only calls these
 * methods while planning one statement.
 */
public interface Catalog {
    /** A registry object by name, ignoring case. */
    Optional<CatalogObject> object(String name);

    /** Every registry object. */
    Collection<CatalogObject> objects();

    /** Every warehouse table as {@code [catalog, schema, table]}. */
    List<List<String>> warehouseTables();

    /** Columns of a warehouse table, or empty if it does not exist. */
    Optional<List<ColumnMetadata>> warehouseColumns(List<String> path);

    /** The warehouse schema that unqualified table names resolve in, e.g. {@code [lake, main]}. */
    List<String> defaultSchema();

    /**
     * Warehouse schemas searched, in order, before {@link #defaultSchema()} for unqualified table
     * names: e.g. a Flight SQL session's own schema, which holds the tables it uploaded.
     */
    default List<List<String>> sessionSchemas() {
        return List.of();
    }
}
