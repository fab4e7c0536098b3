package dev.asof.connector.aerospike;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link AerospikeOnlineStore} reaches its cluster and where it keeps records.
 *
 * <p>Timeouts bound each call to the client: a call fails after at most about
 * {@code totalTimeout}, having tried up to {@code 1 + maxRetries} times, each attempt waiting at
 * most {@code socketTimeout} for the server. {@code putAll} and {@code getAll} make one call per
 * chunk of at most {@code maxRecordsPerBatch} records, so the bound holds per chunk.
 *
 * @param seeds nodes to discover the cluster from; the client finds the other nodes itself
 * @param namespace the Aerospike namespace (at most 31 bytes); {@code test} by default
 * @param set the set within the namespace (at most 63 bytes); {@code asof} by default
 * @param binName the one bin that holds each value (at most 15 bytes); {@code v} by default
 * @param connectTimeout how long cluster discovery and tending wait to connect to a node and for
 *     its info replies (the client re-checks the cluster every {@code tendInterval}); commands
 *     open connections within their own socket and total timeouts. Default 1 s.
 * @param socketTimeout how long one attempt waits on the socket, capped by {@code totalTimeout}.
 *     Default 500 ms.
 * @param totalTimeout how long one call may take, retries included. Default 1 s.
 * @param maxRetries how many times a call is retried after a timeout or connection failure
 *     (writes too: every write here is an idempotent whole-record replace). Default 2.
 * @param tendInterval how often the client checks the cluster's nodes and partition map, so how
 *     soon it notices a node that came back; at least 250 ms. Default 1 s.
 * @param maxConnectionsPerNode pooled connections per node, so concurrent calls per node. Default
 *     100.
 * @param maxRecordsPerBatch records per batch call; larger reads and writes are split into
 *     chunks this size. Default 1,000.
 */
public record AerospikeSettings(
        List<SeedHost> seeds,
        String namespace,
        String set,
        String binName,
        Duration connectTimeout,
        Duration socketTimeout,
        Duration totalTimeout,
        int maxRetries,
        Duration tendInterval,
        int maxConnectionsPerNode,
        int maxRecordsPerBatch) {
    /** The port Aerospike serves clients on unless configured otherwise. */
    public static final int DEFAULT_PORT = 3000;
    /** The client refuses to tend more often. */
    public static final Duration MIN_TEND_INTERVAL = Duration.ofMillis(250);

    public AerospikeSettings {
        seeds = List.copyOf(requireNonNull(seeds, "seeds"));
        requireNonNull(namespace, "namespace");
        requireNonNull(set, "set");
        requireNonNull(binName, "binName");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(socketTimeout, "socketTimeout");
        requireNonNull(totalTimeout, "totalTimeout");
        requireNonNull(tendInterval, "tendInterval");
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("at least one seed host is needed");
        }
        checkName("namespace", namespace, 31);
        checkName("set", set, 63);
        checkName("bin name", binName, 15);
        checkMillis("connectTimeout", connectTimeout);
        checkMillis("socketTimeout", socketTimeout);
        checkMillis("totalTimeout", totalTimeout);
        checkMillis("tendInterval", tendInterval);
        if (tendInterval.compareTo(MIN_TEND_INTERVAL) < 0) {
            throw new IllegalArgumentException("tendInterval must be at least %s ms (the client's minimum): %s"
                    .formatted(MIN_TEND_INTERVAL.toMillis(), tendInterval));
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
        }
        if (maxConnectionsPerNode < 1) {
            throw new IllegalArgumentException("maxConnectionsPerNode must be positive: " + maxConnectionsPerNode);
        }
        if (maxRecordsPerBatch < 1) {
            throw new IllegalArgumentException("maxRecordsPerBatch must be positive: " + maxRecordsPerBatch);
        }
    }

    /** The defaults above, for the given seeds. */
    public static AerospikeSettings defaults(List<SeedHost> seeds) {
        return new AerospikeSettings(seeds, "test", "asof", "v", Duration.ofSeconds(1), Duration.ofMillis(500),
                Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 100, 1000);
    }

    /**
     * The defaults above, for seeds written as in a configuration file.
     *
     * @see #parseSeeds(String)
     */
    public static AerospikeSettings parse(String hostsCsv) {
        return defaults(parseSeeds(hostsCsv));
    }

    /**
     * Parses {@code host[:port]} entries separated by commas, e.g.
     * {@code "10.0.0.1:3000, 10.0.0.2, [::1]:3100"}; the port defaults to {@value #DEFAULT_PORT}.
     *
     * @throws IllegalArgumentException naming the entry that is not a host or has a bad port
     */
    public static List<SeedHost> parseSeeds(String hostsCsv) {
        requireNonNull(hostsCsv, "hostsCsv");
        List<SeedHost> seeds = new ArrayList<>();
        for (String entry : hostsCsv.split(",", -1)) {
            seeds.add(SeedHost.parse(entry.trim()));
        }
        return seeds;
    }

    public AerospikeSettings withNamespace(String namespace) {
        return new AerospikeSettings(seeds, namespace, set, binName, connectTimeout, socketTimeout, totalTimeout,
                maxRetries, tendInterval, maxConnectionsPerNode, maxRecordsPerBatch);
    }

    public AerospikeSettings withSet(String set) {
        return new AerospikeSettings(seeds, namespace, set, binName, connectTimeout, socketTimeout, totalTimeout,
                maxRetries, tendInterval, maxConnectionsPerNode, maxRecordsPerBatch);
    }

    public AerospikeSettings withBinName(String binName) {
        return new AerospikeSettings(seeds, namespace, set, binName, connectTimeout, socketTimeout, totalTimeout,
                maxRetries, tendInterval, maxConnectionsPerNode, maxRecordsPerBatch);
    }

    /** Returns these settings with other command timeouts and retries. */
    public AerospikeSettings withTimeouts(Duration socketTimeout, Duration totalTimeout, int maxRetries) {
        return new AerospikeSettings(seeds, namespace, set, binName, connectTimeout, socketTimeout, totalTimeout,
                maxRetries, tendInterval, maxConnectionsPerNode, maxRecordsPerBatch);
    }

    /** Returns these settings with another connect timeout and tend interval (cluster discovery). */
    public AerospikeSettings withTending(Duration connectTimeout, Duration tendInterval) {
        return new AerospikeSettings(seeds, namespace, set, binName, connectTimeout, socketTimeout, totalTimeout,
                maxRetries, tendInterval, maxConnectionsPerNode, maxRecordsPerBatch);
    }

    public AerospikeSettings withMaxConnectionsPerNode(int maxConnectionsPerNode) {
        return new AerospikeSettings(seeds, namespace, set, binName, connectTimeout, socketTimeout, totalTimeout,
                maxRetries, tendInterval, maxConnectionsPerNode, maxRecordsPerBatch);
    }

    public AerospikeSettings withMaxRecordsPerBatch(int maxRecordsPerBatch) {
        return new AerospikeSettings(seeds, namespace, set, binName, connectTimeout, socketTimeout, totalTimeout,
                maxRetries, tendInterval, maxConnectionsPerNode, maxRecordsPerBatch);
    }

    /** The namespace and set, as Aerospike tools print them: {@code test.asof}. */
    public String location() {
        return namespace + "." + set;
    }

    private static void checkName(String what, String name, int maxBytes) {
        int length = name.getBytes(UTF_8).length;
        if (length == 0 || length > maxBytes) {
            throw new IllegalArgumentException("%s must be 1 to %s bytes: '%s'".formatted(what, maxBytes, name));
        }
    }

    private static void checkMillis(String what, Duration duration) {
        if (duration.compareTo(Duration.ofMillis(1)) < 0 || duration.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("%s must be from 1 ms to %s ms: %s".formatted(what, Integer.MAX_VALUE, duration));
        }
    }

    /**
     * One seed node.
     *
     * @param host a host name or an IP address (IPv6 without brackets)
     * @param port the node's client port
     */
    public record SeedHost(String host, int port) {
        public SeedHost {
            requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("seed host is empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("seed port must be 1 to 65535: " + port);
            }
        }

        /** Parses {@code host}, {@code host:port} or {@code [ipv6]:port}. */
        public static SeedHost parse(String text) {
            requireNonNull(text, "text");
            String host = text;
            String port = null;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("seed '" + text + "' has no closing ']'");
                }
                host = text.substring(1, close);
                String rest = text.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new IllegalArgumentException("seed '" + text + "' must be [address]:port");
                    }
                    port = rest.substring(1);
                }
            }
            else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
                host = text.substring(0, text.indexOf(':'));
                port = text.substring(text.indexOf(':') + 1);
            }
            if (host.isBlank()) {
                throw new IllegalArgumentException("seed '" + text + "' has no host");
            }
            if (port == null) {
                return new SeedHost(host, DEFAULT_PORT);
            }
            try {
                return new SeedHost(host, Integer.parseInt(port));
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("seed '" + text + "' has a bad port: '" + port + "'");
            }
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
