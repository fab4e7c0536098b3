package dev.asof.connector.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What DuckDB 2.0.0.1's external-access switch does, which decides where the gateway's "second
 * wall" for users who are not admins can be: {@code enable_external_access = false} (with
 * {@code allowed_directories} and {@code lock_configuration}) works and refuses reading any file
 * outside the allowed directories, but it is a setting of the whole database, not of one
 * connection: set on one pooled connection, it applies to every other one (the admins' too), and it
 * cannot be turned back on. With one DuckDB database per gateway, non-admin statements cannot get
 * their own restricted connections; the gateway's tree check is their wall.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DuckDbExternalAccessFactsTest {
    @TempDir
    Path dir;

    @Test
    void externalAccessIsDatabaseWideAndOneWay() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("allowed"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(allowed.resolve("in.csv"), "x\n1\n");
        Files.writeString(outside.resolve("out.csv"), "x\n2\n");
        try (DuckDBConnection admin = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("lake.duckdb"));
                Connection restricted = admin.duplicate()) {
            assertThat(first(admin, "SELECT x FROM read_csv('" + outside.resolve("out.csv") + "')")).isEqualTo(2L);
            try (Statement s = restricted.createStatement()) {
                s.execute("SET allowed_directories = ['" + allowed + "/']");
                s.execute("SET enable_external_access = false");
                s.execute("SET lock_configuration = true");
            }
            assertThat(first(restricted, "SELECT x FROM read_csv('" + allowed.resolve("in.csv") + "')")).isEqualTo(1L);
            SQLException refused = catchThrowableOfType(
                    () -> first(restricted, "SELECT x FROM read_csv('" + outside.resolve("out.csv") + "')"), SQLException.class);
            assertThat(refused.getMessage()).contains("Permission Error").contains("disabled by configuration");
            // The other connection of the same database is restricted as well.
            SQLException alsoAdmin = catchThrowableOfType(
                    () -> first(admin, "SELECT x FROM read_csv('" + outside.resolve("out.csv") + "')"), SQLException.class);
            assertThat(alsoAdmin.getMessage()).contains("Permission Error");
            // And it stays so: no connection can turn it back on, nor change the time zone any more
            // (the connector sets TimeZone = 'UTC' on each new pooled connection).
            try (Connection again = admin.duplicate()) {
                SQLException reenable = catchThrowableOfType(() -> execute(again, "SET enable_external_access = true"),
                        SQLException.class);
                assertThat(reenable.getMessage()).contains("locked");
                SQLException timeZone = catchThrowableOfType(() -> execute(again, "SET TimeZone = 'UTC'"), SQLException.class);
                assertThat(timeZone.getMessage()).contains("locked");
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long first(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return ((Number) rs.getObject(1)).longValue();
        }
    }
}
