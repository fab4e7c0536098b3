package dev.asof.launcher.cli;

import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Flags shared by {@code serve} and {@code demo}; null when not given. */
final class GatewayOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory for the registry and the embedded DuckDB warehouse (lake.duckdb).")
    Path dataDir;

    @Option(names = "--host", paramLabel = "HOST", description = "Address the JDBC endpoint binds to (default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "JDBC port (default 8765; 0 picks a free port).")
    Integer port;

    @Option(names = "--flight-port", paramLabel = "PORT",
            description = "Arrow Flight SQL port, same host (default 8815; 0 picks a free port).")
    Integer flightPort;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Health and metrics port, same host (default 8080; 0 picks a free port).")
    Integer httpPort;

    /** Flags over {@code base}. */
    GatewayConfig applyTo(GatewayConfig base) {
        GatewayConfig c = base;
        if (dataDir != null) {
            c = c.withDataDir(dataDir);
        }
        if (host != null) {
            c = c.withHost(host);
        }
        if (port != null) {
            c = c.withJdbcPort(GatewayConfig.parsePort(port.toString(), "--port"));
        }
        if (flightPort != null) {
            c = c.withFlightPort(GatewayConfig.parsePort(flightPort.toString(), "--flight-port"));
        }
        if (httpPort != null) {
            c = c.withHttp(c.http().withPort(GatewayConfig.parsePort(httpPort.toString(), "--http-port")));
        }
        return c;
    }
}
