package dev.asof.gateway.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.Source;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several push logs (one per gateway data directory) appending to one warehouse table: each log
 * is a node with its own sequence range, so each appends exactly once by the greatest sequence of
 * its own range, whatever the others appended (the whole table's greatest sequence, the rule
 * before nodes, would skip a replayed log's rows when another node's are higher). Idempotency keys
 * are per gateway.
 */
class PushNodesTest {
    private static final LocalDateTime TS = LocalDateTime.parse("2025-01-01T00:00:00");

    @TempDir
    Path dir;

    @Test
    void logsOfSeveralGatewaysAppendExactlyOnceEachIntoOneTable() throws Exception {
        try (AsofGateway a = start(dir.resolve("a")); Connection admin = TestUsers.connect(a.jdbcUrl())) {
            run(admin, "CREATE SOURCE payments (payment_id VARCHAR, user_id BIGINT, ts TIMESTAMP, amount DOUBLE)"
                    + " EVENT TIME ts PUSH IDEMPOTENCY KEY payment_id");
            Registry registry = a.executor().registry();
            WarehouseConnector warehouse = a.executor().warehouse();
            Source payments = (Source) registry.get("payments").orElseThrow();

            // Gateway C logged rows durably and died before appending them.
            Path logC = dir.resolve("c").resolve(PushIngest.LOG_DIRECTORY);
            PushNode nodeC = PushNode.open(logC, () -> registry.pushNodes().allocate("c"));
            PushLog.Recovery recovered = PushLog.open(logC, nodeC);
            PushLog log = recovered.log();
            log.write(new PushedBatch("payments", log.nextSequence(), micros(Instant.now()),
                    List.of(row("x", 30.0), row("y", 31.0))));
            log.sync();
            log.close();

            // Gateway B, allocated after C: its sequences are above C's.
            long nodeB;
            try (PushIngest b = PushIngest.open(dir.resolve("b"), registry, warehouse, List.of(), Clock.systemUTC())) {
                assertThat(b.push(payments, List.of(row("a", 20.0), row("c", 21.0), row("c", 22.0))).stored())
                        .containsExactly(true, true, false); // a repeated key within one gateway: the first arrival
                assertThat(b.awaitAppended(60_000)).isTrue();
                assertThat(List.of(a.push().node(), nodeC.number(), b.node())).doesNotHaveDuplicates()
                        .allMatch(n -> n >= 1);
                assertThat(b.node()).isGreaterThan(nodeC.number());
                nodeB = b.node();
            }
            run(admin, "INSERT INTO payments VALUES ('a', 1, TIMESTAMP '2025-01-01 00:00:00', 10.0),"
                    + " ('b', 1, TIMESTAMP '2025-01-01 00:00:00', 11.0)");
            assertThat(a.push().awaitAppended(60_000)).isTrue();

            // C restarts: its rows reach the table although B's greater sequences are there already.
            try (PushIngest c = PushIngest.open(dir.resolve("c"), registry, warehouse, List.of(), Clock.systemUTC())) {
                assertThat(c.node()).isEqualTo(nodeC.number());
            }
            // C dies again after appending and before its checkpoint: the replay appends nothing twice.
            Files.delete(logC.resolve("checkpoint"));
            try (PushIngest c = PushIngest.open(dir.resolve("c"), registry, warehouse, List.of(), Clock.systemUTC())) {
                assertThat(c.awaitAppended(60_000)).isTrue();
            }
            // B restarts: the keys it accepted before still count for it.
            try (PushIngest b = PushIngest.open(dir.resolve("b"), registry, warehouse, List.of(), Clock.systemUTC())) {
                assertThat(b.push(payments, List.of(row("c", 23.0), row("d", 24.0))).stored()).containsExactly(false, true);
                assertThat(b.awaitAppended(60_000)).isTrue();
            }

            // Key 'a' went to A and to B: idempotency keys are per gateway, so both are stored.
            assertThat(rows(admin, "SELECT payment_id, amount FROM lake.asof_push.payments ORDER BY amount")).containsExactly(
                    List.of("a", 10.0), List.of("b", 11.0), List.of("a", 20.0), List.of("c", 21.0), List.of("d", 24.0),
                    List.of("x", 30.0), List.of("y", 31.0));
            assertThat(rows(admin, "SELECT count(DISTINCT _seq), count(*) FROM lake.asof_push.payments"))
                    .containsExactly(List.of(7L, 7L));
            // Each gateway's rows are numbered in its node's range.
            List<Long> nodes = rows(admin, "SELECT _seq FROM lake.asof_push.payments ORDER BY amount").stream()
                    .map(r -> ((Number) r.get(0)).longValue() >> PushNode.SEQUENCE_BITS).toList();
            long nodeA = a.push().node();
            assertThat(nodes).containsExactly(nodeA, nodeA, nodeB, nodeB, nodeB, nodeC.number(), nodeC.number());
        }
    }

    @Test
    void aNewLogGetsANumberOnceAndALogFromBeforeNumberingIsNodeZero() {
        AtomicInteger allocations = new AtomicInteger();
        Path fresh = dir.resolve("fresh");
        assertThat(PushNode.open(fresh, () -> 40 + allocations.incrementAndGet()).number()).isEqualTo(41);
        assertThat(PushNode.open(fresh, () -> 40 + allocations.incrementAndGet()).number()).isEqualTo(41);
        assertThat(allocations).hasValue(1);
        assertThat(new PushNode(41).firstSequence()).isEqualTo((41L << 40) + 1);
        assertThat(new PushNode(41).lastSequence()).isEqualTo((42L << 40) - 1);

        Path old = dir.resolve("old");
        PushLog.open(old).log().close(); // a log as gateways wrote it before numbering: a segment, no node file
        assertThat(PushNode.open(old, () -> {
            throw new AssertionError("a log from before numbering gets no new number");
        }).number()).isZero();
        assertThat(PushNode.open(old, () -> 7).number()).isZero();
    }

    @Test
    void aDataDirectoryFromBeforeNumberingGoesOnNumberingFromOne() throws Exception {
        Path data = dir.resolve("data");
        PushLog.open(data.resolve(PushIngest.LOG_DIRECTORY)).log().close();
        try (AsofGateway gateway = start(data); Connection admin = TestUsers.connect(gateway.jdbcUrl())) {
            assertThat(gateway.push().node()).isZero();
            run(admin, "CREATE SOURCE clicks (user_id BIGINT, ts TIMESTAMP) EVENT TIME ts PUSH");
            run(admin, "INSERT INTO clicks VALUES (1, TIMESTAMP '2025-01-01 00:00:00'), (2, TIMESTAMP '2025-01-01 00:00:00')");
            assertThat(gateway.push().awaitAppended(60_000)).isTrue();
            assertThat(rows(admin, "SELECT user_id, _seq FROM lake.asof_push.clicks ORDER BY _seq"))
                    .containsExactly(List.of(1L, 1L), List.of(2L, 2L));
        }
    }

    private static AsofGateway start(Path data) {
        return AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(data)), UnaryOperator.identity(), Map.of());
    }

    private static Object[] row(String id, double amount) {
        return new Object[] {id, 1L, TS, amount};
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }
}
