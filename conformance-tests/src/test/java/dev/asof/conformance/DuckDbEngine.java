package dev.asof.conformance;

import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The embedded default: a gateway on DuckDB (warehouse) and the file registry, in a temp dir. */
final class DuckDbEngine extends TempDirGatewayEngine {
    private final Map<String, String> warehouseKeys;

    DuckDbEngine() {
        this(Map.of());
    }

    /** @param warehouseKeys {@code asof.duckdb.*} keys without the prefix, e.g. {@code memory-limit} */
    DuckDbEngine(Map<String, String> warehouseKeys) {
        super("asof-conformance-");
        this.warehouseKeys = Map.copyOf(warehouseKeys);
        start();
    }

    @Override
    protected GatewayConfig config(Path dataDir) {
        // File-source tests write their files to JUnit's temporary directories.
        GatewayConfig config = GatewayConfig.embedded(dataDir)
                .withSourceDirectories(List.of(Path.of(System.getProperty("java.io.tmpdir"))));
        return warehouseKeys.isEmpty() ? config : config.withWarehouse("duckdb", warehouseKeys);
    }

    @Override
    public String catalog() {
        return "lake";
    }

    @Override
    public String offlineRoute() {
        return "offline: duckdb";
    }
}
