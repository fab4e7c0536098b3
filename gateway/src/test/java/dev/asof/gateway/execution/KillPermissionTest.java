package dev.asof.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.session.Principal;
import dev.asof.spi.warehouse.QueryControl;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KillPermissionTest {
    private static final RunningStatements.Running ALICES = new RunningStatements.Running("00112233aabbccdd",
            new StatementOwner("conn-1", "alice", "jdbc"), "offline", "SELECT 1", Instant.EPOCH,
            new QueryControl(Optional.empty()), new java.util.concurrent.atomic.AtomicReference<>());

    @Test
    void onlyAnAdminOrTheStatementsOwnUserMayKillIt() {
        assertThat(RunningStatements.mayKill(new Principal("bob", false, Principal.GATEWAY.peer()), ALICES)).isFalse();
        assertThat(RunningStatements.mayKill(new Principal("ALICE", false, Principal.GATEWAY.peer()), ALICES)).isTrue();
        assertThat(RunningStatements.mayKill(new Principal("carol", true, Principal.GATEWAY.peer()), ALICES)).isTrue();
    }

    /** The statement limit cancels what ran longer than it, marks it timed out, and spares MATERIALIZE. */
    @Test
    void expireCancelsStatementsPastTheLimitExceptMaterialize() {
        RunningStatements running = new RunningStatements();
        QueryControl slow = new QueryControl(Optional.empty());
        QueryControl fresh = new QueryControl(Optional.empty());
        QueryControl materialize = new QueryControl(Optional.empty());
        StatementOwner owner = new StatementOwner("conn-1", "alice", "jdbc");
        RunningStatements.Running s = running.start(owner, "offline", "SELECT 1", slow);
        running.start(owner, "materialize", "MATERIALIZE v", materialize);
        running.start(owner, "offline", "SELECT 2", fresh);
        java.time.Instant now = s.started().plusSeconds(10);
        // everything started within a few ms: with a 5 s limit, "now" is past it for all of them
        assertThat(running.expire(java.time.Duration.ofSeconds(5), now)).isEqualTo(2);
        assertThat(slow.isCancelled()).isTrue();
        assertThat(fresh.isCancelled()).isTrue();
        assertThat(materialize.isCancelled()).isFalse();
        assertThat(s.timedOut()).contains(java.time.Duration.ofSeconds(5));
        // an expired statement is not counted twice
        assertThat(running.expire(java.time.Duration.ofSeconds(5), now)).isZero();
        assertThat(running.expire(java.time.Duration.ofHours(1), now)).isZero();
    }
}
