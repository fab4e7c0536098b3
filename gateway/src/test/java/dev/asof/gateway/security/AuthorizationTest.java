package dev.asof.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.audit.JsonLinesAuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants enforced on every JDBC path, for a user without admin rights: each statement is refused
 * with SQLSTATE 42501 naming the object and the privilege while the grant is missing, and runs
 * once it is granted. The admin may do everything.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AuthorizationTest {
    private static final String BOB = "bob";
    private static final String BOB_PASSWORD = "bob-secret-1";
    private static final String SPEND_LOOKUP = "SELECT amount FROM last_amount WHERE customer_id = ?";
    private static final String SNAPSHOT = "SELECT customer_id, amount FROM last_amount"
            + " AS OF TIMESTAMP '2025-01-03 00:00:00' ORDER BY customer_id";
    private static final String PIT_JOIN = "SELECT l.customer_id, v.amount FROM lake.main.labels l"
            + " LEFT JOIN last_amount AS OF l.ts v ON v.customer_id = l.customer_id ORDER BY l.customer_id";

    @TempDir
    Path dir;

    private AsofGateway gateway;
    private Connection admin;
    private Connection bob;

    @BeforeEach
    void start() throws SQLException {
        gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir.resolve("data"))),
                UnaryOperator.identity(), Map.of());
        admin = TestUsers.connect(gateway.jdbcUrl());
        for (String sql : List.of(
                "CREATE TABLE lake.main.events (customer_id BIGINT, amount DOUBLE, ts TIMESTAMP)",
                "INSERT INTO lake.main.events VALUES (1, 10.0, TIMESTAMP '2025-01-01 00:00:00'),"
                        + " (2, 20.0, TIMESTAMP '2025-01-02 00:00:00')",
                "CREATE TABLE lake.main.labels (customer_id BIGINT, ts TIMESTAMP)",
                "INSERT INTO lake.main.labels VALUES (1, TIMESTAMP '2025-01-05 00:00:00'), (2, TIMESTAMP '2025-01-01 00:00:00')",
                "CREATE TABLE lake.main.secrets (id BIGINT, secret VARCHAR)",
                "CREATE ENTITY customer (customer_id BIGINT)",
                "CREATE SOURCE events FROM TABLE lake.main.events EVENT TIME ts",
                "CREATE FEATURE VIEW last_amount ENTITY customer FROM events AS SELECT customer_id, amount ONLINE",
                "CREATE USER " + BOB + " PASSWORD '" + BOB_PASSWORD + "'")) {
            run(admin, sql);
        }
        bob = connect(BOB, BOB_PASSWORD);
    }

    @AfterEach
    void stop() throws SQLException {
        if (bob != null) {
            bob.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(gateway.jdbcUrl(), p);
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rows(rs);
        }
    }

    private static List<List<Object>> rows(ResultSet rs) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                row.add(rs.getObject(i));
            }
            out.add(row);
        }
        return out;
    }

    /** Runs {@code sql} as {@code c}, expecting a refusal; returns its message. */
    private static String refused(Connection c, String sql) {
        SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> {
            try (Statement s = c.createStatement()) {
                if (s.execute(sql)) {
                    try (ResultSet rs = s.getResultSet()) {
                        rows(rs);
                    }
                }
            }
        }, sql);
        assertThat(e.getSQLState()).as("SQLSTATE of %s: %s", sql, e.getMessage()).isEqualTo("42501");
        assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("at dev.asof");
        return e.getMessage();
    }

    private static List<String> tableNames(ResultSet rs) throws SQLException {
        List<String> names = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    @Test
    void snapshotPitJoinAndExplainNeedSelectOnTheViewAndTheSpine() throws SQLException {
        assertThat(refused(bob, SNAPSHOT)).contains("user 'bob' needs SELECT on feature view last_amount");
        assertThat(refused(bob, "EXPLAIN " + SNAPSHOT)).contains("SELECT on feature view last_amount");

        run(admin, "GRANT SELECT ON FEATURE VIEW last_amount TO bob");
        assertThat(rows(bob, SNAPSHOT)).containsExactly(List.of(1L, 10.0), List.of(2L, 20.0));
        assertThat(rows(bob, "EXPLAIN " + SNAPSHOT)).isNotEmpty();
        // The view is read with its own rights: its source need not be granted.
        assertThat(refused(bob, "SELECT * FROM events")).contains("SELECT on source events");

        // The spine is a warehouse table: granted through a role.
        assertThat(refused(bob, PIT_JOIN)).contains("SELECT on table lake.main.labels");
        run(admin, "CREATE ROLE analysts");
        run(admin, "GRANT SELECT ON TABLE main.labels TO analysts");
        run(admin, "GRANT analysts TO bob");
        List<List<Object>> joined = rows(bob, PIT_JOIN);
        assertThat(joined).hasSize(2);
        assertThat(joined.get(0)).containsExactly(1L, 10.0);
        assertThat(joined.get(1).get(1)).isNull(); // label before customer 2's only event

        // A plain query over tables: granted ones only.
        assertThat(rows(bob, "SELECT count(*) FROM lake.main.labels")).containsExactly(List.of(2L));
        assertThat(refused(bob, "SELECT * FROM lake.main.secrets")).contains("SELECT on table lake.main.secrets");
        assertThat(refused(bob, "SELECT * FROM lake.main.labels l JOIN lake.main.secrets s ON s.id = l.customer_id"))
                .contains("lake.main.secrets");

        run(admin, "REVOKE analysts FROM bob");
        assertThat(refused(bob, PIT_JOIN)).contains("SELECT on table lake.main.labels");
    }

    @Test
    void preparedLookupIsCheckedAtEachExecutionAndSeesRevokes() throws SQLException {
        assertThat(refused(bob, "SELECT amount FROM last_amount WHERE customer_id = 1")).contains("last_amount");
        run(admin, "GRANT SELECT ON FEATURE VIEW last_amount TO bob");
        try (PreparedStatement ps = bob.prepareStatement(SPEND_LOOKUP)) {
            for (int i = 0; i < 3; i++) {
                ps.setLong(1, 2);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rows(rs)).containsExactly(List.of(20.0));
                }
            }
            run(admin, "REVOKE SELECT ON FEATURE VIEW last_amount FROM bob");
            ps.setLong(1, 2);
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, ps::executeQuery);
            assertThat(e.getSQLState()).isEqualTo("42501");
            assertThat(e.getMessage()).contains("SELECT on feature view last_amount");
        }
    }

    @Test
    void materializeNeedsItsOwnPrivilege() throws SQLException {
        assertThat(refused(bob, "MATERIALIZE last_amount")).contains("needs MATERIALIZE on feature view last_amount");
        run(admin, "GRANT SELECT ON FEATURE VIEW last_amount TO bob");
        assertThat(refused(bob, "MATERIALIZE last_amount")).contains("MATERIALIZE");
        run(admin, "GRANT MATERIALIZE ON FEATURE VIEW last_amount TO bob");
        assertThat(rows(bob, "MATERIALIZE last_amount")).isNotEmpty();
        assertThat(rows(bob, "SELECT view_name FROM sys.online_views")).containsExactly(List.of("last_amount"));
    }

    @Test
    void definitionsNeedCreateAndDroppingAViewDropsItsGrants() throws SQLException {
        assertThat(refused(bob, "CREATE ENTITY store (store_id BIGINT)")).contains("needs CREATE");
        assertThat(refused(bob, "DROP FEATURE VIEW last_amount")).contains("needs CREATE");
        assertThat(refused(bob, "DROP SOURCE events")).contains("needs CREATE");
        assertThat(refused(bob, "DROP ENTITY customer")).contains("needs CREATE");

        run(admin, "GRANT CREATE TO bob");
        run(bob, "CREATE ENTITY store (store_id BIGINT)");
        // A source over a table bob cannot read would expose it.
        assertThat(refused(bob, "CREATE SOURCE secrets FROM TABLE lake.main.secrets EVENT TIME id"))
                .contains("SELECT on table lake.main.secrets");
        // A file source is an admin statement.
        assertThat(refused(bob, "CREATE SOURCE f FROM FILE '/etc/passwd.csv' EVENT TIME ts"))
                .contains("admins only");

        run(admin, "GRANT SELECT ON FEATURE VIEW last_amount TO bob");
        run(bob, "DROP FEATURE VIEW last_amount");
        run(admin, "CREATE FEATURE VIEW last_amount ENTITY customer FROM events AS SELECT customer_id, amount ONLINE");
        assertThat(refused(bob, SNAPSHOT)).contains("SELECT on feature view last_amount");
        assertThat(rows(admin, "SHOW GRANTS FOR bob")).containsExactly(java.util.Arrays.asList("bob", "USER", "CREATE",
                null, null));
    }

    @Test
    void fileSourcesAreReadFromTheAllowedDirectoriesOnly() throws Exception {
        String csv = "customer_id,ts\n1,2025-01-01 00:00:00\n";
        Path outside = dir.resolve("outside.csv");
        Files.writeString(outside, csv);
        Path inside = dir.resolve("data").resolve("inside.csv");
        Files.writeString(inside, csv);
        assertThat(refused(admin, "CREATE SOURCE outside FROM FILE '" + outside + "' EVENT TIME ts"))
                .contains("outside the directories sources may be read from");
        // A path that climbs out of the data directory is judged where it leads.
        assertThat(refused(admin, "CREATE SOURCE climbing FROM FILE '" + dir.resolve("data").resolve("..")
                .resolve("outside.csv") + "' EVENT TIME ts")).contains("outside the directories");
        run(admin, "CREATE SOURCE inside FROM FILE '" + inside + "' EVENT TIME ts");
        assertThat(rows(admin, "SHOW SOURCES").toString()).contains("inside").doesNotContain("outside");
    }

    @Test
    void metadataListsOnlyWhatTheUserMayRead() throws SQLException {
        DatabaseMetaData md = bob.getMetaData();
        assertThat(tableNames(md.getTables(null, null, "%", null))).containsExactly("customer");
        assertThat(rows(bob, "SHOW FEATURE VIEWS")).isEmpty();
        assertThat(rows(bob, "SHOW SOURCES")).isEmpty();
        assertThat(refused(bob, "DESCRIBE last_amount")).contains("SELECT on feature view last_amount");
        assertThat(refused(bob, "DESCRIBE lake.main.secrets")).contains("SELECT on table lake.main.secrets");
        // "Did you mean" never names what bob cannot see.
        SQLException typo = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> rows(bob, "SELECT * FROM last_amout AS OF TIMESTAMP '2025-01-01 00:00:00'"));
        assertThat(typo.getMessage()).doesNotContain("last_amount");

        run(admin, "GRANT SELECT ON FEATURE VIEW last_amount TO bob");
        run(admin, "GRANT SELECT ON TABLE lake.main.labels TO bob");
        assertThat(tableNames(md.getTables(null, null, "%", null)))
                .containsExactlyInAnyOrder("customer", "last_amount", "labels");
        assertThat(tableNames(md.getColumns(null, "main", "%", null))).containsOnly("labels");
        assertThat(rows(bob, "SHOW FEATURE VIEWS")).hasSize(1);
        assertThat(rows(bob, "DESCRIBE last_amount")).isNotEmpty();
        typo = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> rows(bob, "SELECT * FROM last_amout AS OF TIMESTAMP '2025-01-01 00:00:00'"));
        assertThat(typo.getMessage()).contains("last_amount");

        // The admin sees everything.
        assertThat(tableNames(admin.getMetaData().getTables(null, null, "%", null)))
                .contains("customer", "events", "last_amount", "labels", "secrets");
    }

    @Test
    void probesOutsideTheWarehouseAreRefusedAndLeaveNoFile() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        String copy = out.resolve("copy.csv").toString();
        String export = out.resolve("export").toString();
        run(admin, "GRANT SELECT ON TABLE lake.main.labels TO bob");
        List<String> probes = List.of(
                "COPY (SELECT 1) TO '" + copy + "'",
                "EXPORT DATABASE '" + export + "'",
                "CREATE TABLE lake.main.stolen AS SELECT * FROM read_csv('/etc/passwd')",
                "ATTACH '" + out.resolve("other.duckdb") + "' AS other",
                "DETACH lake",
                "DROP TABLE lake.main.labels",
                "DROP SCHEMA lake.main CASCADE",
                "INSTALL httpfs",
                "LOAD httpfs",
                "SET enable_external_access = true",
                "PRAGMA enable_profiling",
                "SELECT read_text('/etc/passwd') FROM lake.main.labels",
                "SELECT getenv('HOME') FROM lake.main.labels",
                "SELECT current_setting('threads') FROM lake.main.labels",
                "SELECT * FROM TABLE(read_csv('/etc/passwd'))",
                "CREATE USER eve PASSWORD 'x' ADMIN",
                "GRANT ADMIN TO bob",
                "GRANT SELECT ON TABLE lake.main.secrets TO bob");
        for (String probe : probes) {
            refused(bob, probe);
        }
        try (var files = Files.list(out)) {
            assertThat(files.toList()).as("files written by refused statements").isEmpty();
        }
        // Nothing was dropped or created, and bob is still not an admin.
        assertThat(rows(bob, "SELECT count(*) FROM lake.main.labels")).containsExactly(List.of(2L));
        assertThat(rows(admin, "SELECT count(*) FROM lake.main.secrets")).containsExactly(List.of(0L));
        assertThat(refused(bob, "SHOW USERS")).contains("admin");

        // The admin may: the same COPY writes its file.
        run(admin, "COPY (SELECT 1 AS x) TO '" + copy + "'");
        assertThat(Path.of(copy)).exists();

        // Refusals are audited, without the password of the refused CREATE USER.
        String audit = Files.readString(dir.resolve("data").resolve(JsonLinesAuditLog.FILE_NAME));
        assertThat(audit).contains("\"event\":\"refused_statement\"").contains("\"user\":\"bob\"")
                .contains("EXPORT DATABASE").contains("\"event\":\"grant\"")
                .contains("\"event\":\"create_feature_view\"");
        assertThat(audit).doesNotContain(BOB_PASSWORD);
    }

    @Test
    void showGrantsShowsOwnGrantsOnly() throws SQLException {
        run(admin, "CREATE ROLE analysts");
        run(admin, "GRANT SELECT ON FEATURE VIEW last_amount TO analysts");
        run(admin, "GRANT analysts TO bob");
        assertThat(rows(bob, "SHOW GRANTS")).contains(
                java.util.Arrays.asList("bob", "USER", "ROLE", "ROLE", "analysts"),
                java.util.Arrays.asList("analysts", "ROLE", "SELECT", "FEATURE VIEW", "last_amount"));
        assertThat(rows(bob, SNAPSHOT)).hasSize(2);
        assertThat(refused(bob, "SHOW GRANTS FOR admin")).contains("admins only");
        run(admin, "DROP ROLE analysts");
        assertThat(refused(bob, SNAPSHOT)).contains("last_amount");
    }
}
