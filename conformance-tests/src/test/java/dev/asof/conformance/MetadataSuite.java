package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry as JDBC clients see it: DatabaseMetaData, SHOW/DESCRIBE/EXPLAIN, persistence across
 * a gateway restart, prepared statements and concurrent DDL.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class MetadataSuite extends ConformanceSupport {
    private Connection conn;

    @BeforeEach
    void open() throws SQLException {
        conn = connect();
    }

    @AfterEach
    void closeConnection() throws SQLException {
        if (conn != null) {
            conn.close();
        }
    }

    private static String lc(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /** One getTables row. */
    private record TableRow(String cat, String schem, String name, String type) {}

    /** getTables rows keyed by lower-case TABLE_NAME. */
    private static Map<String, TableRow> tables(DatabaseMetaData md, String[] types) throws SQLException {
        Map<String, TableRow> out = new HashMap<>();
        try (ResultSet rs = md.getTables(null, null, "%", types)) {
            while (rs.next()) {
                TableRow t = new TableRow(rs.getString("TABLE_CAT"), rs.getString("TABLE_SCHEM"),
                        rs.getString("TABLE_NAME"), rs.getString("TABLE_TYPE"));
                out.put(lc(t.name()), t);
            }
        }
        return out;
    }

    /** (lower-case COLUMN_NAME, DATA_TYPE) in ORDINAL_POSITION order. */
    private static List<Map.Entry<String, Integer>> columns(DatabaseMetaData md, TableRow t)
            throws SQLException {
        List<Object[]> raw = new ArrayList<>();
        try (ResultSet rs = md.getColumns(t.cat(), t.schem(), t.name(), "%")) {
            while (rs.next()) {
                if (!rs.getString("TABLE_NAME").equalsIgnoreCase(t.name())) {
                    continue; // '_' in the name is a LIKE wildcard: ignore look-alike names
                }
                raw.add(new Object[] {rs.getInt("ORDINAL_POSITION"), lc(rs.getString("COLUMN_NAME")),
                        rs.getInt("DATA_TYPE")});
            }
        }
        raw.sort((a, b) -> Integer.compare((Integer) a[0], (Integer) b[0]));
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        for (Object[] r : raw) {
            out.add(Map.entry((String) r[1], (Integer) r[2]));
        }
        return out;
    }

    private boolean listed(Connection c, String show, String name) throws SQLException {
        return texts(query(c, show)).contains(lc(name));
    }

    // ------------------------------------------------------------------ DatabaseMetaData

    /**
     * The entity, source and view created here appear in getTables with TABLE_TYPE "ENTITY",
     * "SOURCE", "FEATURE VIEW" (also offered by getTableTypes, and usable as a type filter), in
     * SHOW ENTITIES / SOURCES / FEATURE VIEWS; getColumns gives typed columns, in definition order:
     * entity (customer_id BIGINT); source = the table's columns (customer_id BIGINT, event_ts
     * TIMESTAMP, loaded_at TIMESTAMP, segment VARCHAR, score DOUBLE); view (customer_id BIGINT,
     * segment VARCHAR, score DOUBLE). Extra columns (if asof adds any) are tolerated; the listed
     * ones must appear in this relative order with these types.
     */
    @Test
    void tablesAndColumnsDescribeTheRegistry() throws SQLException {
        String schema = createSchema(conn);
        String events = createEvents(conn, schema, "events", List.of(Ev.of(1, "2025-01-01", "a", 1.0)));
        Profile p = defineProfile(conn, events, true, null);

        DatabaseMetaData md = conn.getMetaData();
        List<String> tableTypes = new ArrayList<>();
        try (ResultSet rs = md.getTableTypes()) {
            while (rs.next()) {
                tableTypes.add(rs.getString("TABLE_TYPE"));
            }
        }
        assertThat(tableTypes).contains("ENTITY", "SOURCE", "FEATURE VIEW");

        Map<String, TableRow> all = tables(md, null);
        assertThat(all).containsKeys(lc(p.entity()), lc(p.source()), lc(p.view()));
        assertThat(all.get(lc(p.entity())).type()).isEqualTo("ENTITY");
        assertThat(all.get(lc(p.source())).type()).isEqualTo("SOURCE");
        assertThat(all.get(lc(p.view())).type()).isEqualTo("FEATURE VIEW");

        Map<String, TableRow> views = tables(md, new String[] {"FEATURE VIEW"});
        assertThat(views).containsKey(lc(p.view())).doesNotContainKeys(lc(p.entity()), lc(p.source()));

        assertThat(columns(md, all.get(lc(p.entity()))))
                .containsSubsequence(Map.entry("customer_id", Types.BIGINT));
        assertThat(columns(md, all.get(lc(p.source())))).containsSubsequence(
                Map.entry("customer_id", Types.BIGINT),
                Map.entry("event_ts", Types.TIMESTAMP),
                Map.entry("loaded_at", Types.TIMESTAMP),
                Map.entry("segment", Types.VARCHAR),
                Map.entry("score", Types.DOUBLE));
        assertThat(columns(md, all.get(lc(p.view())))).containsSubsequence(
                Map.entry("customer_id", Types.BIGINT),
                Map.entry("segment", Types.VARCHAR),
                Map.entry("score", Types.DOUBLE));

        assertThat(listed(conn, "SHOW ENTITIES", p.entity())).isTrue();
        assertThat(listed(conn, "SHOW SOURCES", p.source())).isTrue();
        assertThat(listed(conn, "SHOW FEATURE VIEWS", p.view())).isTrue();
    }

    /** DESCRIBE lists the view's feature columns; EXPLAIN shows the offline route and the SQL. */
    @Test
    void describeAndExplain() throws SQLException {
        String schema = createSchema(conn);
        String events = createEvents(conn, schema, "events", List.of(Ev.of(1, "2025-01-01", "a", 1.0)));
        String labels = createLabels(conn, schema, "labels", List.of(Lbl.of(1, 1L, "2025-01-02")));
        Profile p = defineProfile(conn, events, false, null);

        List<String> described = texts(query(conn, "DESCRIBE " + p.view()));
        assertThat(described).contains("customer_id", "segment", "score");

        String plan = String.join("\n", texts(query(conn, "EXPLAIN SELECT l.id, p.segment, p.score\n"
                + "FROM " + labels + " l\n"
                + "LEFT JOIN " + p.view() + " AS OF l.event_ts p ON p.customer_id = l.customer_id")));
        assertThat(plan).contains(lc(engine().offlineRoute())).contains("events");
    }

    // ------------------------------------------------------------------ restart

    /**
     * Definitions live in the registry, not in gateway memory: after stopping the gateway and
     * starting a new one on the same state, SHOW lists them and the PIT join still answers.
     * Data: 1 a@01-01, b@01-05; spine 1@01-03 → a, 1@01-06 → b.
     */
    @Test
    void registrySurvivesGatewayRestart() throws SQLException {
        String schema = createSchema(conn);
        String events = createEvents(conn, schema, "events", List.of(
                Ev.of(1, "2025-01-01", "a", 1.0),
                Ev.of(1, "2025-01-05", "b", 2.0)));
        String labels = createLabels(conn, schema, "labels", List.of(
                Lbl.of(1, 1L, "2025-01-03"),
                Lbl.of(2, 1L, "2025-01-06")));
        Profile p = defineProfile(conn, events, false, null);
        String pit = "SELECT l.id, p.segment, p.score\nFROM " + labels + " l\n"
                + "LEFT JOIN " + p.view() + " AS OF l.event_ts p ON p.customer_id = l.customer_id";
        assertThat(query(conn, pit)).containsExactlyInAnyOrder(row(1L, "a", 1.0), row(2L, "b", 2.0));

        conn.close();
        conn = null;
        engine().restartGateway();
        conn = connect();

        assertThat(listed(conn, "SHOW FEATURE VIEWS", p.view())).isTrue();
        assertThat(listed(conn, "SHOW SOURCES", p.source())).isTrue();
        assertThat(listed(conn, "SHOW ENTITIES", p.entity())).isTrue();
        assertThat(query(conn, pit)).containsExactlyInAnyOrder(row(1L, "a", 1.0), row(2L, "b", 2.0));
    }

    // ------------------------------------------------------------------ prepared statements

    /**
     * Events: 1 a@01-01, b@01-05; 2 x@01-02. Spine: (1, 1@01-03) → a; (2, 1@01-06) → b;
     * (3, 2@01-03) → x; (4, 2@01-01) → none. One prepared PIT join filtered on l.customer_id = ?,
     * executed with 1, 2, then 1 again.
     */
    @Test
    void preparedPitJoinWithParameter() throws SQLException {
        String schema = createSchema(conn);
        String events = createEvents(conn, schema, "events", List.of(
                Ev.of(1, "2025-01-01", "a", 1.0),
                Ev.of(1, "2025-01-05", "b", 2.0),
                Ev.of(2, "2025-01-02", "x", 3.0)));
        String labels = createLabels(conn, schema, "labels", List.of(
                Lbl.of(1, 1L, "2025-01-03"),
                Lbl.of(2, 1L, "2025-01-06"),
                Lbl.of(3, 2L, "2025-01-03"),
                Lbl.of(4, 2L, "2025-01-01")));
        Profile p = defineProfile(conn, events, false, null);

        try (PreparedStatement ps = conn.prepareStatement("SELECT l.id, p.segment, p.score\n"
                + "FROM " + labels + " l\n"
                + "LEFT JOIN " + p.view() + " AS OF l.event_ts p ON p.customer_id = l.customer_id\n"
                + "WHERE l.customer_id = ?")) {
            ps.setLong(1, 1L);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rows(rs)).containsExactlyInAnyOrder(row(1L, "a", 1.0), row(2L, "b", 2.0));
            }
            ps.setLong(1, 2L);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rows(rs)).containsExactlyInAnyOrder(row(3L, "x", 3.0), row(4L, null, null));
            }
            ps.setLong(1, 1L);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rows(rs)).containsExactlyInAnyOrder(row(1L, "a", 1.0), row(2L, "b", 2.0));
            }
        }
    }

    // ------------------------------------------------------------------ concurrent DDL

    /**
     * Two threads, each on its own connection, create 20 distinct feature views each over one shared
     * entity and source, starting together. No statement fails, and afterwards SHOW FEATURE VIEWS
     * and getTables list all 40.
     */
    @Test
    void concurrentDdlFromTwoConnections() throws Exception {
        String schema = createSchema(conn);
        String events = createEvents(conn, schema, "events", List.of(Ev.of(1, "2025-01-01", "a", 1.0)));
        Profile p = defineProfile(conn, events, false, null);

        List<String> names = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                List<String> mine = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    mine.add(unique("cv" + t));
                }
                names.addAll(mine);
                Callable<Void> work = () -> {
                    try (Connection c = connect()) {
                        start.await();
                        for (String name : mine) {
                            exec(c, "CREATE FEATURE VIEW " + name + " ENTITY " + p.entity()
                                    + " FROM " + p.source() + " AS SELECT customer_id, segment, score");
                        }
                    }
                    return null;
                };
                done.add(pool.submit(work));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS); // rethrows any SQLException from the thread
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(names).hasSize(40).doesNotHaveDuplicates();
        List<String> shown = texts(query(conn, "SHOW FEATURE VIEWS"));
        for (String name : names) {
            assertThat(shown).as("SHOW FEATURE VIEWS").contains(lc(name));
        }
        Map<String, TableRow> views = tables(conn.getMetaData(), new String[] {"FEATURE VIEW"});
        for (String name : names) {
            assertThat(views).as("getTables").containsKey(lc(name));
        }
    }
}
