package dev.asof.gateway;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * How a gateway process is set up.
 *
 * @param dataDir directory that holds everything the embedded engines write (registry, DuckDB
 *     warehouse file); nothing is written outside it
 * @param host address the JDBC (Avatica) endpoint binds to
 * @param jdbcPort TCP port of the JDBC endpoint; 0 picks a free port
 */
public record GatewayConfig(Path dataDir, String host, int jdbcPort) {
    public static final int DEFAULT_JDBC_PORT = 8765;

    public GatewayConfig {
        requireNonNull(dataDir, "dataDir");
        requireNonNull(host, "host");
        if (jdbcPort < 0 || jdbcPort > 65535) {
            throw new IllegalArgumentException("jdbcPort out of range: " + jdbcPort);
        }
    }

    /** Embedded engines (DuckDB, file registry) under {@code dataDir}, on a free loopback port. */
    public static GatewayConfig embedded(Path dataDir) {
        return new GatewayConfig(dataDir, "127.0.0.1", 0);
    }
}
