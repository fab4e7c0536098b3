package dev.asof.gateway.execution;

import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog one statement is planned against: the registry's current definitions and the
 * warehouse's tables. Warehouse answers are remembered for the life of this object (one
 * statement), so planning asks the warehouse at most once per table.
 */
final class GatewayCatalog implements Catalog {
    private final Registry registry;
    private final WarehouseConnector warehouse;
    private final List<String> defaultSchema;
    private final List<SchemaName> sessionSchemas;
    private List<TableName> tables;
    private final Map<TableName, Optional<List<ColumnMetadata>>> columns = new HashMap<>();

    GatewayCatalog(Registry registry, WarehouseConnector warehouse, List<String> defaultSchema,
            List<SchemaName> sessionSchemas) {
        this.registry = registry;
        this.warehouse = warehouse;
        this.defaultSchema = defaultSchema;
        this.sessionSchemas = sessionSchemas;
    }

    @Override
    public List<SchemaName> sessionSchemas() {
        return sessionSchemas;
    }

    @Override
    public Optional<CatalogObject> object(String name) {
        return registry.get(name);
    }

    @Override
    public Collection<CatalogObject> objects() {
        return registry.objects();
    }

    @Override
    public List<TableName> warehouseTables() {
        if (tables == null) {
            tables = warehouse.listTables();
        }
        return tables;
    }

    @Override
    public Optional<List<ColumnMetadata>> warehouseColumns(TableName table) {
        return columns.computeIfAbsent(table, warehouse::describeTable);
    }

    @Override
    public List<String> defaultSchema() {
        return defaultSchema;
    }
}
