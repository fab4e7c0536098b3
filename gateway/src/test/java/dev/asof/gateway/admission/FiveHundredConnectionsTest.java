package dev.asof.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 500 JDBC connections at once, one thread each, every one running a mix of prepared online lookups
 * and small warehouse queries against the embedded engines with the default admission limits
 * (sized from the DuckDB pool). Warehouse statements beyond the limits queue in the gateway; none
 * fails. Prints the statements, p50/p99 latency per kind and errors by SQLSTATE class.
 */
class FiveHundredConnectionsTest {
    private static final int CONNECTIONS = Integer.getInteger("asof.test.connections", 500);
    private static final int ROUNDS = 2;

    @TempDir
    Path dir;

    @Test
    void fiveHundredConnectionsRunLookupsAndWarehouseQueriesWithoutAFailure() throws Exception {
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)))) {
            try (Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE lake.main.profile AS SELECT range AS customer_id,"
                        + " CASE WHEN range % 3 = 0 THEN 'gold' ELSE 'silver' END AS segment,"
                        + " TIMESTAMP '2025-01-01 00:00:00' + to_minutes(range) AS ts FROM range(1000)");
                s.execute("CREATE ENTITY customer (customer_id BIGINT)");
                s.execute("CREATE SOURCE profile FROM TABLE lake.main.profile EVENT TIME ts");
                s.execute("CREATE FEATURE VIEW customer_segment ENTITY customer FROM profile"
                        + " AS SELECT customer_id, segment ONLINE");
                s.execute("MATERIALIZE customer_segment");
            }
            List<Long> lookupNanos = Collections.synchronizedList(new ArrayList<>());
            List<Long> warehouseNanos = Collections.synchronizedList(new ArrayList<>());
            Map<String, AtomicLong> errorsByClass = new ConcurrentHashMap<>();
            List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch ready = new CountDownLatch(CONNECTIONS);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < CONNECTIONS; t++) {
                int id = t;
                Thread thread = new Thread(() -> {
                    try (Connection c = TestUsers.connect(gateway.jdbcUrl());
                            PreparedStatement lookup = c.prepareStatement(
                                    "SELECT segment FROM customer_segment WHERE customer_id = ?");
                            PreparedStatement query = c.prepareStatement(
                                    "SELECT count(*) FROM lake.main.profile WHERE customer_id < ?")) {
                        ready.countDown();
                        go.await();
                        for (int round = 0; round < ROUNDS; round++) {
                            long key = (id * 7L + round) % 1000;
                            long t0 = System.nanoTime();
                            lookup.setLong(1, key);
                            try (ResultSet rs = lookup.executeQuery()) {
                                assertThat(rs.next()).isTrue();
                                assertThat(rs.getString(1)).isEqualTo(key % 3 == 0 ? "gold" : "silver");
                            }
                            lookupNanos.add(System.nanoTime() - t0);
                            long t1 = System.nanoTime();
                            query.setLong(1, key);
                            try (ResultSet rs = query.executeQuery()) {
                                assertThat(rs.next()).isTrue();
                                assertThat(rs.getLong(1)).isEqualTo(key);
                            }
                            warehouseNanos.add(System.nanoTime() - t1);
                        }
                    } catch (SQLException e) {
                        String state = e.getSQLState() == null ? "null" : e.getSQLState().substring(0, 2);
                        errorsByClass.computeIfAbsent(state, k -> new AtomicLong()).incrementAndGet();
                        firstErrors.add(e.getSQLState() + " " + e.getMessage());
                        ready.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (AssertionError e) {
                        errorsByClass.computeIfAbsent("wrong answer", k -> new AtomicLong()).incrementAndGet();
                        firstErrors.add(e.getMessage());
                    }
                }, "client-" + t);
                threads.add(thread);
                thread.start();
            }
            assertThat(ready.await(120, TimeUnit.SECONDS)).as("all connections open").isTrue();
            long opened = System.nanoTime();
            go.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(120));
            }
            long end = System.nanoTime();
            long statements = lookupNanos.size() + warehouseNanos.size();
            System.out.printf("500-connection test: %d connections opened in %.1f s; %d statements (%d lookups,"
                            + " %d warehouse queries) in %.1f s; lookups p50 %.1f ms p99 %.1f ms; warehouse p50 %.1f ms"
                            + " p99 %.1f ms; errors by SQLSTATE class %s; %d cores, load average %.1f%n",
                    CONNECTIONS, (opened - start) / 1e9, statements, lookupNanos.size(), warehouseNanos.size(),
                    (end - opened) / 1e9, percentile(lookupNanos, 50), percentile(lookupNanos, 99),
                    percentile(warehouseNanos, 50), percentile(warehouseNanos, 99), new TreeMap<>(errorsByClass),
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            assertThat(firstErrors).as("failures").isEmpty();
            assertThat(statements).isEqualTo(2L * ROUNDS * CONNECTIONS);
            assertThat(gateway.executor().admission().running()).as("every permit was given back").isZero();
        }
    }

    private static double percentile(List<Long> nanos, int p) {
        List<Long> sorted;
        synchronized (nanos) {
            sorted = new ArrayList<>(nanos);
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
