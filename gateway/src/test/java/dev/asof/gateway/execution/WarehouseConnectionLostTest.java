package dev.asof.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.planner.error.ErrorCode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warehouse that cannot be reached (a Trino whose server is gone: nothing listens on its port)
 * gives the client SQLSTATE 08006 with the network's own words, not 58000, XX000 or no SQLSTATE;
 * the client's connection to the gateway stays usable.
 */
class WarehouseConnectionLostTest {
    @TempDir
    Path dir;

    @Test
    void anUnreachableWarehouseIs08006AndTheSessionStaysUsable() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        GatewayConfig config = TestUsers.withAdmin(GatewayConfig.embedded(dir)).withWarehouse("trino",
                Map.of("url", "jdbc:trino://127.0.0.1:" + deadPort, "user", "asof", "catalog", "memory",
                        "schema", "features"));
        try (AsofGateway gateway = AsofGateway.start(config);
                Connection c = TestUsers.connect(gateway.jdbcUrl());
                Statement s = c.createStatement()) {
            for (String sql : new String[] {"SELECT 1", "SELECT * FROM memory.features.labels"}) {
                assertThatThrownBy(() -> s.executeQuery(sql).close())
                        .as(sql)
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("08006");
                            assertThat(e.getErrorCode()).isEqualTo(ErrorCode.CONNECTION_LOST.code());
                        })
                        .hasMessageContaining("trino: connection lost: ")
                        .hasMessageContaining(String.valueOf(deadPort))
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("java.").doesNotContain("Exception"));
            }
            try (ResultSet rs = s.executeQuery("SHOW ENTITIES")) {
                assertThat(rs.next()).as("the registry still answers on the same connection").isFalse();
            }
        }
    }
}
