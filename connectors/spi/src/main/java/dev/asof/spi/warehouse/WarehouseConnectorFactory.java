package dev.asof.spi.warehouse;

import dev.asof.spi.ConnectorContext;
import dev.asof.spi.config.ConnectorConfig;

/**
 * Creates a warehouse connector. Implementations are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.asof.spi.warehouse.WarehouseConnectorFactory}); the gateway picks
 * the one whose {@link #name()} equals {@code asof.warehouse} and hands it the
 * {@code asof.<name>.*} keys, which only the connector interprets.
 */
public interface WarehouseConnectorFactory {
    /** The value of {@code asof.warehouse} that selects this connector, and its key prefix. */
    String name();

    /** True for the warehouse used when {@code asof.warehouse} is not set (the embedded one). */
    default boolean isDefault() {
        return false;
    }

    /**
     * Opens the connector.
     *
     * @throws IllegalArgumentException when the configuration is invalid; the message names the key
     */
    WarehouseConnector create(ConnectorConfig config, ConnectorContext context);
}
