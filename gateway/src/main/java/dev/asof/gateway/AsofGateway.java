package dev.asof.gateway;

/**
 * A running gateway: registry, engines and protocol endpoints. Start one with {@link #start}; close
 * it to stop serving and release the data directory.
 */
public final class AsofGateway implements AutoCloseable {
    private AsofGateway() {}

    /** Starts a gateway and returns once its endpoints accept connections. */
    public static AsofGateway start(GatewayConfig config) {
        throw new UnsupportedOperationException("being built");
    }

    /** The JDBC URL clients use: {@code jdbc:asof://host:port}. */
    public String jdbcUrl() {
        throw new UnsupportedOperationException("being built");
    }

    @Override
    public void close() {}
}
