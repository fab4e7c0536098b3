package dev.asof.gateway.online;

import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The registry's definitions as a {@link Catalog} without warehouse tables: what the
 * materialization queries of a view read (its entity and source), for rebuilds the gateway starts
 * itself rather than a user's statement.
 */
final class RegistryDefinitions implements Catalog {
    private final Registry registry;

    RegistryDefinitions(Registry registry) {
        this.registry = registry;
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
        return List.of();
    }

    @Override
    public Optional<List<ColumnMetadata>> warehouseColumns(TableName table) {
        return Optional.empty();
    }

    @Override
    public List<String> defaultSchema() {
        return List.of();
    }
}
