package dev.asof.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import java.util.List;

/**
 * What features describe: a customer, a card. Its key columns identify one instance.
 *
 * @param keys key columns in declaration order (composite keys have several)
 */
public record Entity(String name, List<ColumnMetadata> keys, String ddl) implements CatalogObject {
    public Entity {
        requireNonNull(name, "name");
        keys = List.copyOf(keys);
        requireNonNull(ddl, "ddl");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("an entity needs at least one key column");
        }
    }

    @Override
    public List<ColumnMetadata> columns() {
        return keys;
    }

    @Override
    public String tableType() {
        return "ENTITY";
    }
}
