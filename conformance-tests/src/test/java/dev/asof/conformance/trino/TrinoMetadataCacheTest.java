package dev.asof.conformance.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.ConformanceEngine;
import dev.asof.conformance.ConformanceSupport;
import dev.asof.conformance.EngineExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On Trino, a repeated statement costs the warehouse the statement and nothing else: once the
 * gateway's metadata cache is warm, an ad-hoc query is neither preceded by a table listing
 * ({@code system.jdbc.tables}), a table describe nor a describe of the query, and the executions
 * of a prepared statement do not describe it again. Counted from Trino's own record of the
 * queries it received ({@code system.runtime.queries}), for a gateway with a Trino user of its
 * own, read on a separate connection as another user.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TrinoMetadataCacheTest extends ConformanceSupport {
    private static final String GATEWAY_USER = "asof-metadata-cache-test";
    private static final int N = 5;

    /** A long TTL: nothing may expire between the warm-up and the counted executions. */
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(
            () -> new TrinoEngine(Optional.empty(), GATEWAY_USER, Optional.of(Duration.ofMinutes(30))));

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }

    /** One query Trino received: its id and text. */
    private record Sent(String id, String query) {}

    private Connection observer() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "asof-test-observer");
        return DriverManager.getConnection(((TrinoEngine) engine()).server().jdbcUrl(), p);
    }

    /** Every query Trino has received from the gateway's user, oldest first. */
    private static List<Sent> gatewayQueries(Connection trino) throws SQLException {
        try (PreparedStatement ps = trino.prepareStatement(
                "SELECT query_id, query FROM system.runtime.queries WHERE \"user\" = ? ORDER BY created, query_id")) {
            ps.setString(1, GATEWAY_USER);
            List<Sent> sent = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sent.add(new Sent(rs.getString(1), rs.getString(2).trim()));
                }
            }
            return sent;
        }
    }

    private static Set<String> ids(List<Sent> sent) {
        Set<String> ids = new HashSet<>();
        sent.forEach(s -> ids.add(s.id()));
        return ids;
    }

    /** Queries received since {@code before} was taken. */
    private static List<Sent> since(Connection trino, Set<String> before) throws SQLException {
        return gatewayQueries(trino).stream().filter(s -> !before.contains(s.id())).toList();
    }

    private static void assertNoMetadataQueries(List<Sent> sent) {
        for (Sent s : sent) {
            String q = s.query().toLowerCase(Locale.ROOT);
            assertThat(q).as("query %s", s.id()).doesNotContain("system.jdbc").doesNotStartWith("describe")
                    .doesNotStartWith("prepare").doesNotStartWith("execute").doesNotContain("information_schema");
        }
    }

    private static void report(String what, List<Sent> sent) {
        System.err.printf("[asof tests] %s: Trino received %d quer%s%n", what, sent.size(), sent.size() == 1 ? "y" : "ies");
        for (Sent s : sent) {
            String q = s.query().replaceAll("\\s+", " ");
            System.err.printf("[asof tests]   %s %s%n", s.id(), q.length() > 110 ? q.substring(0, 110) + "…" : q);
        }
    }

    @Test
    void repeatedAdHocSelectSendsTheQueryAndNothingElse() throws Exception {
        try (Connection c = connect(); Connection trino = observer()) {
            String schema = createSchema(c);
            String table = schema + ".some_table";
            exec(c, "CREATE TABLE " + table + " (id BIGINT, name VARCHAR)");
            exec(c, "INSERT INTO " + table + " VALUES (1, 'a'), (2, 'b')");
            String select = "SELECT id, name FROM " + table + " ORDER BY id";

            Set<String> beforeWarmUp = ids(gatewayQueries(trino));
            assertThat(query(c, select)).containsExactly(row(1L, "a"), row(2L, "b"));
            report("warm-up ad-hoc SELECT", since(trino, beforeWarmUp));

            Set<String> before = ids(gatewayQueries(trino));
            for (int i = 0; i < N; i++) {
                assertThat(query(c, select)).containsExactly(row(1L, "a"), row(2L, "b"));
            }
            List<Sent> sent = since(trino, before);
            report(N + " ad-hoc SELECTs", sent);
            assertNoMetadataQueries(sent);
            assertThat(sent).extracting(Sent::query).hasSize(N).allMatch(select::equals);
        }
    }

    /** The same for a point-in-time query over a feature view: the generated SQL, once per execution. */
    @Test
    void repeatedAdHocPitQuerySendsOneQueryPerExecution() throws Exception {
        try (Connection c = connect(); Connection trino = observer()) {
            String schema = createSchema(c);
            String events = createEvents(c, schema, "events", List.of());
            insert(c, events, List.of(Arrays.asList(1L, ts("2025-01-01"), null, "a", 1.0),
                    Arrays.asList(1L, ts("2025-01-05"), null, "b", 2.0)));
            String labels = createLabels(c, schema, "labels", List.of());
            insert(c, labels, List.of(List.of(1L, 1L, ts("2025-01-03")), List.of(2L, 1L, ts("2025-01-06"))));
            Profile p = defineProfile(c, events, false, null);
            String pit = "SELECT l.id, p.segment FROM " + labels + " l LEFT JOIN " + p.view()
                    + " AS OF l.event_ts p ON p.customer_id = l.customer_id ORDER BY l.id";
            assertThat(query(c, pit)).containsExactly(row(1L, "a"), row(2L, "b"));

            Set<String> before = ids(gatewayQueries(trino));
            for (int i = 0; i < N; i++) {
                assertThat(query(c, pit)).containsExactly(row(1L, "a"), row(2L, "b"));
            }
            List<Sent> sent = since(trino, before);
            report(N + " ad-hoc PIT queries", sent);
            assertNoMetadataQueries(sent);
            assertThat(sent).hasSize(N);
            assertThat(sent).extracting(Sent::query).containsOnly(sent.get(0).query());
            assertThat(sent.get(0).query()).contains("\"labels\"").contains("\"events\""); // the generated SQL
        }
    }

    /** A prepared statement is described when it is prepared (the client asks for its metadata), never again. */
    @Test
    void preparedStatementIsDescribedOnceNotPerExecution() throws Exception {
        try (Connection c = connect(); Connection trino = observer()) {
            String schema = createSchema(c);
            String table = schema + ".prepared_table";
            exec(c, "CREATE TABLE " + table + " (id BIGINT, name VARCHAR)");
            exec(c, "INSERT INTO " + table + " VALUES (1, 'a')");
            String select = "SELECT id, name FROM " + table;
            assertThat(query(c, select)).containsExactly(row(1L, "a")); // warms the metadata cache

            Set<String> beforePrepare = ids(gatewayQueries(trino));
            try (PreparedStatement ps = c.prepareStatement(select)) {
                assertThat(ps.getMetaData().getColumnCount()).isEqualTo(2);
                List<Sent> prepare = since(trino, beforePrepare);
                report("prepareStatement", prepare);
                assertThat(prepare).isNotEmpty(); // the describe the client asked for

                Set<String> before = ids(gatewayQueries(trino));
                for (int i = 0; i < N; i++) {
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rows(rs)).containsExactly(row(1L, "a"));
                    }
                }
                List<Sent> sent = since(trino, before);
                report(N + " executions of the prepared statement", sent);
                assertNoMetadataQueries(sent);
                assertThat(sent).extracting(Sent::query).hasSize(N).allMatch(select::equals);
            }
        }
    }
}
