package dev.asof.connector.aerospike;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.OnlineStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract against the wire-protocol test server, through the real client. */
class AerospikeOnlineStoreTest extends OnlineStoreContract {
    private static AerospikeTestServer server;

    @BeforeAll
    static void startServer() {
        server = new AerospikeTestServer().start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @Override
    protected OnlineStore openStore() {
        // Small batches, so the 500-key and large-value tests span several batch calls.
        return AerospikeOnlineStore.open(AerospikeSettings.parse(server.seed()).withMaxRecordsPerBatch(64));
    }

    @Test
    void recordsLiveInTheServerAndDeletesRemoveThem() {
        int before = server.recordCount();
        store().putAll(List.of(record("a", "alpha"), record("b", "beta"), record("a", "again")));
        assertThat(server.recordCount()).isEqualTo(before + 2);

        store().deleteAll(List.of(key("a"), key("b")));
        assertThat(server.recordCount()).isEqualTo(before);
    }

    @Test
    void ttlIsTheTimeToExpiryInWholeSecondsRoundedUp() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(AerospikeOnlineStore.ttlSeconds(Optional.empty(), now)).isEqualTo(-1);
        assertThat(AerospikeOnlineStore.ttlSeconds(Optional.of(now), now)).isZero();
        assertThat(AerospikeOnlineStore.ttlSeconds(Optional.of(now.minusSeconds(5)), now)).isZero();
        assertThat(AerospikeOnlineStore.ttlSeconds(Optional.of(now.plusNanos(1)), now)).isEqualTo(1);
        assertThat(AerospikeOnlineStore.ttlSeconds(Optional.of(now.plusSeconds(1)), now)).isEqualTo(1);
        assertThat(AerospikeOnlineStore.ttlSeconds(Optional.of(now.plusMillis(1001)), now)).isEqualTo(2);
        assertThat(AerospikeOnlineStore.ttlSeconds(Optional.of(now.plus(Duration.ofDays(3650))), now)).isEqualTo(315_360_000);
        assertThat(AerospikeOnlineStore.ttlSeconds(Optional.of(now.plus(Duration.ofDays(3651))), now)).isEqualTo(-1);
        assertThat(AerospikeOnlineStore.ttlSeconds(Optional.of(Instant.MAX), now)).isEqualTo(-1);
    }

    @Test
    void largeWritesAreSplitIntoBatchesAndReadBackInOrder() {
        List<String> names = new ArrayList<>();
        List<OnlineRecord> records = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            names.add("big" + i);
            records.add(record("big" + i, "value " + i));
        }
        store().putAll(records);

        List<byte[]> values = get(names.toArray(String[]::new));
        for (int i = 0; i < 1000; i++) {
            assertValues(values.subList(i, i + 1), "value " + i);
        }
    }
}
