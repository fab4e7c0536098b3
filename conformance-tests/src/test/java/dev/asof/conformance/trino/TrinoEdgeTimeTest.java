package dev.asof.conformance.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.ConformanceEngine;
import dev.asof.conformance.ConformanceSupport;
import dev.asof.conformance.EngineExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * README "Semantics", times at the edges, on Trino (which has no infinite times but holds finite
 * ones far beyond the supported range): the first and last supported instants order like any
 * other and arrive intact over JDBC; a time outside 0001-01-01 … 9999-12-31 in a source or a
 * spine fails the statement with SQLSTATE 22008 naming the column, and one in a result fails it
 * naming the result column; never a later value for an earlier spine row.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TrinoEdgeTimeTest extends ConformanceSupport {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(TrinoEngine::new);

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

    private String table(String name, String columns, String values) throws SQLException {
        String t = schema + "." + name;
        exec(conn, "CREATE TABLE " + t + " (" + columns + ")");
        exec(conn, "INSERT INTO " + t + " VALUES " + values);
        return t;
    }

    private static String pit(String labels, String view, boolean exclusive) {
        return "SELECT l.id, p.segment FROM " + labels + " l LEFT JOIN " + view + " AS OF l.event_ts"
                + (exclusive ? " EXCLUSIVE" : "") + " p ON p.customer_id = l.customer_id ORDER BY l.id";
    }

    @Test
    void theFirstAndLastSupportedInstantsOrderLikeAnyOtherAndTravelIntact() throws SQLException {
        String events = table("events", "customer_id BIGINT, event_ts TIMESTAMP(6), segment VARCHAR, score DOUBLE",
                "(1, TIMESTAMP '0001-01-01 00:00:00.000000', 'first', 1.0),"
                        + " (1, TIMESTAMP '2025-01-10 00:00:00.000000', 'mid', 2.0),"
                        + " (1, TIMESTAMP '9999-12-31 23:59:59.999999', 'last', 3.0),"
                        + " (2, TIMESTAMP '2025-01-10 00:00:00.000000', 'x', 10.0)");
        String labels = table("labels", "id BIGINT, customer_id BIGINT, event_ts TIMESTAMP(6)",
                "(1, 1, TIMESTAMP '0001-01-01 00:00:00.000000'), (2, 1, TIMESTAMP '2025-01-01 00:00:00.000000'),"
                        + " (3, 1, TIMESTAMP '2025-01-10 00:00:00.000000'), (4, 1, TIMESTAMP '9999-12-31 23:59:59.999999'),"
                        + " (5, 2, TIMESTAMP '0001-01-01 00:00:00.000000'), (6, 2, TIMESTAMP '9999-12-31 23:59:59.999999')");
        Profile p = defineProfile(conn, events, false, null);
        assertThat(query(conn, pit(labels, p.view(), false))).containsExactly(
                row(1L, "first"), row(2L, "first"), row(3L, "mid"), row(4L, "last"), row(5L, null), row(6L, "x"));
        // EXCLUSIVE: nothing is before the first instant; the last instant sees the row before it.
        assertThat(query(conn, pit(labels, p.view(), true))).containsExactly(
                row(1L, null), row(2L, "first"), row(3L, "first"), row(4L, "mid"), row(5L, null), row(6L, "x"));
        // The limits themselves travel intact, to the microsecond (the asof driver's time format).
        assertThat(query(conn, "SELECT event_ts FROM " + labels + " WHERE id IN (1, 4) ORDER BY id").stream()
                        .map(r -> ((Timestamp) r.get(0)).toLocalDateTime()).toList())
                .containsExactly(ts("0001-01-01"), ts("9999-12-31 23:59:59.999999"));
    }

    @Test
    void timesOutsideTheRangeFailNamingTheColumnInSourcesSpinesAndResults() throws SQLException {
        String labels = table("labels", "id BIGINT, customer_id BIGINT, event_ts TIMESTAMP(6)",
                "(1, 1, TIMESTAMP '2025-01-01 00:00:00.000000')");
        for (String far : new String[] {"date_add('year', 3000, TIMESTAMP '9999-01-01 00:00:00.000000')",
            "date_add('year', -10, TIMESTAMP '0005-01-01 00:00:00.000000')"}) {
            String events = table(unique("far"), "customer_id BIGINT, event_ts TIMESTAMP(6), segment VARCHAR, score DOUBLE",
                    "(1, TIMESTAMP '2025-01-01 00:00:00.000000', 'a', 1.0), (1, " + far + ", 'z', 9.0)");
            Profile p = defineProfile(conn, events, false, null);
            SQLException source = expectError(conn, pit(labels, p.view(), false));
            assertThat(source.getSQLState()).as(source.getMessage()).isEqualTo("22008");
            assertThat(source.getMessage()).contains("column 'event_ts'").contains("9999-12-31")
                    .doesNotContain("\tat ").doesNotContain("Exception");
            assertUsable(conn);

            // A spine time outside the range, against a source that is in range.
            String spine = table(unique("spine"), "id BIGINT, customer_id BIGINT, event_ts TIMESTAMP(6)",
                    "(1, 1, TIMESTAMP '2025-01-01 00:00:00.000000'), (2, 1, " + far + ")");
            String ok = table(unique("ok"), "customer_id BIGINT, event_ts TIMESTAMP(6), segment VARCHAR, score DOUBLE",
                    "(1, TIMESTAMP '2024-01-01 00:00:00.000000', 'a', 1.0)");
            Profile q = defineProfile(conn, ok, false, null);
            SQLException spineError = expectError(conn, pit(spine, q.view(), true));
            assertThat(spineError.getSQLState()).as(spineError.getMessage()).isEqualTo("22008");
            assertThat(spineError.getMessage()).containsAnyOf("column 'event_ts'", "the AS OF time");
            assertUsable(conn);

            // The value itself in a result: never sent garbled.
            SQLException result = expectError(conn, "SELECT event_ts AS far_ts FROM " + spine + " WHERE id = 2");
            assertThat(result.getSQLState()).as(result.getMessage()).isEqualTo("22008");
            assertThat(result.getMessage()).contains("far_ts");
            assertUsable(conn);
        }
    }
}
