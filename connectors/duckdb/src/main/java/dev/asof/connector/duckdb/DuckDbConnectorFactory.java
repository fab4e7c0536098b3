package dev.asof.connector.duckdb;

import dev.asof.spi.ConnectorContext;
import dev.asof.spi.config.ConnectorConfig;
import dev.asof.spi.warehouse.WarehouseConnector;
import dev.asof.spi.warehouse.WarehouseConnectorFactory;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The embedded warehouse, {@code asof.warehouse=duckdb} (the default): one DuckDB file,
 * {@code <data-dir>/lake.duckdb}, whose tables are catalog {@code lake}.
 *
 * <p>Keys: {@code asof.duckdb.pool-size}, the most statements run at once (default: twice the
 * cores, at least 4); {@code asof.duckdb.memory-limit}, the most memory DuckDB's buffer manager
 * holds, in DuckDB's size syntax ({@code 4GB}, {@code 512MiB}; default: DuckDB's own, 80% of the
 * machine's memory). Sorts, joins, windows and aggregates that need more spill to
 * {@code lake.duckdb.tmp} next to the database file.
 */
public final class DuckDbConnectorFactory implements WarehouseConnectorFactory {
    /** The embedded warehouse's file stem, which is also its catalog name. */
    public static final String CATALOG = "lake";
    static final String POOL_SIZE = "pool-size";
    static final String MEMORY_LIMIT = "memory-limit";
    /** A byte count with DuckDB's unit spellings; DuckDB itself would also take words it misreads. */
    private static final Pattern SIZE = Pattern.compile("[0-9]+(\\.[0-9]+)?\\s*(B|[KMGT]i?B)", Pattern.CASE_INSENSITIVE);

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
        config.checkKnown(Set.of(POOL_SIZE, MEMORY_LIMIT), Set.of());
        int poolSize = config.intValue(POOL_SIZE, Math.max(4, context.availableProcessors() * 2), 1);
        Optional<String> memoryLimit = config.value(MEMORY_LIMIT).map(String::strip);
        if (memoryLimit.isPresent() && !SIZE.matcher(memoryLimit.get()).matches()) {
            throw config.invalid(MEMORY_LIMIT, "must be a size such as 4GB or 512MiB, not '" + memoryLimit.get() + "'");
        }
        return DuckDbConnector.open(context.dataDirectory().resolve(CATALOG + ".duckdb"), poolSize, memoryLimit);
    }
}
