package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Grants and the guarded warehouse boundary, end to end on each engine: a user who is not an
 * admin reads a PIT join only once the view and the spine are granted, lists only those, and every
 * statement that would change the warehouse or reach past it is refused (SQLSTATE 42501) and
 * changes nothing; the admin runs the same statements.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
public abstract class AuthorizationSuite extends ConformanceSupport {
    private Connection as(String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(engine().jdbcUrl().replaceAll("[?&]user=.*$", ""), p);
    }

    private static String refused(Connection c, String sql) {
        SQLException e = expectError(c, sql);
        assertThat(e.getSQLState()).as("%s: %s", sql, e.getMessage()).isEqualTo("42501");
        assertThat(e.getMessage()).doesNotContain("\tat ").doesNotContain("Exception:");
        return e.getMessage();
    }

    private static List<String> tableNames(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
            }
        }
        return names;
    }

    @Test
    void pitJoinNeedsTheViewAndTheSpineAndProbesChangeNothing() throws SQLException {
        try (Connection admin = connect()) {
            String schema = createSchema(admin);
            String events = createEvents(admin, schema, "events", List.of(
                    Ev.of(1, "2025-01-01", "gold", 1.0), Ev.of(2, "2025-01-02", "silver", 2.0)));
            String labels = createLabels(admin, schema, "labels", List.of(
                    new Lbl(1, 1L, ts("2025-01-05")), new Lbl(2, 2L, ts("2025-01-05"))));
            Profile p = defineProfile(admin, events, false, null);
            String user = unique("u");
            exec(admin, "CREATE USER " + user + " PASSWORD 'pw-" + user + "'");
            String join = "SELECT l.id, v.segment FROM " + labels + " l LEFT JOIN " + p.view()
                    + " AS OF l.event_ts v ON v.customer_id = l.customer_id ORDER BY l.id";

            try (Connection u = as(user, "pw-" + user)) {
                assertThat(refused(u, join)).contains("SELECT on feature view " + p.view());
                assertThat(tableNames(u)).doesNotContain(p.view(), "labels", "events");

                exec(admin, "GRANT SELECT ON FEATURE VIEW " + p.view() + " TO " + user);
                assertThat(refused(u, join)).contains("SELECT on table").contains("labels");
                exec(admin, "GRANT SELECT ON TABLE " + labels + " TO " + user);
                assertThat(query(u, join)).containsExactly(row(1L, "gold"), row(2L, "silver"));
                assertThat(tableNames(u)).contains(p.view(), "labels").doesNotContain("events");

                for (String probe : List.of(
                        "DROP TABLE " + labels,
                        "DROP SCHEMA " + schema + " CASCADE",
                        "CREATE TABLE " + schema + ".copied AS SELECT * FROM " + labels,
                        "INSERT INTO " + labels + " VALUES (3, 3, NULL)",
                        "DELETE FROM " + labels,
                        "DROP FEATURE VIEW " + p.view(),
                        "DROP SOURCE " + p.source(),
                        "DROP ENTITY " + p.entity(),
                        "SELECT * FROM " + events,
                        "GRANT SELECT ON TABLE " + events + " TO " + user)) {
                    refused(u, probe);
                }
                assertThat(query(u, "SELECT count(*) FROM " + labels)).containsExactly(row(2L));
                assertThat(query(u, join)).hasSize(2);
            }
            // The admin may.
            exec(admin, "CREATE TABLE " + schema + ".copied AS SELECT * FROM " + labels);
            assertThat(query(admin, "SELECT count(*) FROM " + schema + ".copied")).containsExactly(row(2L));
        }
    }
}
