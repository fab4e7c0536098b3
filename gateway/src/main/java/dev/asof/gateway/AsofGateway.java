package dev.asof.gateway;

import static java.util.Objects.requireNonNull;

import dev.asof.connector.duckdb.DuckDbConnector;
import dev.asof.connector.trino.TrinoConnector;
import dev.asof.connector.trino.TrinoSettings;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.server.avatica.AvaticaEndpoint;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.planner.sql.TrinoDialect;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * A running gateway: registry, engines and protocol endpoints. Start one with {@link #start}; close
 * it to stop serving and release the data directory.
 */
public final class AsofGateway implements AutoCloseable {
    /** The embedded warehouse's file, {@code lake.duckdb}, is the catalog {@code lake}. */
    public static final String EMBEDDED_CATALOG = "lake";

    private final GatewayConfig config;
    private final Registry registry;
    private final WarehouseConnector warehouse;
    private final StatementExecutor executor;
    private final AvaticaEndpoint jdbcEndpoint;

    private AsofGateway(GatewayConfig config, Registry registry, WarehouseConnector warehouse,
            StatementExecutor executor, AvaticaEndpoint jdbcEndpoint) {
        this.config = config;
        this.registry = registry;
        this.warehouse = warehouse;
        this.executor = executor;
        this.jdbcEndpoint = jdbcEndpoint;
    }

    /** Starts a gateway and returns once its endpoints accept connections. */
    public static AsofGateway start(GatewayConfig config) {
        requireNonNull(config, "config");
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        Registry registry = Registry.open(config.dataDir());
        WarehouseConnector warehouse = null;
        try {
            StatementExecutor executor;
            if (config.trino().isPresent()) {
                TrinoSettings trino = config.trino().get();
                warehouse = TrinoConnector.open(trino);
                List<String> defaultSchema = trino.catalog().isEmpty() ? List.of()
                        : trino.schema().isEmpty() ? List.of(trino.catalog().get())
                        : List.of(trino.catalog().get(), trino.schema().get());
                executor = new StatementExecutor(registry, warehouse, new TrinoDialect(), defaultSchema);
            } else {
                warehouse = DuckDbConnector.open(config.dataDir().resolve(EMBEDDED_CATALOG + ".duckdb"),
                        Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
                executor = new StatementExecutor(registry, warehouse, new DuckDbDialect(),
                        List.of(EMBEDDED_CATALOG, "main"));
            }
            AvaticaEndpoint endpoint = AvaticaEndpoint.start(executor, config.host(), config.jdbcPort());
            return new AsofGateway(config, registry, warehouse, executor, endpoint);
        } catch (RuntimeException e) {
            if (warehouse != null) {
                warehouse.close();
            }
            registry.close();
            throw e;
        }
    }

    /** The JDBC URL clients use: {@code jdbc:asof://host:port}. */
    public String jdbcUrl() {
        return "jdbc:asof://" + config.host() + ":" + jdbcEndpoint.port();
    }

    public int jdbcPort() {
        return jdbcEndpoint.port();
    }

    /** Runs statements in-process, as the protocol endpoints do (used by the demo and tools). */
    public StatementExecutor executor() {
        return executor;
    }

    public GatewayConfig config() {
        return config;
    }

    @Override
    public void close() {
        jdbcEndpoint.close();
        warehouse.close();
        registry.close();
    }
}
