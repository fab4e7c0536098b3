package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, the dialect as users write it: a schema named default in a qualified name, aliases that
 * Calcite reserves ({@code SELECT 1 AS one}), and durations in words in SHOW FEATURE VIEWS.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DuckDbDialectNamesTest extends ConformanceSupport {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }

    @Test
    void aSchemaNamedDefaultIsQueryable() throws SQLException {
        try (Connection c = connect()) {
            // DuckDB reserves default too, so the pass-through DDL quotes it; asof's queries need not.
            exec(c, "CREATE SCHEMA IF NOT EXISTS lake.\"default\"");
            String table = unique("users");
            exec(c, "CREATE TABLE lake.\"default\"." + table + " (id BIGINT, name VARCHAR)");
            exec(c, "INSERT INTO lake.\"default\"." + table + " VALUES (1, 'ann'), (2, 'bo')");
            assertThat(query(c, "SELECT name FROM lake.default." + table + " WHERE id = 2"))
                    .containsExactly(row("bo"));
        }
    }

    @Test
    void keywordAliases() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 AS one, 'x' AS value, 2.5 AS result")) {
            assertThat(rs.getMetaData().getColumnLabel(1)).isEqualToIgnoringCase("one");
            assertThat(rs.getMetaData().getColumnLabel(2)).isEqualToIgnoringCase("value");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt("one")).isEqualTo(1);
            assertThat(rs.getString("value")).isEqualTo("x");
        }
    }

    @Test
    void showFeatureViewsPrintsDurationsInWords() throws SQLException {
        try (Connection c = connect()) {
            String schema = createSchema(c);
            String events = createEvents(c, schema, "events", List.of(Ev.of(1, "2025-01-01", "a", 1.0)));
            Profile p = defineProfile(c, events, false, "INTERVAL '180' DAY");
            String windowed = unique("spend");
            exec(c, "CREATE FEATURE VIEW " + windowed + " ENTITY " + p.entity() + " FROM " + p.source()
                    + " AS SELECT customer_id, SUM(score) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS s_1h"
                    + " HOP INTERVAL '5' MINUTE");
            List<List<Object>> views = query(c, "SHOW FEATURE VIEWS");
            List<String> columns;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW FEATURE VIEWS")) {
                columns = new java.util.ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    columns.add(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT));
                }
            }
            int name = columns.indexOf("name");
            int ttl = columns.indexOf("ttl");
            int hop = columns.indexOf("hop");
            List<Object> profile = views.stream().filter(r -> p.view().equalsIgnoreCase((String) r.get(name))).findFirst().orElseThrow();
            List<Object> spend = views.stream().filter(r -> windowed.equalsIgnoreCase((String) r.get(name))).findFirst().orElseThrow();
            assertThat(profile.get(ttl)).isEqualTo("180 days");
            assertThat(spend.get(hop)).isEqualTo("5 minutes");
        }
    }
}
