package dev.asof.conformance.trino;

import dev.asof.conformance.ConformanceEngine;
import dev.asof.connector.trino.TrinoSettings;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A gateway whose warehouse is the shared test Trino ({@link TestingTrinoServer}); tables live in
 * the {@code memory} catalog. The registry is the embedded one, in a temp directory that survives
 * {@link #restartGateway()}.
 */
public final class TrinoEngine extends ConformanceEngine {
    private final TestingTrinoServer server;
    private final Path dataDir;
    private AsofGateway gateway;

    public TrinoEngine() {
        this(Optional.empty());
    }

    public TrinoEngine(Optional<Duration> queryTimeout) {
        server = TestingTrinoServer.shared();
        try {
            dataDir = Files.createTempDirectory("asof-conformance-trino-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.queryTimeout = queryTimeout;
        gateway = AsofGateway.start(config());
    }

    private final Optional<Duration> queryTimeout;

    /** Settings of the gateway's Trino connector: user asof-test, catalog memory, schema default. */
    public TrinoSettings settings() {
        return new TrinoSettings(server.jdbcUrl(), "asof-test", Optional.of("memory"), Optional.of("default"),
                Map.of(), 4, queryTimeout);
    }

    private GatewayConfig config() {
        return GatewayConfig.embedded(dataDir).withTrino(settings());
    }

    public TestingTrinoServer server() {
        return server;
    }

    @Override
    public String jdbcUrl() {
        return gateway.jdbcUrl();
    }

    @Override
    public String catalog() {
        return "memory";
    }

    @Override
    public void restartGateway() {
        gateway.close();
        gateway = null;
        gateway = AsofGateway.start(config());
    }

    @Override
    public String offlineRoute() {
        return "offline: trino";
    }

    /** Trino's plain TIMESTAMP is millisecond precision; asof's tests use microseconds. */
    @Override
    public String sqlType(JDBCType type) {
        return switch (type) {
            case TIMESTAMP -> "TIMESTAMP(6)";
            case TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP(6) WITH TIME ZONE";
            default -> super.sqlType(type);
        };
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
