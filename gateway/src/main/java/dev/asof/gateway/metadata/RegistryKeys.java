package dev.asof.gateway.metadata;

import dev.asof.gateway.metadata.MetadataListing.KeyRow;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.catalog.RegistryNamespace;
import dev.asof.spi.ColumnMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Primary keys of registry objects: an entity is keyed by its key columns, and so is each feature
 * view of it (a view has one row per entity key at any time). Sources have none: they hold events,
 * many per key. The key's name is the entity's name; the table is in the registry's catalog and
 * schema ({@link RegistryNamespace}).
 */
public final class RegistryKeys {
    private RegistryKeys() {}

    /** Key columns of every entity and feature view, ordered by table name, then key sequence. */
    public static List<KeyRow> of(Collection<CatalogObject> objects) {
        List<KeyRow> rows = new ArrayList<>();
        for (CatalogObject o : objects) {
            if (o instanceof Entity e) {
                add(rows, e.name(), e, e.keys());
            } else if (o instanceof FeatureView v) {
                entity(objects, v.entity()).ifPresent(e -> add(rows, v.name(), e, v.columns()));
            } else if (o instanceof RequestView r) {
                entity(objects, r.entity()).ifPresent(e -> add(rows, r.name(), e, r.columns()));
            }
        }
        rows.sort(Comparator.comparing(KeyRow::table, String.CASE_INSENSITIVE_ORDER)
                .thenComparing(KeyRow::table)
                .thenComparingInt(KeyRow::sequence));
        return rows;
    }

    /** One row per entity key, spelled as {@code table} spells the column. */
    private static void add(List<KeyRow> rows, String table, Entity entity, List<ColumnMetadata> tableColumns) {
        int sequence = 0;
        for (ColumnMetadata key : entity.keys()) {
            String column = tableColumns.stream().map(ColumnMetadata::name).filter(key.name()::equalsIgnoreCase)
                    .findFirst().orElse(key.name());
            rows.add(new KeyRow(RegistryNamespace.CATALOG, RegistryNamespace.SCHEMA, table, column, ++sequence, entity.name()));
        }
    }

    private static Optional<Entity> entity(Collection<CatalogObject> objects, String name) {
        return objects.stream().filter(x -> x instanceof Entity && x.name().equalsIgnoreCase(name))
                .map(Entity.class::cast).findFirst();
    }
}
