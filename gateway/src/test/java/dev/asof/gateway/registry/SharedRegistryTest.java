package dev.asof.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.ObjectKind;
import dev.asof.planner.parser.Privilege;
import dev.asof.planner.parser.SecurableKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways' registries on one PostgreSQL database: what one changes is in force on the other
 * within the poll interval, and a materialization run is held by one gateway at a time.
 */
class SharedRegistryTest {
    @RegisterExtension
    static final PostgresRegistry POSTGRES = new PostgresRegistry();
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    Path dir;
    private RegistrySettings database;
    private Registry a;
    private Registry b;

    @BeforeEach
    void open() {
        database = POSTGRES.newDatabase().withLease(LEASE, POLL);
        a = Registry.open(database, dir);
        b = Registry.open(database, dir);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    @Test
    void definitionsUsersAndGrantsMadeOnOneGatewayAreInForceOnTheOtherWithinASecond() {
        AtomicInteger remoteChanges = new AtomicInteger();
        b.onRemoteChange(remoteChanges::incrementAndGet);

        a.create(RegistryTest.entity("customer"), false);
        a.create(RegistryTest.source("events"), false);
        a.create(RegistryTest.view("spend", "customer", "events"), false);
        within(Duration.ofSeconds(1), () -> b.get("spend").isPresent());
        assertThat(b.objectId("spend")).isEqualTo(a.objectId("spend"));
        assertThat(remoteChanges.get()).isPositive();

        a.users().create("bob", "{noop}x", false, false);
        a.grants().grant(Privilege.SELECT, Optional.of(SecurableKind.FEATURE_VIEW), "spend", "bob", Optional.empty());
        within(Duration.ofSeconds(1), () -> b.grants().snapshot().holds("bob", Privilege.SELECT,
                Optional.of(SecurableKind.FEATURE_VIEW), "spend"));
        assertThat(b.users().get("bob")).isPresent();

        // And back: B drops, A sees it gone.
        b.drop(ObjectKind.FEATURE_VIEW, "spend", false);
        within(Duration.ofSeconds(1), () -> a.get("spend").isEmpty());
        assertThat(a.grants().snapshot().holds("bob", Privilege.SELECT, Optional.of(SecurableKind.FEATURE_VIEW), "spend"))
                .isFalse();
    }

    @Test
    void aRunIsHeldByOneGatewayAndOneWhoseGatewayDiedIsFailedOnceItsLeaseLapses() throws Exception {
        Instant t = Instant.parse("2025-03-01T00:00:00Z");
        MaterializationLog.Run first = a.materializations().start(7, "spend", Optional.empty(), t, t, 0).orElseThrow();
        a.materializations().complete(7, first.runId(), 10, t);

        MaterializationLog.Run second = a.materializations().start(7, "spend", Optional.of(t), t, t, first.runId())
                .orElseThrow();
        // B may not start a run of the same view while A holds one, also after A renewed its lease.
        Thread.sleep(LEASE.toMillis() + 500);
        assertThatThrownBy(() -> b.materializations().start(7, "spend", Optional.of(t), t, t, first.runId()))
                .isInstanceOfSatisfying(AsofException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY);
                    assertThat(e.getMessage()).contains("already running").contains(a.instance());
                });
        // A different view is not held.
        assertThat(b.materializations().start(8, "other", Optional.empty(), t, t, 0)).isPresent();

        // A dies: it stops renewing. Once the lease lapsed, B fails A's run and starts its own.
        a.close();
        Thread.sleep(LEASE.toMillis() + 500);
        MaterializationLog.Run third = b.materializations().start(7, "spend", Optional.of(t), t, t, first.runId())
                .orElseThrow();
        assertThat(third.runId()).isEqualTo(second.runId() + 1);
        assertThat(b.materializations().runs(7)).extracting(MaterializationLog.Run::status).containsExactly(
                MaterializationLog.Status.COMPLETE, MaterializationLog.Status.FAILED, MaterializationLog.Status.RUNNING);
        assertThat(b.materializations().runs(7).get(1).error()).hasValueSatisfying(m -> assertThat(m).contains("lease"));
        a = Registry.open(database, dir);
    }

    @Test
    void aStartPlannedBeforeAnotherGatewayCompletedARunIsNotRecorded() {
        Instant t = Instant.parse("2025-03-01T00:00:00Z");
        MaterializationLog.Run first = a.materializations().start(7, "spend", Optional.empty(), t, t, 0).orElseThrow();
        a.materializations().complete(7, first.runId(), 10, t);
        // B planned from "no complete run": its changes-after would be wrong, so it must plan again.
        assertThat(b.materializations().start(7, "spend", Optional.empty(), t, t, 0)).isEmpty();
        assertThat(b.materializations().runs(7)).hasSize(1);
        assertThat(b.materializations().start(7, "spend", Optional.of(t), t, t, first.runId())).isPresent();
    }

    private static void within(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within %s", limit).isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
