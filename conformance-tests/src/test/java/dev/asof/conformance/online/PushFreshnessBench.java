package dev.asof.conformance.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.TestCredentials;
import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.push.PushedBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; {@code mvn -B -o verify -Pbench -pl conformance-tests -am -DskipITs
 * -Dtest=PushFreshnessBench -Dsurefire.failIfNoSpecifiedTests=false}): freshness of pushed rows
 * online. A pusher hands batches of a push source to the gateway's applier every millisecond, as
 * the ingest path does after each group commit, at 1,000 and 10,000 rows/s over 100,000 keys; a
 * prober takes one just-pushed row at a time and polls a prepared JDBC lookup of its key (a
 * latest-value view; a windowed view over the same source is kept too) until the row's value is
 * there. Freshness is the time from {@code onDurable} returning to the lookup returning the value.
 * Prints p50, p99 and max per store and rate.
 */
class PushFreshnessBench {
    private static final int KEYS = 100_000;
    private static final int WARMUP_SECONDS = 3;
    private static final int SECONDS = 15;

    @Test
    void freshness() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-24s %9s %9s %9s %9s %9s %8s", "store", "rows/s", "achieved",
                "p50 ms", "p99 ms", "max ms", "samples"));
        for (String store : List.of("rocksdb", "aerospike (test server)")) {
            for (int rate : new int[] {1_000, 10_000}) {
                lines.add(bench(store, rate));
            }
        }
        System.out.println("\nBENCH push freshness (onDurable return -> visible to a JDBC lookup), load "
                + Files.readString(Path.of("/proc/loadavg")).trim() + ":");
        lines.forEach(System.out::println);
    }

    private String bench(String storeName, int rate) throws Exception {
        Path dir = Files.createTempDirectory("asof-push-bench");
        try (AerospikeTestServer server = storeName.startsWith("aerospike") ? new AerospikeTestServer().start() : null) {
            GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir));
            if (server != null) {
                config = config.withOnlineStore("aerospike", Map.of("hosts", server.seed()));
            }
            try (AsofGateway gateway = AsofGateway.start(config);
                    Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()))) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE lake.main.events (user_id BIGINT, ts TIMESTAMP, amount DOUBLE, created_at TIMESTAMP)");
                    s.execute("CREATE ENTITY usr (user_id BIGINT)");
                    s.execute("CREATE SOURCE events FROM TABLE lake.main.events EVENT TIME ts CREATED TIME created_at");
                    s.execute("CREATE FEATURE VIEW last_amount ENTITY usr FROM events AS SELECT user_id, amount ONLINE");
                    s.execute("CREATE FEATURE VIEW event_counts ENTITY usr FROM events AS SELECT user_id,"
                            + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h,"
                            + " SUM(amount) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS sum_1h HOP INTERVAL '1' MINUTE ONLINE");
                }
                gateway.pushApplier().maintain("events");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!gateway.pushApplier().caughtUp() || !live(c)) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(10);
                }
                AtomicReference<long[]> sample = new AtomicReference<>();
                List<Long> latencies = new ArrayList<>();
                boolean[] stop = {false};
                Thread prober = new Thread(() -> probe(c, sample, latencies, stop), "bench-prober");
                prober.start();
                long rows = push(gateway, rate, WARMUP_SECONDS, sample, null);
                synchronized (latencies) {
                    latencies.clear();
                }
                long started = System.nanoTime();
                long measured = push(gateway, rate, SECONDS, sample, rows) - rows;
                double achieved = measured / ((System.nanoTime() - started) / 1e9);
                synchronized (stop) {
                    stop[0] = true;
                }
                prober.join();
                long[] sorted;
                synchronized (latencies) {
                    sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                }
                assertThat(sorted).isNotEmpty();
                return String.format(Locale.ROOT, "%-24s %9d %9.0f %9.2f %9.2f %9.2f %8d", storeName, rate, achieved,
                        sorted[sorted.length / 2] / 1e6, sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
                        sorted[sorted.length - 1] / 1e6, sorted.length);
            }
        }
    }

    private static boolean live(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sys.online_views"
                + " WHERE push_state = 'live'")) {
            rs.next();
            return rs.getInt(1) == 2;
        }
    }

    /**
     * Pushes {@code rate} rows/s for {@code seconds}, one batch per millisecond; offers the prober
     * one just-acknowledged row whenever it is free. Returns the rows pushed (counting from
     * {@code before}, the amounts being a running sequence).
     */
    private static long push(AsofGateway gateway, int rate, int seconds, AtomicReference<long[]> sample, Long before) {
        long sequence = before == null ? 0 : before;
        long pushed = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long tick = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end) {
            tick++;
            long due = start + tick * 1_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            // Rows owed by now: keeps the rate when a tick comes late.
            long owed = (System.nanoTime() - start) * rate / 1_000_000_000L - pushed;
            if (owed <= 0) {
                continue;
            }
            Instant now = Instant.now();
            List<Object[]> rows = new ArrayList<>((int) owed);
            long key = -1;
            for (int i = 0; i < owed; i++) {
                key = random.nextInt(KEYS);
                rows.add(new Object[] {key, LocalDateTime.ofInstant(now, ZoneOffset.UTC), (double) ++sequence});
            }
            gateway.pushApplier().onDurable(new PushedBatch("events", sequence, ChronoUnit.MICROS.between(Instant.EPOCH, now), rows));
            long acknowledged = System.nanoTime();
            pushed += owed;
            sample.compareAndSet(null, new long[] {key, sequence, acknowledged});
        }
        return sequence;
    }

    private static void probe(Connection c, AtomicReference<long[]> sample, List<Long> latencies, boolean[] stop) {
        try (PreparedStatement ps = c.prepareStatement("SELECT amount FROM last_amount WHERE user_id = ?")) {
            while (true) {
                synchronized (stop) {
                    if (stop[0]) {
                        return;
                    }
                }
                long[] s = sample.get();
                if (s == null) {
                    LockSupport.parkNanos(200_000);
                    continue;
                }
                ps.setLong(1, s[0]);
                while (true) {
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getDouble(1) >= s[1]) {
                            long latency = System.nanoTime() - s[2];
                            synchronized (latencies) {
                                latencies.add(latency);
                            }
                            break;
                        }
                    }
                }
                sample.set(null);
                // One sample about every 10 ms.
                LockSupport.parkNanos(10_000_000L);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
