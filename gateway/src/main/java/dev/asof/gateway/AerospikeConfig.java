package dev.asof.gateway;

import dev.asof.connector.aerospike.AerospikeSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The online-store keys of the properties file: {@value #ONLINE_KEY} ({@code rocksdb}, the
 * embedded default under the data directory, or {@code aerospike}) and {@code asof.aerospike.*}.
 */
final class AerospikeConfig {
    /** {@code rocksdb} (default) or {@code aerospike}. */
    static final String ONLINE_KEY = "asof.online";
    /** Seed nodes: {@code host[:port],…}, port 3000 by default. */
    static final String HOSTS_KEY = "asof.aerospike.hosts";
    static final String NAMESPACE_KEY = "asof.aerospike.namespace";
    static final String SET_KEY = "asof.aerospike.set";
    /** Time one call may take, retries included: {@code 50ms}, {@code 1s}. */
    static final String TIMEOUT_KEY = "asof.aerospike.timeout";
    /** Time one attempt may wait on its socket. */
    static final String SOCKET_TIMEOUT_KEY = "asof.aerospike.socket-timeout";
    static final String RETRIES_KEY = "asof.aerospike.retries";
    static final Set<String> KEYS = Set.of(ONLINE_KEY, HOSTS_KEY, NAMESPACE_KEY, SET_KEY, TIMEOUT_KEY,
            SOCKET_TIMEOUT_KEY, RETRIES_KEY);

    private AerospikeConfig() {}

    static Optional<AerospikeSettings> parse(Properties p, Optional<AerospikeSettings> base, String origin) {
        String online = value(p, ONLINE_KEY);
        boolean anyKey = p.stringPropertyNames().stream().anyMatch(k -> k.startsWith("asof.aerospike."));
        if (online == null) {
            if (!anyKey) {
                return base;
            }
            online = "aerospike";
        }
        switch (online.toLowerCase(Locale.ROOT)) {
            case "rocksdb" -> {
                if (anyKey) {
                    throw new IllegalArgumentException(origin + ": asof.aerospike.* keys are set but " + ONLINE_KEY
                            + " is rocksdb; set " + ONLINE_KEY + "=aerospike");
                }
                return Optional.empty();
            }
            case "aerospike" -> {
                // below
            }
            default -> throw new IllegalArgumentException(origin + ": " + ONLINE_KEY
                    + " must be rocksdb or aerospike, not '" + online + "'");
        }
        try {
            String hosts = value(p, HOSTS_KEY);
            AerospikeSettings s = hosts != null ? AerospikeSettings.parse(hosts)
                    : base.orElseThrow(() -> new IllegalArgumentException(ONLINE_KEY + "=aerospike needs " + HOSTS_KEY
                            + " (host[:port],…)"));
            String namespace = value(p, NAMESPACE_KEY);
            if (namespace != null) {
                s = s.withNamespace(namespace);
            }
            String set = value(p, SET_KEY);
            if (set != null) {
                s = s.withSet(set);
            }
            Duration total = Optional.ofNullable(value(p, TIMEOUT_KEY))
                    .map(t -> GatewayConfig.parseDuration(t, TIMEOUT_KEY)).orElse(s.totalTimeout());
            Duration socket = Optional.ofNullable(value(p, SOCKET_TIMEOUT_KEY))
                    .map(t -> GatewayConfig.parseDuration(t, SOCKET_TIMEOUT_KEY)).orElse(s.socketTimeout());
            int retries = s.maxRetries();
            String r = value(p, RETRIES_KEY);
            if (r != null) {
                try {
                    retries = Integer.parseInt(r);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(RETRIES_KEY + " must be a whole number, not '" + r + "'");
                }
            }
            return Optional.of(s.withTimeouts(socket.compareTo(total) > 0 ? total : socket, total, retries));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage());
        }
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
