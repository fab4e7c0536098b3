package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.admission.AdmissionSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prepared online lookup never touches the warehouse once prepared: with every pooled warehouse
 * connection held by other clients' open results (admission set to let them take the whole pool),
 * and another client's warehouse query waiting for one, the lookup still answers, again and again.
 * An execution that described, planned or read metadata on the warehouse would wait for a pooled
 * connection here and fail after the pool's 30 s timeout.
 */
class PreparedLookupWhileWarehouseBusyTest {
    @TempDir
    Path dir;

    @Test
    void aPreparedLookupAnswersWhileEveryWarehouseConnectionIsBusy() throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        // Learn the pool size from a first start, then let clients take all of it.
        int pool;
        try (AsofGateway probe = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir.resolve("probe"))))) {
            pool = probe.executor().warehouse().maxConcurrentStatements();
        }
        AdmissionSettings wholePool = new AdmissionSettings(OptionalInt.of(pool), OptionalInt.of(pool), OptionalInt.of(1),
                OptionalInt.empty(), Optional.of(Duration.ofSeconds(60)));
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir.resolve("gw")))
                .withAdmission(wholePool))) {
            try (Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE lake.main.big AS SELECT range AS i FROM range(100000)");
                s.execute("CREATE TABLE lake.main.profile (customer_id BIGINT, segment VARCHAR, ts TIMESTAMP)");
                s.execute("INSERT INTO lake.main.profile VALUES (1, 'gold', TIMESTAMP '2025-01-01 00:00:00'),"
                        + " (2, 'silver', TIMESTAMP '2025-01-02 00:00:00')");
                s.execute("CREATE ENTITY customer (customer_id BIGINT)");
                s.execute("CREATE SOURCE profile FROM TABLE lake.main.profile EVENT TIME ts");
                s.execute("CREATE FEATURE VIEW customer_segment ENTITY customer FROM profile AS SELECT customer_id, segment ONLINE");
                s.execute("MATERIALIZE customer_segment");
            }
            Connection service = TestUsers.connect(gateway.jdbcUrl());
            open.add(service);
            PreparedStatement lookup = service.prepareStatement("SELECT segment FROM customer_segment WHERE customer_id = ?");
            assertThat(lookupOf(lookup, 1)).isEqualTo("gold");

            // Every pooled warehouse connection is held by an open result of another client.
            for (int i = 0; i < pool; i++) {
                Connection c = TestUsers.connect(gateway.jdbcUrl());
                open.add(c);
                ResultSet rs = c.createStatement().executeQuery("SELECT i FROM lake.main.big");
                assertThat(rs.next()).isTrue();
            }
            assertThat(gateway.executor().admission().running()).isEqualTo(pool);
            Connection waiter = TestUsers.connect(gateway.jdbcUrl());
            open.add(waiter);
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
                try (Statement s = waiter.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM lake.main.big")) {
                    rs.next();
                    return rs.getLong(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (gateway.executor().admission().queued() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(gateway.executor().admission().queued()).as("the warehouse is saturated").isEqualTo(1);

            for (int i = 0; i < 50; i++) {
                assertThat(lookupOf(lookup, 1)).isEqualTo("gold");
                assertThat(lookupOf(lookup, 2)).isEqualTo("silver");
            }
            assertThat(waiting).as("the warehouse query still waits: the lookups did not need the warehouse").isNotDone();

            // Releasing one result lets the waiting query run.
            ((Connection) open.get(1)).close();
            assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(100_000L);
        } finally {
            threads.shutdownNow();
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (SQLException ignored) {
                    // already closed above
                }
            }
        }
    }

    private static String lookupOf(PreparedStatement lookup, long key) throws SQLException {
        lookup.setLong(1, key);
        try (ResultSet rs = lookup.executeQuery()) {
            assertThat(rs.next()).isTrue();
            String segment = rs.getString(1);
            assertThat(rs.next()).isFalse();
            return segment;
        }
    }
}
