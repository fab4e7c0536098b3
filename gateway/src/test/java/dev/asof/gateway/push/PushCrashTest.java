package dev.asof.gateway.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.TestUsers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a gateway while several clients push: after a restart on the same data
 * directory, every acknowledged row is in the warehouse exactly once, and every row there was
 * sent (acknowledged, or in flight at the kill); no row is there twice.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PushCrashTest {
    private static final int WRITERS = 4;
    private static final int BATCH = 50;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRowSurvivesAKillExactlyOnce() throws Exception {
        Path data = dir.resolve("data");
        GatewayProcess.Started first = GatewayProcess.start(data, dir.resolve("gateway-1.log"));
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        Set<Long> sent = ConcurrentHashMap.newKeySet();
        try {
            try (Connection c = TestUsers.connect(first.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("CREATE SOURCE events (id BIGINT, ts TIMESTAMP, writer INTEGER) EVENT TIME ts PUSH");
            }
            AtomicLong acks = new AtomicLong();
            CountDownLatch done = new CountDownLatch(WRITERS);
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    try (Connection c = TestUsers.connect(first.jdbcUrl());
                            PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?, ?, ?)")) {
                        for (long batch = 0; ; batch++) {
                            List<Long> ids = new java.util.ArrayList<>();
                            for (int i = 0; i < BATCH; i++) {
                                long id = writer * 1_000_000_000L + batch * BATCH + i;
                                ids.add(id);
                                ps.setLong(1, id);
                                ps.setTimestamp(2, Timestamp.valueOf("2025-01-01 00:00:00"));
                                ps.setInt(3, writer);
                                ps.addBatch();
                            }
                            sent.addAll(ids);
                            ps.executeBatch();
                            acknowledged.addAll(ids);
                            acks.addAndGet(ids.size());
                        }
                    } catch (SQLException e) {
                        // the gateway was killed
                    } finally {
                        done.countDown();
                    }
                }, "writer-" + w);
                t.setDaemon(true);
                t.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (acks.get() < 3_000 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(acks.get()).as("rows acknowledged before the kill").isGreaterThanOrEqualTo(3_000);
            // SIGKILL: no shutdown hook, no flush, the process just stops.
            first.process().destroyForcibly();
            first.process().waitFor(30, TimeUnit.SECONDS);
            assertThat(done.await(120, TimeUnit.SECONDS)).as("writers saw the gateway die").isTrue();
        } finally {
            first.process().destroyForcibly();
        }

        GatewayProcess.Started second = GatewayProcess.start(data, dir.resolve("gateway-2.log"));
        try (Connection c = TestUsers.connect(second.jdbcUrl()); Statement s = c.createStatement()) {
            // Replay runs before the gateway serves: what it holds is everything it will hold.
            try (ResultSet rs = s.executeQuery("SELECT id, count(*) FROM lake.asof_push.events GROUP BY id"
                    + " HAVING count(*) > 1")) {
                assertThat(rs.next()).as("a row stored twice").isFalse();
            }
            Set<Long> stored = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT id FROM lake.asof_push.events")) {
                while (rs.next()) {
                    stored.add(rs.getLong(1));
                }
            }
            assertThat(stored).containsAll(acknowledged);
            assertThat(sent).containsAll(stored);
            // The log goes on after the recovered rows: new rows get new sequence numbers.
            s.execute("INSERT INTO events VALUES (-1, TIMESTAMP '2025-01-02 00:00:00', 9)");
            try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT _seq) = count(*) FROM lake.asof_push.events")) {
                // the new row is appended in the background; the sequences stay distinct either way
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        } finally {
            second.process().destroyForcibly();
            second.process().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
