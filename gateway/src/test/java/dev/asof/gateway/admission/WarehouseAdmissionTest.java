package dev.asof.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.execution.StatementOwner;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.warehouse.QueryControl;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admission rules on their own: limits, queue, order, cancel, messages. */
class WarehouseAdmissionTest {
    private static final StatementOwner ALICE_1 = new StatementOwner("c1", "alice", "jdbc");
    private static final StatementOwner ALICE_2 = new StatementOwner("c2", "alice", "jdbc");
    private static final StatementOwner ALICE_3 = new StatementOwner("c3", "alice", "jdbc");
    private static final StatementOwner BOB_1 = new StatementOwner("c4", "bob", "jdbc");

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private static WarehouseAdmission admission(int running, int perUser, int perConnection, int queued, Duration wait) {
        return new WarehouseAdmission(new AdmissionLimits(running, perUser, perConnection, queued, wait));
    }

    @Test
    void aConnectionOverItsLimitIsRefusedWith53000NamingTheLimitWhileOthersAreAdmitted() {
        WarehouseAdmission a = admission(4, 3, 1, 10, Duration.ofMillis(50));
        WarehouseAdmission.Permit first = a.admit(ALICE_1, QueryControl.none());
        assertThatThrownBy(() -> a.admit(ALICE_1, QueryControl.none()))
                .isInstanceOfSatisfying(AsofException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_STATEMENTS);
                    assertThat(e.code().sqlState()).isEqualTo("53000");
                })
                .hasMessageContaining("asof.admission.max-per-connection = 1")
                .hasMessageContaining("50 ms");
        // The same user on another connection, and another user, are admitted.
        a.admit(ALICE_2, QueryControl.none()).release();
        a.admit(BOB_1, QueryControl.none()).release();
        first.release();
        a.admit(ALICE_1, QueryControl.none()).release();
        assertThat(a.running()).isZero();
        assertThat(a.queued()).isZero();
    }

    @Test
    void aUserOverItsLimitIsRefusedOnEveryConnectionButOtherUsersAreNot() {
        WarehouseAdmission a = admission(10, 2, 2, 10, Duration.ZERO);
        a.admit(ALICE_1, QueryControl.none());
        a.admit(ALICE_2, QueryControl.none());
        assertThatThrownBy(() -> a.admit(ALICE_3, QueryControl.none()))
                .isInstanceOf(AsofException.class)
                .hasMessageContaining("user 'alice'")
                .hasMessageContaining("asof.admission.max-per-user = 2");
        a.admit(BOB_1, QueryControl.none());
        assertThat(a.running()).isEqualTo(3);
    }

    @Test
    void theGatewayLimitAndAFullQueueAreNamed() throws Exception {
        WarehouseAdmission a = admission(1, 5, 5, 1, Duration.ofSeconds(30));
        WarehouseAdmission.Permit held = a.admit(ALICE_1, QueryControl.none());
        CompletableFuture<WarehouseAdmission.Permit> waiting = CompletableFuture.supplyAsync(
                () -> a.admit(BOB_1, QueryControl.none()), threads);
        awaitQueued(a, 1);
        assertThatThrownBy(() -> a.admit(ALICE_2, QueryControl.none()))
                .isInstanceOfSatisfying(AsofException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_STATEMENTS))
                .hasMessageContaining("queue is full (asof.admission.max-queued = 1)");
        held.release();
        waiting.get(10, TimeUnit.SECONDS).release();

        WarehouseAdmission b = admission(1, 5, 5, 10, Duration.ofMillis(20));
        b.admit(ALICE_1, QueryControl.none());
        assertThatThrownBy(() -> b.admit(BOB_1, QueryControl.none()))
                .hasMessageContaining("the gateway has 1 warehouse statement(s) running or open"
                        + " (asof.admission.max-running = 1)");
        assertThat(b.queued()).as("a statement that gave up leaves the queue").isZero();
    }

    @Test
    void aWaitingStatementIsAdmittedWhenAPermitIsReleasedAndReleasingTwiceCountsOnce() throws Exception {
        WarehouseAdmission a = admission(1, 5, 5, 10, Duration.ofSeconds(30));
        WarehouseAdmission.Permit held = a.admit(ALICE_1, QueryControl.none());
        CompletableFuture<WarehouseAdmission.Permit> waiting = CompletableFuture.supplyAsync(
                () -> a.admit(ALICE_2, QueryControl.none()), threads);
        awaitQueued(a, 1);
        assertThat(waiting).isNotDone();
        held.release();
        held.release();
        WarehouseAdmission.Permit next = waiting.get(10, TimeUnit.SECONDS);
        assertThat(a.running()).isEqualTo(1);
        next.release();
        assertThat(a.running()).isZero();
    }

    @Test
    void aStatementHeldBackByItsOwnUsersLimitDoesNotHoldBackAnotherUser() throws Exception {
        WarehouseAdmission a = admission(3, 1, 1, 10, Duration.ofSeconds(30));
        WarehouseAdmission.Permit alice = a.admit(ALICE_1, QueryControl.none());
        CompletableFuture<WarehouseAdmission.Permit> aliceAgain = CompletableFuture.supplyAsync(
                () -> a.admit(ALICE_2, QueryControl.none()), threads);
        awaitQueued(a, 1);
        // Bob arrives after alice's second statement and is admitted at once: there is room for him.
        a.admit(BOB_1, QueryControl.none());
        assertThat(aliceAgain).isNotDone();
        alice.release();
        aliceAgain.get(10, TimeUnit.SECONDS);
        assertThat(a.running()).isEqualTo(2);
    }

    @Test
    void waitingStatementsAreAdmittedInArrivalOrder() throws Exception {
        WarehouseAdmission a = admission(1, 10, 10, 10, Duration.ofSeconds(30));
        WarehouseAdmission.Permit held = a.admit(ALICE_1, QueryControl.none());
        CompletableFuture<WarehouseAdmission.Permit> first = CompletableFuture.supplyAsync(
                () -> a.admit(ALICE_2, QueryControl.none()), threads);
        awaitQueued(a, 1);
        CompletableFuture<WarehouseAdmission.Permit> second = CompletableFuture.supplyAsync(
                () -> a.admit(BOB_1, QueryControl.none()), threads);
        awaitQueued(a, 2);
        held.release();
        WarehouseAdmission.Permit p = first.get(10, TimeUnit.SECONDS);
        assertThat(second).isNotDone();
        p.release();
        second.get(10, TimeUnit.SECONDS).release();
    }

    @Test
    void cancellingAWaitingStatementEndsItsWaitAsCancelled() throws Exception {
        WarehouseAdmission a = admission(1, 10, 10, 10, Duration.ofSeconds(30));
        a.admit(ALICE_1, QueryControl.none());
        QueryControl control = new QueryControl(Optional.empty());
        CompletableFuture<WarehouseAdmission.Permit> waiting = CompletableFuture.supplyAsync(
                () -> a.admit(BOB_1, control), threads);
        awaitQueued(a, 1);
        control.cancel();
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(AsofException.class)
                .cause().satisfies(e -> assertThat(((AsofException) e).code()).isEqualTo(ErrorCode.CANCELLED));
        assertThat(a.queued()).isZero();
        assertThat(a.running()).isEqualTo(1);
    }

    @Test
    void theGatewaysOwnWorkIsNotAdmitted() {
        WarehouseAdmission a = admission(1, 1, 1, 0, Duration.ZERO);
        a.admit(ALICE_1, QueryControl.none());
        a.admit(StatementOwner.INTERNAL, QueryControl.none());
        a.admit(StatementOwner.INTERNAL, QueryControl.none());
        assertThat(a.running()).isEqualTo(1);
    }

    @Test
    void defaultsAreSizedFromThePoolAndKeysOverrideThem() {
        AdmissionLimits four = AdmissionSettings.defaults().limitsFor(4);
        assertThat(four).isEqualTo(new AdmissionLimits(3, 2, 2, 1_000, Duration.ofSeconds(30)));
        assertThat(AdmissionSettings.defaults().limitsFor(1)).isEqualTo(new AdmissionLimits(1, 1, 1, 1_000,
                Duration.ofSeconds(30)));
        assertThat(AdmissionSettings.defaults().limitsFor(16).maxPerUser()).isEqualTo(8);

        Properties p = new Properties();
        p.setProperty("asof.admission.max-per-user", "5");
        p.setProperty("asof.admission.queue-timeout", "2s");
        p.setProperty("asof.admission.max-queued", "0");
        AdmissionSettings s = AdmissionSettings.fromProperties(p, AdmissionSettings.defaults(), "test.properties");
        assertThat(s.maxPerUser()).isEqualTo(OptionalInt.of(5));
        assertThat(s.limitsFor(4)).isEqualTo(new AdmissionLimits(3, 5, 2, 0, Duration.ofSeconds(2)));

        Properties bad = new Properties();
        bad.setProperty("asof.admission.max-per-connection", "0");
        assertThatThrownBy(() -> AdmissionSettings.fromProperties(bad, AdmissionSettings.defaults(), "f.properties"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("f.properties: asof.admission.max-per-connection must be at least 1, not 0");
        Properties typo = new Properties();
        typo.setProperty("asof.admission.max-per-usr", "3");
        assertThatThrownBy(() -> AdmissionSettings.fromProperties(typo, AdmissionSettings.defaults(), "f.properties"))
                .hasMessageContaining("unknown key(s) [asof.admission.max-per-usr]");
    }

    private static void awaitQueued(WarehouseAdmission a, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (a.queued() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never " + n + " queued");
            }
            Thread.sleep(5);
        }
    }
}
