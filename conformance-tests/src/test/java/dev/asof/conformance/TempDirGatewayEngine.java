package dev.asof.conformance;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An engine whose gateway keeps its registry (and any embedded warehouse) in a temporary
 * directory that survives {@link #restartGateway()} and is deleted at {@link #close()}.
 * Subclasses say how the gateway is configured and call {@link #start()} once their own fields are set.
 */
public abstract class TempDirGatewayEngine extends ConformanceEngine {
    private final Path dataDir;
    private AsofGateway gateway;

    protected TempDirGatewayEngine(String prefix) {
        try {
            dataDir = Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gateway's configuration over {@code dataDir}. */
    protected abstract GatewayConfig config(Path dataDir);

    protected final void start() {
        gateway = AsofGateway.start(TestCredentials.withAdmin(config(dataDir)));
    }

    /** The gateway's URL with the test admin's credentials. */
    @Override
    public String jdbcUrl() {
        return TestCredentials.url(gateway.jdbcUrl());
    }

    @Override
    public void restartGateway() {
        gateway.close();
        gateway = null;
        start();
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
