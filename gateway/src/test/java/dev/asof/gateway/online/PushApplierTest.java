package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.gateway.push.PushedBatch;
import dev.asof.spi.online.ConditionalWrite;
import dev.asof.spi.online.ForwardingOnlineStore;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The push applier's rules, each on data where the wrong rule gives another answer: a late row
 * does not replace a newer value (last-arrival-wins would), a later-created row with the same
 * event time does (keep-first would), rows tied on both times resolve by the feature tuple (not by
 * arrival order), a row before the window is not counted, a row with a future event time appears
 * only when its time comes; and back-pressure, and views it cannot keep.
 */
class PushApplierTest {
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.asof.gateway.online.TestStores#names")
    void rowsWinByEventTimeThenCreatedTimeThenValues(String store) throws Exception {
        OnlineServingTest.MutableClock clock = new OnlineServingTest.MutableClock(T);
        GatewayConfig config = TestUsers.withAdmin(GatewayConfig.embedded(dir)).withClock(clock);
        try (AerospikeTestServer server = TestStores.serverFor(store)) {
            config = TestStores.configure(config, store, server);
            try (AsofGateway gateway = AsofGateway.start(config)) {
                StatementExecutor executor = gateway.executor();
                define(executor);
                run(executor, "CREATE FEATURE VIEW click_counts ENTITY usr FROM clicks AS SELECT user_id,"
                        + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h HOP INTERVAL '5' MINUTE ONLINE");
                Pusher push = new Pusher(gateway, executor, clock);

                push.at(T, row(1, "09:50:00", 5.0));
                assertValue(clock, executor, 1, 5.0); // a key seen for the first time
                push.at(T.plusSeconds(10), row(1, "09:40:00", 7.0));
                assertValue(clock, executor, 1, 5.0); // late: older event time loses
                push.at(T.plusSeconds(20), row(1, "09:50:00", 3.0));
                assertValue(clock, executor, 1, 3.0); // same event time, created later: wins
                push.at(T.plusSeconds(30), row(1, "09:55:00", 2.0), row(1, "09:55:00", 1.0));
                assertValue(clock, executor, 1, 2.0); // tied on both times: the greater tuple
                assertCount(clock, executor, 1, 5);
                push.at(T.plusSeconds(40), row(1, "08:30:00", 9.0));
                assertCount(clock, executor, 1, 5); // before the window at now
                assertValue(clock, executor, 1, 2.0);

                push.at(T.plusSeconds(50), row(2, "10:05:00", 4.0));
                assertThat(lookup(executor, "SELECT amount FROM last_amount WHERE user_id = ?", 2)).isEmpty();
                assertThat(warehouse(executor, clock, "last_amount", 2)).isEmpty();
                assertThat(queued(executor, "last_amount")).isEqualTo(1); // held for its event time
                clock.set(T.plusSeconds(300));
                awaitApplied(gateway);
                assertValue(clock, executor, 2, 4.0);
                assertCount(clock, executor, 2, 1);
                assertThat(queued(executor, "last_amount")).isZero();
            }
        }
    }

    @Test
    void aFullQueueMakesTheIngestThreadWait() throws Exception {
        OnlineServingTest.MutableClock clock = new OnlineServingTest.MutableClock(T);
        AtomicReference<CountDownLatch> gate = new AtomicReference<>();
        GatewayConfig config = TestUsers.withAdmin(GatewayConfig.embedded(dir)).withClock(clock);
        try (AsofGateway gateway = AsofGateway.start(config, store -> new ForwardingOnlineStore(store) {
                    @Override
                    public boolean[] putAllIfUnchanged(List<ConditionalWrite> writes) {
                        CountDownLatch g = gate.get();
                        if (g != null) {
                            try {
                                g.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return super.putAllIfUnchanged(writes);
                    }
                })) {
            StatementExecutor executor = gateway.executor();
            define(executor);
            Pusher push = new Pusher(gateway, executor, clock);
            push.at(T, row(1, "09:50:00", 5.0));
            assertValue(clock, executor, 1, 5.0);

            gate.set(new CountDownLatch(1));
            List<Object[]> full = new ArrayList<>();
            for (int i = 0; i < OnlineServing.PUSH_QUEUE_ROWS; i++) {
                full.add(new Object[] {(long) (i % 1_000), LocalDateTime.ofInstant(T, ZoneOffset.UTC), (double) i});
            }
            // Created after the view's rebuild (as of T): rows the rebuild saw are never applied again.
            clock.set(T.plusSeconds(10));
            long created = ChronoUnit.MICROS.between(Instant.EPOCH, T.plusSeconds(10));
            gateway.pushApplier().onDurable(new PushedBatch("clicks", 100, created, full)); // takes the whole queue
            CountDownLatch returned = new CountDownLatch(1);
            Thread ingest = new Thread(() -> {
                gateway.pushApplier().onDurable(new PushedBatch("clicks", 200_000, created,
                        List.<Object[]>of(new Object[] {1_007L, LocalDateTime.ofInstant(T, ZoneOffset.UTC), 1.0})));
                returned.countDown();
            });
            ingest.start();
            assertThat(returned.await(500, TimeUnit.MILLISECONDS)).as("waits while the store holds the queue").isFalse();
            gate.get().countDown();
            assertThat(returned.await(60, TimeUnit.SECONDS)).as("goes on once there is room").isTrue();
            awaitApplied(gateway);
            // These rows skipped the warehouse: online only.
            assertThat(lookup(executor, "SELECT amount FROM last_amount WHERE user_id = ?", 999)).containsExactly(List.of(99_999.0));
            assertThat(lookup(executor, "SELECT amount FROM last_amount WHERE user_id = ?", 1_007)).containsExactly(List.of(1.0));
        }
    }

    @Test
    void aViewOfComputedColumnsIsServedFromMaterializeRuns() throws Exception {
        OnlineServingTest.MutableClock clock = new OnlineServingTest.MutableClock(T);
        GatewayConfig config = TestUsers.withAdmin(GatewayConfig.embedded(dir)).withClock(clock);
        try (AsofGateway gateway = AsofGateway.start(config)) {
            StatementExecutor executor = gateway.executor();
            define(executor);
            run(executor, "CREATE FEATURE VIEW doubled ENTITY usr FROM clicks AS SELECT user_id, amount * 2 AS twice ONLINE");
            Pusher push = new Pusher(gateway, executor, clock);
            push.at(T, row(1, "09:50:00", 5.0));
            assertValue(clock, executor, 1, 5.0);
            List<List<Object>> state = OnlineConsistencyTest.rows(executor,
                    "SELECT push_state, served_run_id FROM sys.online_views WHERE view_name = 'doubled'");
            assertThat((String) state.get(0).get(0)).startsWith("not maintained: column twice is computed");
            assertThat(state.get(0).get(1)).isNull();
            run(executor, "MATERIALIZE doubled");
            assertThat(lookup(executor, "SELECT twice FROM doubled WHERE user_id = ?", 1)).containsExactly(List.of(10.0));
        }
    }

    private static void define(StatementExecutor executor) {
        run(executor, "CREATE TABLE lake.main.clicks (user_id BIGINT, ts TIMESTAMP, amount DOUBLE, created_at TIMESTAMP)");
        run(executor, "CREATE ENTITY usr (user_id BIGINT)");
        run(executor, "CREATE SOURCE clicks FROM TABLE lake.main.clicks EVENT TIME ts CREATED TIME created_at");
        run(executor, "CREATE FEATURE VIEW last_amount ENTITY usr FROM clicks AS SELECT user_id, amount ONLINE");
    }

    private static Object[] row(long user, String time, double amount) {
        return new Object[] {user, LocalDateTime.parse("2025-03-01T" + time), amount};
    }

    /** Pushes rows created at a time: into the warehouse table, and to the applier as the ingest path does. */
    private static final class Pusher {
        private final AsofGateway gateway;
        private final StatementExecutor executor;
        private final OnlineServingTest.MutableClock clock;
        private long sequence = 1;

        Pusher(AsofGateway gateway, StatementExecutor executor, OnlineServingTest.MutableClock clock) {
            this.gateway = gateway;
            this.executor = executor;
            this.clock = clock;
        }

        void at(Instant created, Object[]... rows) throws InterruptedException {
            clock.set(created);
            StringBuilder sql = new StringBuilder("INSERT INTO lake.main.clicks VALUES ");
            for (int i = 0; i < rows.length; i++) {
                sql.append(i == 0 ? "" : ", ").append('(').append(rows[i][0]).append(", TIMESTAMP '")
                        .append(((LocalDateTime) rows[i][1]).format(TS)).append("', ").append(rows[i][2])
                        .append(", TIMESTAMP '").append(LocalDateTime.ofInstant(created, ZoneOffset.UTC).format(TS)).append("')");
            }
            run(executor, sql.toString());
            gateway.pushApplier().onDurable(new PushedBatch("clicks", sequence, ChronoUnit.MICROS.between(Instant.EPOCH, created),
                    List.of(rows)));
            sequence += rows.length;
            awaitApplied(gateway);
        }
    }

    private static void awaitApplied(AsofGateway gateway) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!gateway.pushApplier().caughtUp()) {
            assertThat(System.nanoTime() - deadline).as("applied within 120 s").isNegative();
            Thread.sleep(2);
        }
    }

    /** The online value, which the warehouse AS OF now also gives; served online (the view is live). */
    private static void assertValue(Clock clock, StatementExecutor executor, long user, double amount) {
        assertThat(OnlineConsistencyTest.rows(executor,
                "SELECT push_state FROM sys.online_views WHERE view_name = 'last_amount'")).containsExactly(List.of("live"));
        assertThat(lookup(executor, "SELECT amount FROM last_amount WHERE user_id = ?", user)).containsExactly(List.of(amount));
        assertThat(warehouse(executor, clock, "last_amount", user)).containsExactly(List.of(user, amount));
    }

    private static void assertCount(Clock clock, StatementExecutor executor, long user, long count) {
        assertThat(lookup(executor, "SELECT n_1h FROM click_counts WHERE user_id = ?", user)).containsExactly(List.of(count));
        assertThat(warehouse(executor, clock, "click_counts", user)).containsExactly(List.of(user, count));
    }

    private static long queued(StatementExecutor executor, String view) {
        return ((Number) OnlineConsistencyTest.rows(executor, "SELECT push_queued_rows FROM sys.online_views WHERE view_name = ?",
                view).get(0).get(0)).longValue();
    }

    private static List<List<Object>> lookup(StatementExecutor executor, String sql, long user) {
        return OnlineConsistencyTest.rows(executor, sql, user);
    }

    /** The view's row for the key AS OF the gateway's now, from the warehouse. */
    private static List<List<Object>> warehouse(StatementExecutor executor, Clock clock, String view, long user) {
        return OnlineConsistencyTest.rows(executor, "SELECT * FROM " + view + " AS OF TIMESTAMP '"
                + LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).format(TS) + "' WHERE user_id = ?", user);
    }

    private static void run(StatementExecutor executor, String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }
}
