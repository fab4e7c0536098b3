package dev.asof.connector.aerospike;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.online.OnlineRecord;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A store outlives its server: failures are prompt and clear, and the same store recovers. */
class AerospikeOnlineStoreFailureTest {
    private static final Duration TOTAL_TIMEOUT = Duration.ofMillis(300);
    /** Slack over the total timeout for thread scheduling on a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final byte[] KEY = "failure-test-key".getBytes(UTF_8);

    private AerospikeTestServer server;
    private AerospikeOnlineStore store;

    @BeforeEach
    void start() {
        server = new AerospikeTestServer().start();
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
        server.stop();
    }

    private AerospikeOnlineStore open() {
        AerospikeSettings settings = AerospikeSettings.parse(server.seed())
                .withTimeouts(Duration.ofMillis(100), TOTAL_TIMEOUT, 2)
                .withTending(Duration.ofMillis(200), Duration.ofMillis(250));
        store = AerospikeOnlineStore.open(settings);
        return store;
    }

    @Test
    void stoppedServerFailsCallsPromptlyAndTheSameStoreServesAfterARestart() {
        open().putAll(List.of(record("before")));
        server.stop();
        assertThat(server.openConnections()).isZero();

        for (int call = 0; call < 3; call++) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.getAll(List.of(KEY)))
                    .isInstanceOf(ConnectorException.class)
                    .hasMessageStartingWith("aerospike: ")
                    .hasMessageContaining("reading 1 record(s) from test.asof")
                    .hasMessageMatching("(?s).*(not reachable|timeout after 300 ms).*");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TOTAL_TIMEOUT.plus(SLACK));
        }
        assertThatThrownBy(() -> store.putAll(List.of(record("while down"))))
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining("writing 1 record(s) to test.asof");

        server.start();
        awaitWrite(record("after restart"));
        assertValue("after restart");
    }

    @Test
    void slowServerTimesOutThenServesWhenFastAgain() {
        open().putAll(List.of(record("fast")));
        server.setResponseDelay(Duration.ofSeconds(1));

        long start = System.nanoTime();
        assertThatThrownBy(() -> store.getAll(List.of(KEY)))
                .isInstanceOf(ConnectorException.class)
                .hasMessage("aerospike: timeout after 300 ms (2 retries) reading 1 record(s) from test.asof")
                .satisfies(e -> assertThat(((ConnectorException) e).cancelled()).isFalse());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TOTAL_TIMEOUT.plus(SLACK));
        assertThatThrownBy(() -> store.getAll(List.of(KEY, "other".getBytes(UTF_8))))
                .hasMessage("aerospike: timeout after 300 ms (2 retries) reading 2 record(s) from test.asof");
        assertThatThrownBy(() -> store.putAll(List.of(record("slow"))))
                .hasMessage("aerospike: timeout after 300 ms (2 retries) writing 1 record(s) to test.asof");

        server.setResponseDelay(Duration.ZERO);
        store.putAll(List.of(record("fast again")));
        assertValue("fast again");
    }

    @Test
    void openingWhileTheServerIsDownSucceedsAndCallsWorkOnceItIsUp() {
        server.stop();
        long start = System.nanoTime();
        open();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLACK);

        assertThatThrownBy(() -> store.getAll(List.of(KEY)))
                .isInstanceOf(ConnectorException.class)
                .hasMessage("aerospike: cluster at %s is not reachable reading 1 record(s) from test.asof (Cluster is empty)", server.seed());

        server.start();
        awaitWrite(record("first"));
        assertValue("first");
    }

    @Test
    void unknownNamespaceIsNamed() {
        try (AerospikeOnlineStore other = AerospikeOnlineStore.open(AerospikeSettings.parse(server.seed()).withNamespace("features"))) {
            awaitCluster(other);
            assertThatThrownBy(() -> other.getAll(List.of(KEY)))
                    .isInstanceOf(ConnectorException.class)
                    .hasMessage("aerospike: namespace 'features' does not exist on the cluster at %s (reading 1 record(s) from features.asof)", server.seed());
        }
    }

    private static OnlineRecord record(String value) {
        return new OnlineRecord(KEY, value.getBytes(UTF_8), Optional.empty());
    }

    private void assertValue(String expected) {
        assertThat(new String(store.getAll(List.of(KEY)).get(0), UTF_8)).isEqualTo(expected);
    }

    /** Writes until the client has found the node again: it re-tends every 250 ms here. */
    private void awaitWrite(OnlineRecord record) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                store.putAll(List.of(record));
                return;
            }
            catch (ConnectorException e) {
                if (System.nanoTime() > deadline) {
                    fail("store did not recover within 10 s", e);
                }
            }
            sleep();
        }
    }

    private static void awaitCluster(AerospikeOnlineStore store) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!store.isConnected()) {
            if (System.nanoTime() > deadline) {
                fail("client did not find the node within 10 s");
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
