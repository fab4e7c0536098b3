package dev.asof.connector.rocksdb;

import dev.asof.spi.ConnectorContext;
import dev.asof.spi.config.ConnectorConfig;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.OnlineStoreFactory;
import java.util.Set;

/**
 * The embedded online store, {@code asof.online=rocksdb} (the default): a RocksDB database under
 * {@code <data-dir>/online}. It has no keys of its own.
 */
public final class RocksDbOnlineStoreFactory implements OnlineStoreFactory {
    @Override
    public String name() {
        return "rocksdb";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public OnlineStore create(ConnectorConfig config, ConnectorContext context) {
        config.checkKnown(Set.of(), Set.of());
        return RocksDbOnlineStore.open(context.dataDirectory().resolve("online"));
    }
}
