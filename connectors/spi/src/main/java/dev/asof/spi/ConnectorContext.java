package dev.asof.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * What the gateway hands every connector it creates, besides the connector's own configuration.
 *
 * @param dataDirectory the gateway's data directory; an embedded engine keeps its files under it
 *     and nowhere else
 * @param availableProcessors cores the gateway may use, for sizing pools
 */
public record ConnectorContext(Path dataDirectory, int availableProcessors) {
    public ConnectorContext {
        requireNonNull(dataDirectory, "dataDirectory");
        if (availableProcessors < 1) {
            throw new IllegalArgumentException("availableProcessors must be at least 1: " + availableProcessors);
        }
    }
}
