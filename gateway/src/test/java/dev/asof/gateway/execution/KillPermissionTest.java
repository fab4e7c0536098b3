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
            new QueryControl(Optional.empty()));

    @Test
    void onlyAnAdminOrTheStatementsOwnUserMayKillIt() {
        assertThat(RunningStatements.mayKill(new Principal("bob", false, Principal.GATEWAY.peer()), ALICES)).isFalse();
        assertThat(RunningStatements.mayKill(new Principal("ALICE", false, Principal.GATEWAY.peer()), ALICES)).isTrue();
        assertThat(RunningStatements.mayKill(new Principal("carol", true, Principal.GATEWAY.peer()), ALICES)).isTrue();
    }
}
