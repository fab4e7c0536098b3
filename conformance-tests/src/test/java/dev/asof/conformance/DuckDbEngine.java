package dev.asof.conformance;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The embedded default: a gateway on DuckDB (warehouse) and the file registry, in a temp dir. */
final class DuckDbEngine extends ConformanceEngine {
    private final Path dataDir;
    private AsofGateway gateway;

    DuckDbEngine() {
        try {
            dataDir = Files.createTempDirectory("asof-conformance-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        gateway = AsofGateway.start(GatewayConfig.embedded(dataDir));
    }

    @Override
    public String jdbcUrl() {
        return gateway.jdbcUrl();
    }

    @Override
    public String catalog() {
        return "lake";
    }

    @Override
    public void restartGateway() {
        gateway.close();
        gateway = null;
        gateway = AsofGateway.start(GatewayConfig.embedded(dataDir));
    }

    @Override
    public String offlineRoute() {
        return "offline: duckdb";
    }

    @Override
    public void close() {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            gateway = null;
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
