package dev.asof.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push nodes of gateways on one PostgreSQL registry: numbers are allocated once each, from 1; a
 * gateway sees the least of what the other running gateways published, never its own, and a
 * gateway that stopped publishing for the lease no longer counts.
 */
class PushNodesOnPostgresTest {
    @RegisterExtension
    static final PostgresRegistry POSTGRES = new PostgresRegistry();
    private static final Duration LEASE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void nodesAreNumberedOnceAndSeeTheLeastOfTheOthersWatermarks() throws Exception {
        RegistrySettings database = POSTGRES.newDatabase().withLease(LEASE, Duration.ofMillis(100));
        try (Registry a = Registry.open(database, dir); Registry b = Registry.open(database, dir);
                Registry c = Registry.open(database, dir)) {
            long nodeA = a.pushNodes().allocate("/data/a");
            long nodeB = b.pushNodes().allocate("/data/b");
            long nodeC = c.pushNodes().allocate("/data/c");
            assertThat(new long[] {nodeA, nodeB, nodeC}).containsExactly(1, 2, 3);
            assertThat(a.pushNodes().shared()).isTrue();

            // Nobody published yet: nothing to wait for.
            assertThat(a.pushNodes().othersAppendedThrough(nodeA)).isEqualTo(Long.MAX_VALUE);
            a.pushNodes().publish(nodeA, 100);
            b.pushNodes().publish(nodeB, 500);
            c.pushNodes().publish(nodeC, 300);
            assertThat(a.pushNodes().othersAppendedThrough(nodeA)).isEqualTo(300);
            assertThat(b.pushNodes().othersAppendedThrough(nodeB)).isEqualTo(100);
            assertThat(c.pushNodes().othersAppendedThrough(nodeC)).isEqualTo(100);

            // A stops publishing; B and C go on: after the lease, A no longer holds the others back.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (b.pushNodes().othersAppendedThrough(nodeB) != 300) {
                assertThat(System.nanoTime()).as("A left out once its lease lapsed").isLessThan(deadline);
                b.pushNodes().publish(nodeB, 500);
                c.pushNodes().publish(nodeC, 300);
                Thread.sleep(100);
            }
            assertThat(c.pushNodes().othersAppendedThrough(nodeC)).isEqualTo(500);
        }
    }
}
