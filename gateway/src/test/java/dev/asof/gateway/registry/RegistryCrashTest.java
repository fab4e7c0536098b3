package dev.asof.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.TestUsers;
import dev.asof.gateway.push.GatewayProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement that changed the registry has returned, then the gateway is killed with
 * {@code kill -9} at once: after a restart the change is there. (The embedded registry's database
 * must write a commit before it returns, not some hundreds of milliseconds later.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RegistryCrashTest {
    @TempDir
    Path dir;

    @Test
    void aDefinitionAcknowledgedJustBeforeAKillSurvivesIt() throws Exception {
        Path data = dir.resolve("data");
        GatewayProcess.Started first = GatewayProcess.start(data, dir.resolve("gateway-1.log"));
        try (Connection c = TestUsers.connect(first.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE SOURCE kept (id BIGINT, ts TIMESTAMP) EVENT TIME ts PUSH");
            s.execute("CREATE SOURCE last_one (id BIGINT, ts TIMESTAMP) EVENT TIME ts PUSH");
            // SIGKILL right after the acknowledgement: no shutdown hook, no background flush.
            first.process().destroyForcibly();
            first.process().waitFor(30, TimeUnit.SECONDS);
        } catch (java.sql.SQLException e) {
            // the connection's close after the kill
        } finally {
            first.process().destroyForcibly();
        }

        GatewayProcess.Started second = GatewayProcess.start(data, dir.resolve("gateway-2.log"));
        try (Connection c = TestUsers.connect(second.jdbcUrl()); Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW SOURCES")) {
                while (rs.next()) {
                    names.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
                }
            }
            assertThat(names).contains("kept", "last_one");
            // and the recovered definition is usable: a push into it is acknowledged and stored
            s.execute("INSERT INTO last_one VALUES (7, TIMESTAMP '2025-01-01 00:00:00')");
        } finally {
            second.process().destroyForcibly();
            second.process().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
