package dev.asof.connector.duckdb;

import dev.asof.spi.ConnectorContext;
import dev.asof.spi.config.ConnectorConfig;
import dev.asof.spi.warehouse.WarehouseConnector;
import dev.asof.spi.warehouse.WarehouseConnectorFactory;
import java.util.Set;

/**
 * The embedded warehouse, {@code asof.warehouse=duckdb} (the default): one DuckDB file,
 * {@code <data-dir>/lake.duckdb}, whose tables are catalog {@code lake}.
 *
 * <p>Keys: {@code asof.duckdb.pool-size}, the most statements run at once (default: twice the
 * cores, at least 4).
 */
public final class DuckDbConnectorFactory implements WarehouseConnectorFactory {
    /** The embedded warehouse's file stem, which is also its catalog name. */
    public static final String CATALOG = "lake";
    static final String POOL_SIZE = "pool-size";

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public WarehouseConnector create(ConnectorConfig config, ConnectorContext context) {
        config.checkKnown(Set.of(POOL_SIZE), Set.of());
        int poolSize = config.intValue(POOL_SIZE, Math.max(4, context.availableProcessors() * 2), 1);
        return DuckDbConnector.open(context.dataDirectory().resolve(CATALOG + ".duckdb"), poolSize);
    }
}
