package dev.asof.conformance;

import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;

/** The embedded default: a gateway on DuckDB (warehouse) and the file registry, in a temp dir. */
final class DuckDbEngine extends TempDirGatewayEngine {
    DuckDbEngine() {
        super("asof-conformance-");
        start();
    }

    @Override
    protected GatewayConfig config(Path dataDir) {
        return GatewayConfig.embedded(dataDir);
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
