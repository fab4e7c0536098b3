package dev.asof.conformance.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.ConformanceEngine;
import dev.asof.conformance.ConformanceSupport;
import dev.asof.conformance.EngineExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The spine is the source itself, each row probed {@code EXCLUSIVE} at its own event time (each
 * row, the key's latest row strictly before it): Trino reads the table once (README "How it
 * runs"). The answers are the ones of the general plan, which a copy of the table as the spine
 * takes: ties on the event time (the greatest feature tuple, NULL lowest, identical rows too),
 * rows at the same instant all seeing the same earlier row, NULL keys and times, TTL, inner joins.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TrinoSourceAsSpineTest extends ConformanceSupport {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(TrinoEngine::new);

    private static final String ORDER = " ORDER BY e.customer_id, EXTRACT(DAY FROM e.event_ts), e.segment, e.score";

    private Connection conn;
    private String schema;

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }

    @BeforeEach
    void open() throws SQLException {
        conn = connect();
        schema = createSchema(conn);
    }

    @AfterEach
    void closeConnection() throws SQLException {
        if (conn != null) {
            conn.close();
        }
    }

    /** A table {@code (customer_id, event_ts, loaded_at, segment, score)} with {@code values}, and its copy. */
    private String events(String values) throws SQLException {
        return events("TIMESTAMP(6)", values);
    }

    /** {@link #events(String)} with an event time of type {@code timeType}. */
    private String events(String timeType, String values) throws SQLException {
        String t = schema + "." + unique("ev");
        exec(conn, "CREATE TABLE " + t + " (customer_id BIGINT, event_ts " + timeType + ", loaded_at TIMESTAMP(6),"
                + " segment VARCHAR, score DOUBLE)");
        exec(conn, "INSERT INTO " + t + " VALUES " + values);
        exec(conn, "CREATE TABLE " + t + "_copy AS SELECT * FROM " + t);
        return t;
    }

    private static String selfJoin(String spine, String view, String join, String where) {
        return "SELECT e.customer_id, EXTRACT(DAY FROM e.event_ts) AS d, e.segment, e.score, p.segment, p.score FROM "
                + spine + " e "
                + join + " " + view + " AS OF e.event_ts EXCLUSIVE p ON p.customer_id = e.customer_id" + where;
    }

    private List<List<Object>> sorted(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>(query(conn, sql));
        rows.sort(Comparator.comparing(Object::toString));
        return rows;
    }

    private String explain(String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (List<Object> line : query(conn, "EXPLAIN " + sql)) {
            out.append(line.get(0)).append('\n');
        }
        return out.toString();
    }

    /** How often the SQL that runs names table {@code t} ({@code catalog.schema.name}). */
    private int scans(String sql, String t) throws SQLException {
        return count(explain(sql), "\"" + t.substring(t.lastIndexOf('.') + 1) + "\"");
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void eachRowSeesTheLatestEarlierRowOfItsKey() throws SQLException {
        String t = events("(1, TIMESTAMP '2025-01-01 00:00:00', NULL, 'a', 1.0),"
                + " (1, TIMESTAMP '2025-01-02 00:00:00', NULL, 'b', 2.0),"
                + " (1, TIMESTAMP '2025-01-02 00:00:00', NULL, 'c', NULL),"
                + " (1, TIMESTAMP '2025-01-02 00:00:00', NULL, 'c', NULL),"
                + " (1, TIMESTAMP '2025-01-03 00:00:00', NULL, NULL, 5.0),"
                + " (1, NULL, NULL, 'z', 9.0),"
                + " (2, TIMESTAMP '2025-01-05 00:00:00', NULL, 'x', 1.0),"
                + " (2, TIMESTAMP '2025-01-05 00:00:00', NULL, 'x', 1.0),"
                + " (2, TIMESTAMP '2025-01-07 00:00:00', NULL, 'y', 2.0),"
                + " (NULL, TIMESTAMP '2025-01-01 00:00:00', NULL, 'n', 1.0),"
                + " (NULL, TIMESTAMP '2025-01-02 00:00:00', NULL, 'm', 2.0)");
        Profile p = defineProfile(conn, t, false, null);
        String sql = selfJoin(t, p.view(), "LEFT JOIN", "") + ORDER;

        // Read once: the events table appears once in the SQL that runs.
        assertThat(scans(sql, t)).isEqualTo(1);
        assertThat(query(conn, sql)).containsExactly(
                row(1L, 1L, "a", 1.0, null, null),
                row(1L, 2L, "b", 2.0, "a", 1.0),
                row(1L, 2L, "c", null, "a", 1.0),
                row(1L, 2L, "c", null, "a", 1.0),
                // Tied at 01-02: the greatest feature tuple, 'c' with a NULL score, whole.
                row(1L, 3L, null, 5.0, "c", null),
                row(1L, null, "z", 9.0, null, null),
                row(2L, 5L, "x", 1.0, null, null),
                row(2L, 5L, "x", 1.0, null, null),
                row(2L, 7L, "y", 2.0, "x", 1.0),
                row(null, 1L, "n", 1.0, null, null),
                row(null, 2L, "m", 2.0, null, null));
        // The registered source as the spine is the same table: also read once, same answers.
        String viaSource = selfJoin(p.source(), p.view(), "LEFT JOIN", "") + ORDER;
        assertThat(scans(viaSource, t)).isEqualTo(1);
        assertThat(query(conn, viaSource)).isEqualTo(query(conn, sql));
        // A copy of the table as the spine takes the general plan: the same answers.
        assertThat(count(explain(selfJoin(t + "_copy", p.view(), "LEFT JOIN", "")), "UNION ALL")).isEqualTo(1);
        assertThat(query(conn, selfJoin(t + "_copy", p.view(), "LEFT JOIN", "") + ORDER))
                .isEqualTo(query(conn, sql));

        // TTL 1 day: 01-07 sees 01-05, two days old; 01-03 sees 01-02, one day old.
        Profile ttl = defineProfile(conn, t, false, "INTERVAL '1' DAY");
        List<List<Object>> withTtl = query(conn, selfJoin(t, ttl.view(), "LEFT JOIN", "") + ORDER);
        assertThat(withTtl.get(4)).isEqualTo(row(1L, 3L, null, 5.0, "c", null));
        assertThat(withTtl.get(8)).isEqualTo(row(2L, 7L, "y", 2.0, null, null));
        // Inner join: only rows with a live value.
        assertThat(query(conn, selfJoin(t, ttl.view(), "JOIN", "") + ORDER)).containsExactly(
                row(1L, 2L, "b", 2.0, "a", 1.0),
                row(1L, 2L, "c", null, "a", 1.0),
                row(1L, 2L, "c", null, "a", 1.0),
                row(1L, 3L, null, 5.0, "c", null));
    }

    /**
     * A DATE event time takes one window whose frame ends one day before the row; timestamps keep
     * the two windows (rows here one millisecond and one microsecond apart). Random rows with many
     * ties (the greatest feature tuple, NULL lowest), NULL features, keys and times, rows one step
     * apart and exactly one TTL apart: each plan and the general plan agree row for row.
     */
    @Test
    void oneWindowAgreesWithTheGeneralPlanOnRandomRows() throws SQLException {
        Random random = new Random(7);
        String[] segments = {"a", "b", null};
        Double[] scores = {1.0, 2.0, null};
        for (String type : new String[] {"DATE", "TIMESTAMP(3)", "TIMESTAMP(6)"}) {
            boolean date = type.equals("DATE");
            boolean micros = type.equals("TIMESTAMP(6)");
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                int key = random.nextInt(10);
                // Dates: 20 days; timestamps: 250 ms apart over 5 s, some one step (1 ms; 1 µs) later.
                int step = random.nextInt(20);
                int offset = random.nextInt(4) == 0 ? 1 : 0;
                int millis = step * 250 + (micros ? 0 : offset);
                String time = date
                        ? "DATE '2025-01-01' + INTERVAL '" + step + "' DAY"
                        : String.format(Locale.ROOT, "TIMESTAMP '2025-01-01 00:00:%02d.%03d%s'", millis / 1000, millis % 1000,
                                micros ? String.format(Locale.ROOT, "%03d", offset) : "");
                String segment = segments[random.nextInt(segments.length)];
                Double score = scores[random.nextInt(scores.length)];
                values.append(i == 0 ? "" : ", ").append('(')
                        .append(key == 0 ? "NULL" : Integer.toString(key)).append(", ")
                        .append(random.nextInt(40) == 0 ? "NULL" : time).append(", NULL, ")
                        .append(segment == null ? "NULL" : "'" + segment + "'").append(", ")
                        .append(score == null ? "NULL" : score.toString()).append(')');
            }
            String t = events(type, values.toString());
            // TTL: two steps of the dates' grid (2 days, 500 ms), so rows exactly one TTL old exist.
            for (String ttl : new String[] {null, date ? "INTERVAL '2' DAY" : "INTERVAL '0.5' SECOND"}) {
                Profile p = defineProfile(conn, t, false, ttl);
                for (String join : new String[] {"LEFT JOIN", "JOIN"}) {
                    // AS OF takes a timestamp: a DATE event time is probed at its midnight.
                    for (String at : new String[] {date ? "CAST(e.event_ts AS TIMESTAMP)" : "e.event_ts"}) {
                        String once = selfJoinAt(t, p.view(), join, at);
                        String general = selfJoinAt(t + "_copy", p.view(), join, at);
                        String plan = explain(once);
                        assertThat(plan).as(type).doesNotContain("UNION ALL");
                        if (!date) {
                            assertThat(plan).doesNotContain("RANGE BETWEEN");
                        } else {
                            assertThat(plan).contains("RANGE BETWEEN UNBOUNDED PRECEDING AND");
                            assertThat(count(plan, " OVER ")).isEqualTo(1);
                        }
                        List<List<Object>> expected = sorted(general);
                        assertThat(expected).as("the general plan answers rows").isNotEmpty();
                        assertThat(sorted(once)).as(type + " " + join + " AS OF " + at + " TTL " + ttl).isEqualTo(expected);
                    }
                }
            }
        }
    }

    private static String selfJoinAt(String spine, String view, String join, String at) {
        return "SELECT e.customer_id, e.event_ts, e.segment, e.score, p.segment, p.score FROM " + spine + " e "
                + join + " " + view + " AS OF " + at + " EXCLUSIVE p ON p.customer_id = e.customer_id";
    }

    /** Random rows with many ties and NULLs: one scan and the general plan agree row for row. */
    @Test
    void agreesWithTheGeneralPlanOnRandomRows() throws SQLException {
        Random random = new Random(11);
        String[] segments = {"a", "b", "c", null};
        Double[] scores = {1.0, 2.0, null};
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            int key = random.nextInt(12);
            int hour = random.nextInt(30);
            values.append(i == 0 ? "" : ", ").append('(')
                    .append(key == 0 ? "NULL" : Integer.toString(key)).append(", ")
                    .append(hour == 0 ? "NULL" : "TIMESTAMP '2025-01-01 00:00:00' + INTERVAL '" + hour + "' HOUR")
                    .append(", NULL, ");
            String segment = segments[random.nextInt(segments.length)];
            Double score = scores[random.nextInt(scores.length)];
            values.append(segment == null ? "NULL" : "'" + segment + "'").append(", ")
                    .append(score == null ? "NULL" : score.toString()).append(')');
        }
        String t = events(values.toString());
        for (String ttl : new String[] {null, "INTERVAL '3' HOUR"}) {
            Profile p = defineProfile(conn, t, false, ttl);
            for (String join : new String[] {"LEFT JOIN", "JOIN"}) {
                String once = selfJoin(t, p.view(), join, "");
                String general = selfJoin(t + "_copy", p.view(), join, "");
                assertThat(explain(once)).doesNotContain("UNION ALL");
                List<List<Object>> expected = sorted(general);
                assertThat(expected).as("the general plan answers rows").isNotEmpty();
                assertThat(sorted(once)).as(join + " TTL " + ttl).isEqualTo(expected);
            }
        }
    }
}
