package dev.asof.gateway.security;

import dev.asof.planner.catalog.CatalogObject;
import dev.asof.spi.TableName;

/**
 * What one user may read, and so list: the metadata listings, SHOW, DESCRIBE, {@code sys.*} rows
 * and "did you mean" candidates show only these.
 */
public interface ReadPolicy {
    /** Whether the user may read (and see) a registry object. */
    boolean object(CatalogObject object);

    /** Whether the user may read (and see) a warehouse table, fully qualified. */
    boolean table(TableName table);

    /** Reads everything: admins, and the gateway itself. */
    static ReadPolicy everything() {
        return new ReadPolicy() {
            @Override
            public boolean object(CatalogObject object) {
                return true;
            }

            @Override
            public boolean table(TableName table) {
                return true;
            }
        };
    }
}
