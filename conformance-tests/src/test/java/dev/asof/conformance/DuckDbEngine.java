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
        // File-source tests write their files to JUnit's temporary directories.
        return GatewayConfig.embedded(dataDir)
                .withSourceDirectories(java.util.List.of(Path.of(System.getProperty("java.io.tmpdir"))));
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
