package dev.asof.connector.aerospike;

import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.OnlineStoreContract;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store contract against a real Aerospike server, namespace {@code test}: runs only when
 * {@code ASOF_TEST_AEROSPIKE=host:port} is set. The namespace needs a non-zero
 * {@code nsup-period} (as in the official container image) for records with an expiry.
 */
@EnabledIfEnvironmentVariable(named = "ASOF_TEST_AEROSPIKE", matches = ".+")
class RealAerospikeOnlineStoreTest extends OnlineStoreContract {
    @Override
    protected OnlineStore openStore() {
        return AerospikeOnlineStore.open(AerospikeSettings.parse(System.getenv("ASOF_TEST_AEROSPIKE")).withMaxRecordsPerBatch(64));
    }
}
