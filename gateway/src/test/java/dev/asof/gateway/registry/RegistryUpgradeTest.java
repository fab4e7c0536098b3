package dev.asof.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry written by a gateway from before migrations is upgraded in place, its contents kept. */
class RegistryUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void aRegistryWithoutMigrationHistoryIsBroughtToTheCurrentVersion() throws Exception {
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("registry");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // The schema as the gateway created it before migrations (definitions and users only).
            s.execute("CREATE TABLE asof_definition (name_key VARCHAR(512) PRIMARY KEY, kind VARCHAR(32) NOT NULL,"
                    + " definition CLOB NOT NULL,"
                    + " created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            s.execute("CREATE SEQUENCE asof_object_id");
            s.execute("ALTER TABLE asof_definition ADD COLUMN object_id BIGINT DEFAULT NEXT VALUE FOR asof_object_id"
                    + " NOT NULL");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO asof_definition (name_key, kind, definition) VALUES (?, ?, ?)")) {
                ps.setString(1, "customer");
                ps.setString(2, "ENTITY");
                ps.setString(3, DefinitionCodec.encode(RegistryTest.entity("customer")));
                ps.executeUpdate();
            }
        }

        try (Registry registry = Registry.open(dir)) {
            assertThat(registry.get("customer")).contains(RegistryTest.entity("customer"));
            // Tables the old registry did not have yet are there now.
            registry.users().create("bob", "{noop}x", false, false);
            registry.grants().createRole("analysts", false);
            registry.create(RegistryTest.source("events"), false);
            assertThat(registry.objectId("events").orElseThrow()).isNotEqualTo(registry.objectId("customer").orElseThrow());
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"" + RegistryDatabase.HISTORY_TABLE
                        + "\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("0"); // the baseline Flyway records for the old schema
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("1");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("2");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("3");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("4");
        }
    }
}
