package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.connector.Connectors;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.gateway.push.PushedBatch;
import dev.asof.gateway.push.WarehouseWatermark;
import dev.asof.gateway.quality.FeatureLog;
import dev.asof.spi.ConnectorContext;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.warehouse.QueryControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two push appliers, as two gateways have, apply rows of the same keys to one Aerospike (the
 * wire-protocol test server, through two clients) at the same time. A read-modify-write that
 * ignored the other writer would lose updates: windowed counts would come out short, and a latest
 * value could be overwritten by an older one. Every key's online values must equal the warehouse's
 * AS OF now over all rows of both.
 */
class ConcurrentPushAppliersTest {
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final int KEYS = 4;
    /** Rows per applier: a multiple of KEYS, so every key gets as many from each. */
    private static final int BATCHES = 160;

    @TempDir
    Path dir;

    @Test
    void twoAppliersOnOneStoreLoseNoUpdate() throws Exception {
        OnlineServingTest.MutableClock clock = new OnlineServingTest.MutableClock(T);
        try (AerospikeTestServer server = new AerospikeTestServer().start()) {
            GatewayConfig config = TestStores.configure(TestUsers.withAdmin(GatewayConfig.embedded(dir.resolve("a")))
                    .withClock(clock), "aerospike-test-server", server);
            try (AsofGateway gateway = AsofGateway.start(config)) {
                StatementExecutor executor = gateway.executor();
                run(executor, "CREATE TABLE lake.main.clicks (user_id BIGINT, ts TIMESTAMP, amount DOUBLE, created_at TIMESTAMP)");
                run(executor, "CREATE ENTITY usr (user_id BIGINT)");
                run(executor, "CREATE SOURCE clicks FROM TABLE lake.main.clicks EVENT TIME ts CREATED TIME created_at");
                run(executor, "CREATE FEATURE VIEW last_amount ENTITY usr FROM clicks AS SELECT user_id, amount ONLINE");
                run(executor, "CREATE FEATURE VIEW click_stats ENTITY usr FROM clicks AS SELECT user_id,"
                        + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h,"
                        + " SUM(amount) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS sum_1h HOP INTERVAL '5' MINUTE ONLINE");
                // Every key has a row before either applier starts, so both rebuilds write every record.
                List<Object[]> first = new ArrayList<>();
                for (long key = 0; key < KEYS; key++) {
                    first.add(new Object[] {key, LocalDateTime.parse("2025-03-01T09:30:00"), 1.0});
                }
                Instant seeded = T.minusSeconds(60);
                insert(executor, first, seeded);
                gateway.pushApplier().onDurable(batch(first, seeded));
                awaitLive(gateway.pushApplier(), executor);

                // The second gateway's applier: its own store client and state, the same registry and warehouse.
                OnlineStore storeB = Connectors.installed().select(config)
                        .openOnlineStore(new ConnectorContext(dir.resolve("b"), 2));
                FeatureLog logB = new FeatureLog(gateway.executor().warehouse(), gateway.executor().registry(), new SimpleMeterRegistry());
                try (OnlineServing servingB = new OnlineServing(storeB, gateway.executor().registry(), gateway.executor().warehouse(),
                        gateway.executor().warehouse().dialect(), clock, new SimpleMeterRegistry(), logB,
                        WarehouseWatermark.SYNCHRONOUS, OnlineServing.PUSH_QUEUE_ROWS)) {
                    servingB.push().maintain("clicks");
                    awaitCaughtUp(servingB.push());
                    assertThat(servingB.pushStatus("click_stats").orElseThrow().state()).isEqualTo("live");

                    // Both push rows of the same keys at once; each row also goes to the warehouse.
                    ExecutorService pushers = Executors.newFixedThreadPool(2);
                    try {
                        Future<?> a = pushers.submit(() -> pushAll(executor, gateway.pushApplier(), 0));
                        Future<?> b = pushers.submit(() -> pushAll(executor, servingB.push(), 1));
                        a.get(300, TimeUnit.SECONDS);
                        b.get(300, TimeUnit.SECONDS);
                    } finally {
                        pushers.shutdownNow();
                    }
                    awaitCaughtUp(gateway.pushApplier());
                    awaitCaughtUp(servingB.push());
                    assertThat(servingB.pushStatus("click_stats").orElseThrow().state()).isEqualTo("live");
                    assertThat(servingB.pushStatus("last_amount").orElseThrow().state()).isEqualTo("live");

                    clock.set(T.plusSeconds(60));
                    for (long key = 0; key < KEYS; key++) {
                        List<List<Object>> stats = OnlineConsistencyTest.rows(executor,
                                "SELECT user_id, n_1h, sum_1h FROM click_stats WHERE user_id = ?", key);
                        // Every row of both appliers counted once: 1 seeded + BATCHES rows per applier.
                        assertThat(((Number) stats.get(0).get(1)).longValue()).as("count of key %s", key)
                                .isEqualTo(1 + 2L * BATCHES / KEYS);
                        assertThat(stats).as("click_stats of key %s", key).isEqualTo(warehouse(executor, clock, "click_stats", key));
                        assertThat(OnlineConsistencyTest.rows(executor, "SELECT user_id, amount FROM last_amount WHERE user_id = ?", key))
                                .as("last_amount of key %s", key).isEqualTo(warehouse(executor, clock, "last_amount", key));
                    }
                    assertThat(OnlineConsistencyTest.rows(executor,
                            "SELECT count(*) FROM sys.online_views WHERE view_name IN ('click_stats', 'last_amount') AND push_state = 'live'"))
                            .containsExactly(List.of(2L));
                }
            }
        }
    }

    /**
     * One applier's rows: each batch one row of key {@code i % KEYS}, event times shuffled (late
     * rows must not win), created times of the two appliers interleaved and distinct, all after
     * both rebuilds.
     */
    private static Void pushAll(StatementExecutor executor, PushApplier applier, int gateway) {
        Random random = new Random(gateway);
        for (int i = 0; i < BATCHES; i++) {
            Instant created = T.plusMillis(2L * i + gateway + 1);
            LocalDateTime event = LocalDateTime.parse("2025-03-01T09:31:00").plusSeconds(random.nextInt(1_500));
            List<Object[]> rows = List.<Object[]>of(new Object[] {(long) (i % KEYS), event, (double) (gateway * 1_000 + i)});
            insert(executor, rows, created);
            applier.onDurable(batch(rows, created));
        }
        return null;
    }

    private static PushedBatch batch(List<Object[]> rows, Instant created) {
        return new PushedBatch("clicks", 1, ChronoUnit.MICROS.between(Instant.EPOCH, created), rows);
    }

    private static void insert(StatementExecutor executor, List<Object[]> rows, Instant created) {
        StringBuilder sql = new StringBuilder("INSERT INTO lake.main.clicks VALUES ");
        for (int i = 0; i < rows.size(); i++) {
            Object[] r = rows.get(i);
            sql.append(i == 0 ? "" : ", ").append('(').append(r[0]).append(", TIMESTAMP '")
                    .append(((LocalDateTime) r[1]).format(TS)).append("', ").append(r[2]).append(", TIMESTAMP '")
                    .append(LocalDateTime.ofInstant(created, ZoneOffset.UTC).format(TS)).append("')");
        }
        run(executor, sql.toString());
    }

    private static void awaitLive(PushApplier applier, StatementExecutor executor) throws InterruptedException {
        awaitCaughtUp(applier);
        assertThat(OnlineConsistencyTest.rows(executor,
                "SELECT count(*) FROM sys.online_views WHERE view_name IN ('click_stats', 'last_amount') AND push_state = 'live'"))
                .containsExactly(List.of(2L));
    }

    private static void awaitCaughtUp(PushApplier applier) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!applier.caughtUp()) {
            assertThat(System.nanoTime() - deadline).as("applied within 180 s").isNegative();
            Thread.sleep(5);
        }
    }

    /** The view's row for the key AS OF the clock's now, from the warehouse. */
    private static List<List<Object>> warehouse(StatementExecutor executor, OnlineServingTest.MutableClock clock,
            String view, long key) {
        return OnlineConsistencyTest.rows(executor, "SELECT * FROM " + view + " AS OF TIMESTAMP '"
                + LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).format(SECONDS) + "' WHERE user_id = ?", key);
    }

    private static void run(StatementExecutor executor, String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }
}
