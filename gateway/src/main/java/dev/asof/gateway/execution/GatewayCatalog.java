package dev.asof.gateway.execution;

import dev.asof.gateway.metadata.UploadSchemas;
import dev.asof.gateway.metadata.WarehouseMetadataCache;
import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.security.ReadPolicy;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Source;
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
    private final SourceDrift drift;
    private final java.util.Set<String> checkedSources = new java.util.HashSet<>();

    private final ReadPolicy policy;

    /** @param policy what the asking user may see: the objects offered as "did you mean" candidates */
    GatewayCatalog(Registry registry, WarehouseMetadataCache warehouse, List<String> defaultSchema,
            List<SchemaName> sessionSchemas, SourceDrift drift, ReadPolicy policy) {
        this.registry = registry;
        this.policy = policy;
        this.drift = drift;
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
        Optional<CatalogObject> o = registry.get(name);
        // A source is resolved to be read (directly, or under a feature view): check it still has
        // its declared columns, once per statement.
        if (o.isPresent() && o.get() instanceof Source s && checkedSources.add(s.name())) {
            drift.check(s);
        }
        return o;
    }

    @Override
    public Collection<CatalogObject> objects() {
        return registry.objects();
    }

    @Override
    public Collection<CatalogObject> visibleObjects() {
        return registry.objects().stream().filter(policy::object).toList();
    }

    @Override
    public List<TableName> visibleTables() {
        return warehouseTables().stream().filter(policy::table).toList();
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
