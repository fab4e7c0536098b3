package dev.asof.connector.aerospike.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aerospike.client.AerospikeClient;
import com.aerospike.client.AerospikeException;
import com.aerospike.client.BatchDelete;
import com.aerospike.client.BatchRead;
import com.aerospike.client.BatchRecord;
import com.aerospike.client.BatchWrite;
import com.aerospike.client.Bin;
import com.aerospike.client.Host;
import com.aerospike.client.Info;
import com.aerospike.client.Key;
import com.aerospike.client.Operation;
import com.aerospike.client.Record;
import com.aerospike.client.ResultCode;
import com.aerospike.client.policy.ClientPolicy;
import com.aerospike.client.policy.GenerationPolicy;
import com.aerospike.client.policy.RecordExistsAction;
import com.aerospike.client.policy.WritePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test server against the official client used directly, beyond what the store needs. */
class AerospikeTestServerTest {
    private AerospikeTestServer server;
    private AerospikeClient client;

    @BeforeEach
    void start() {
        server = new AerospikeTestServer("test", "other").start();
        ClientPolicy policy = new ClientPolicy();
        policy.tendInterval = 250;
        client = new AerospikeClient(policy, new Host("127.0.0.1", server.port()));
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop();
    }

    @Test
    void clientDiscoversTheNodeAndItsNamespaces() {
        assertThat(client.isConnected()).isTrue();
        assertThat(client.getNodes()).hasSize(1);
        Map<String, String> info = Info.request(null, client.getNodes()[0], "namespaces", "build", "features", "no-such-command");
        assertThat(info).containsEntry("namespaces", "test;other").containsEntry("build", "8.0.0.0")
                .containsEntry("features", "batch-any;pscans")
                .containsEntry("no-such-command", "ERROR::unrecognized command");
    }

    @Test
    void putGetOfSeveralBinTypesAndPartialReads() {
        Key key = new Key("test", "s", "user-1");
        client.put(null, key, new Bin("name", "Ada"), new Bin("age", 36), new Bin("blob", new byte[] {1, 2, 3}));

        Record all = client.get(null, key);
        assertThat(all.bins).containsEntry("name", "Ada").containsEntry("age", 36L);
        assertThat((byte[]) all.getValue("blob")).containsExactly(1, 2, 3);
        assertThat(all.generation).isEqualTo(1);
        assertThat(client.get(null, key, "age").bins).containsOnlyKeys("age");
        assertThat(client.getHeader(null, key).bins).isNull();
        assertThat(client.exists(null, key)).isTrue();
        assertThat(client.get(null, new Key("test", "s", "user-2"))).isNull();
        assertThat(client.get(null, new Key("other", "s", "user-1"))).isNull();
    }

    @Test
    void writesMergeOrReplaceBinsAndCountGenerations() {
        Key key = new Key("test", "s", 7);
        client.put(null, key, new Bin("a", 1), new Bin("b", 2));
        client.put(null, key, new Bin("b", 3));
        assertThat(client.get(null, key).bins).containsEntry("a", 1L).containsEntry("b", 3L);

        WritePolicy replace = new WritePolicy();
        replace.recordExistsAction = RecordExistsAction.REPLACE;
        client.put(replace, key, new Bin("c", 4));
        Record record = client.get(null, key);
        assertThat(record.bins).containsOnlyKeys("c");
        assertThat(record.generation).isEqualTo(3);

        WritePolicy createOnly = new WritePolicy();
        createOnly.recordExistsAction = RecordExistsAction.CREATE_ONLY;
        assertThatThrownBy(() -> client.put(createOnly, key, new Bin("c", 5)))
                .isInstanceOf(AerospikeException.class)
                .satisfies(e -> assertThat(((AerospikeException) e).getResultCode()).isEqualTo(ResultCode.KEY_EXISTS_ERROR));
        WritePolicy expectGeneration = new WritePolicy();
        expectGeneration.generationPolicy = GenerationPolicy.EXPECT_GEN_EQUAL;
        expectGeneration.generation = 2;
        assertThatThrownBy(() -> client.put(expectGeneration, key, new Bin("c", 5)))
                .satisfies(e -> assertThat(((AerospikeException) e).getResultCode()).isEqualTo(ResultCode.GENERATION_ERROR));

        assertThat(client.delete(null, key)).isTrue();
        assertThat(client.delete(null, key)).isFalse();
        assertThat(server.recordCount()).isZero();
    }

    @Test
    void operateWritesThenReadsAndRejectsWhatIsNotImplemented() {
        Key key = new Key("test", "s", "op");
        Record record = client.operate(null, key, Operation.put(new Bin("v", "x")), Operation.get("v"), Operation.touch());
        assertThat(record.bins).containsEntry("v", "x");

        assertThatThrownBy(() -> client.operate(null, key, Operation.add(new Bin("n", 1))))
                .satisfies(e -> assertThat(((AerospikeException) e).getResultCode()).isEqualTo(ResultCode.UNSUPPORTED_FEATURE));
        client.operate(null, key, Operation.delete());
        assertThat(client.exists(null, key)).isFalse();
    }

    @Test
    void recordsExpireByTheServerClock() throws InterruptedException {
        Key expiring = new Key("test", "s", "ttl");
        Key lasting = new Key("test", "s", "no-ttl");
        WritePolicy oneSecond = new WritePolicy();
        oneSecond.expiration = 1;
        client.put(oneSecond, expiring, new Bin("v", 1));
        client.put(oneSecond, lasting, new Bin("v", 1));
        WritePolicy never = new WritePolicy();
        never.expiration = -1;
        client.put(never, lasting, new Bin("v", 2));

        assertThat(client.get(null, expiring).expiration).isPositive();
        assertThat(client.get(null, lasting).expiration).isZero();
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (client.exists(null, expiring)) {
            assertThat(System.nanoTime()).as("expired within 3 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(client.get(null, lasting).getInt("v")).isEqualTo(2);
    }

    @Test
    void batchesReadWriteAndDeleteInOneRequest() {
        Key[] keys = new Key[300];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new Key("test", "b", i);
            if (i % 3 != 0) {
                client.put(null, keys[i], new Bin("v", i));
            }
        }
        Record[] records = client.get(null, keys);
        for (int i = 0; i < keys.length; i++) {
            if (i % 3 == 0) {
                assertThat(records[i]).isNull();
            }
            else {
                assertThat(records[i].getInt("v")).isEqualTo(i);
            }
        }

        List<BatchRecord> mixed = List.of(
                new BatchWrite(keys[0], new Operation[] {Operation.put(new Bin("v", "new"))}),
                new BatchDelete(keys[1]),
                new BatchDelete(keys[3]),
                new BatchRead(keys[2], true));
        assertThat(client.operate(null, mixed)).isFalse();
        assertThat(mixed.get(0).resultCode).isEqualTo(ResultCode.OK);
        assertThat(mixed.get(1).resultCode).isEqualTo(ResultCode.OK);
        assertThat(mixed.get(2).resultCode).isEqualTo(ResultCode.KEY_NOT_FOUND_ERROR);
        assertThat(mixed.get(3).record.getInt("v")).isEqualTo(2);
        assertThat(client.get(null, keys[0]).getString("v")).isEqualTo("new");
        assertThat(client.exists(null, keys[1])).isFalse();
    }

    @Test
    void stopClosesConnectionsAndRestartKeepsPortAndRecords() {
        Key key = new Key("test", "s", "kept");
        client.put(null, key, new Bin("v", "kept"));
        int port = server.port();
        assertThat(server.openConnections()).isPositive();

        server.stop();
        assertThat(server.isRunning()).isFalse();
        assertThat(server.openConnections()).isZero();
        assertThatThrownBy(() -> client.get(null, key)).isInstanceOf(AerospikeException.class);

        server.start();
        assertThat(server.port()).isEqualTo(port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Record record = null;
        while (record == null) {
            try {
                record = client.get(null, key);
            }
            catch (AerospikeException e) {
                assertThat(System.nanoTime()).as("client reconnected within 10 s").isLessThan(deadline);
            }
        }
        assertThat(record.getString("v")).isEqualTo("kept");
        server.clear();
        assertThat(client.get(null, key)).isNull();
    }
}
