package dev.asof.gateway.execution;

import dev.asof.gateway.metadata.UploadSchemas;
import dev.asof.gateway.metadata.WarehouseMetadataCache;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog one statement is planned against: the registry's current definitions and the
 * warehouse's tables from the gateway-wide {@link WarehouseMetadataCache}, less other sessions'
 * upload schemas. Answers are also remembered for the life of this object (one statement), so a
 * statement is planned against one consistent view even if the cache is invalidated meanwhile.
 */
final class GatewayCatalog implements Catalog {
    private final Registry registry;
    private final WarehouseMetadataCache warehouse;
    private final List<String> defaultSchema;
    private final List<SchemaName> sessionSchemas;
    private List<TableName> tables;
    private final Map<TableName, Optional<List<ColumnMetadata>>> columns = new HashMap<>();

    GatewayCatalog(Registry registry, WarehouseMetadataCache warehouse, List<String> defaultSchema,
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
            tables = warehouse.tables().stream()
                    .filter(t -> !t.isQualified() || UploadSchemas.visible(t.schemaName(), sessionSchemas))
                    .toList();
        }
        return tables;
    }

    @Override
    public Optional<List<ColumnMetadata>> warehouseColumns(TableName table) {
        return columns.computeIfAbsent(table, warehouse::columns);
    }

    @Override
    public List<String> defaultSchema() {
        return defaultSchema;
    }
}
