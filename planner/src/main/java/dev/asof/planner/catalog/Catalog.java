package dev.asof.planner.catalog;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
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

    /**
     * The registry objects the asking user may see: the only ones offered as "did you mean"
     * candidates (names still resolve against {@link #objects()}, and privileges are checked on
     * the plan).
     */
    default Collection<CatalogObject> visibleObjects() {
        return objects();
    }

    /** The warehouse tables the asking user may see, as {@link #visibleObjects()}. */
    default List<TableName> visibleTables() {
        return warehouseTables();
    }

    /** Every warehouse table, fully qualified. */
    List<TableName> warehouseTables();

    /** Columns of a warehouse table, or empty if it does not exist. */
    Optional<List<ColumnMetadata>> warehouseColumns(TableName table);

    /** The warehouse schema that unqualified table names resolve in, e.g. {@code [lake, main]}. */
    List<String> defaultSchema();

    /**
     * Warehouse schemas searched, in order, before {@link #defaultSchema()} for unqualified table
     * names: e.g. a Flight SQL session's own schema, which holds the tables it uploaded.
     */
    default List<SchemaName> sessionSchemas() {
        return List.of();
    }
}
