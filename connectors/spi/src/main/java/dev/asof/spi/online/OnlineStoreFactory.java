package dev.asof.spi.online;

import dev.asof.spi.ConnectorContext;
import dev.asof.spi.config.ConnectorConfig;

/**
 * Creates an online store. Implementations are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.asof.spi.online.OnlineStoreFactory}); the gateway picks the one
 * whose {@link #name()} equals {@code asof.online} and hands it the {@code asof.<name>.*} keys,
 * which only the store interprets.
 */
public interface OnlineStoreFactory {
    /** The value of {@code asof.online} that selects this store, and its key prefix. */
    String name();

    /** True for the store used when {@code asof.online} is not set (the embedded one). */
    default boolean isDefault() {
        return false;
    }

    /**
     * Opens the store.
     *
     * @throws IllegalArgumentException when the configuration is invalid; the message names the key
     */
    OnlineStore create(ConnectorConfig config, ConnectorContext context);
}
