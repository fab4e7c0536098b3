package dev.asof.connector.aerospike;

import dev.asof.spi.ConnectorContext;
import dev.asof.spi.config.ConnectorConfig;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.OnlineStoreFactory;
import java.time.Duration;
import java.util.Set;

/**
 * An Aerospike cluster as online store, {@code asof.online=aerospike}. Keys:
 *
 * <ul>
 *   <li>{@code asof.aerospike.hosts} (required): seed nodes, {@code host[:port],…}, port 3000 by default;
 *   <li>{@code asof.aerospike.namespace} ({@code test}) and {@code asof.aerospike.set} ({@code asof});
 *   <li>{@code asof.aerospike.timeout}: time one call may take, retries included ({@code 1s});
 *   <li>{@code asof.aerospike.socket-timeout}: time one attempt waits on its socket ({@code 500ms},
 *       capped by the timeout);
 *   <li>{@code asof.aerospike.retries}: retries after a timeout or connection failure ({@code 2}).
 * </ul>
 */
public final class AerospikeOnlineStoreFactory implements OnlineStoreFactory {
    static final String HOSTS = "hosts";
    static final String NAMESPACE = "namespace";
    static final String SET = "set";
    static final String TIMEOUT = "timeout";
    static final String SOCKET_TIMEOUT = "socket-timeout";
    static final String RETRIES = "retries";

    @Override
    public String name() {
        return "aerospike";
    }

    @Override
    public OnlineStore create(ConnectorConfig config, ConnectorContext context) {
        return AerospikeOnlineStore.open(settings(config));
    }

    /** The settings the keys describe; fails with a message naming the key. */
    public static AerospikeSettings settings(ConnectorConfig config) {
        config.checkKnown(Set.of(HOSTS, NAMESPACE, SET, TIMEOUT, SOCKET_TIMEOUT, RETRIES), Set.of());
        String hosts = config.required(HOSTS, "host[:port],…");
        try {
            AerospikeSettings s = AerospikeSettings.parse(hosts);
            s = config.value(NAMESPACE).map(s::withNamespace).orElse(s);
            s = config.value(SET).map(s::withSet).orElse(s);
            Duration total = config.duration(TIMEOUT).orElse(s.totalTimeout());
            Duration socket = config.duration(SOCKET_TIMEOUT).orElse(s.socketTimeout());
            int retries = config.intValue(RETRIES, s.maxRetries(), 0);
            return s.withTimeouts(socket.compareTo(total) > 0 ? total : socket, total, retries);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains("asof.aerospike.")) {
                throw e;
            }
            throw config.invalid(e.getMessage());
        }
    }
}
