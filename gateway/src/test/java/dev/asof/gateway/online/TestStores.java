package dev.asof.gateway.online;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.GatewayConfig;
import java.util.Map;
import java.util.stream.Stream;

/** The online stores the gateway's online tests run on. */
final class TestStores {
    private TestStores() {}

    /** RocksDB, the Aerospike test server, and a real Aerospike when ASOF_TEST_AEROSPIKE=host:port is set. */
    static Stream<String> names() {
        return System.getenv("ASOF_TEST_AEROSPIKE") == null
                ? Stream.of("rocksdb", "aerospike-test-server")
                : Stream.of("rocksdb", "aerospike-test-server", "aerospike");
    }

    /** A test server to run for {@code store}, or null. */
    static AerospikeTestServer serverFor(String store) {
        return store.equals("aerospike-test-server") ? new AerospikeTestServer().start() : null;
    }

    /** {@code base} on {@code store}; a real Aerospike gets a set of its own per call. */
    static GatewayConfig configure(GatewayConfig base, String store, AerospikeTestServer server) {
        if (server != null) {
            return base.withOnlineStore("aerospike", Map.of("hosts", server.seed()));
        }
        if (store.equals("aerospike")) {
            return base.withOnlineStore("aerospike", Map.of("hosts", System.getenv("ASOF_TEST_AEROSPIKE"),
                    "set", "asof_test_" + System.nanoTime()));
        }
        return base;
    }
}
