package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, the asof JDBC driver's types on the embedded warehouse: JDBC 4.2 conversions both ways,
 * timestamps at microsecond precision end to end, and {@code TIMESTAMP WITH TIME ZONE} kept as an
 * instant with its type. Values are chosen so that a wrong conversion gives a different answer:
 * microseconds that are not a whole millisecond, a connection time zone far from UTC, a zoned value
 * whose offset is not UTC.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcClientTypesTest extends ConformanceSupport {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    /** A wall clock with microseconds (123456 µs: not a whole millisecond). */
    private static final LocalDateTime WALL = LocalDateTime.of(2024, 3, 9, 22, 45, 7, 123_456_000);
    /** An instant written at +05:30 (16:30:00.654321 UTC). */
    private static final OffsetDateTime ZONED = OffsetDateTime.of(2024, 3, 9, 22, 0, 0, 654_321_000,
            ZoneOffset.ofHoursMinutes(5, 30));

    private Connection conn;
    private String schema;

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }

    @BeforeEach
    void open() throws SQLException {
        // A connection zone far from UTC and from the JVM's: a Timestamp shows the wall clock there.
        Properties p = new Properties();
        p.setProperty("timeZone", "America/Los_Angeles");
        conn = java.sql.DriverManager.getConnection(engine().jdbcUrl(), p);
        schema = createSchema(conn);
        exec(conn, "CREATE TABLE " + schema + ".v (id BIGINT, n INTEGER, d DECIMAL(12, 3), x DOUBLE, s VARCHAR,"
                + " dt DATE, tod TIME, ts TIMESTAMP, tz TIMESTAMP WITH TIME ZONE)");
        exec(conn, "INSERT INTO " + schema + ".v VALUES (9007199254740993, -42, 12345.678, 0.1, 'é', DATE '2024-02-29',"
                + " TIME '13:14:15.25', TIMESTAMP '2024-03-09 22:45:07.123456',"
                + " TIMESTAMPTZ '2024-03-09 22:00:00.654321+05:30')");
        exec(conn, "INSERT INTO " + schema + ".v VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
    }

    @AfterEach
    void close() throws SQLException {
        if (conn != null) {
            conn.close();
        }
    }

    @Test
    void getObjectConvertsToJavaTimeAndBoxedTypes() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM " + schema + ".v ORDER BY id DESC");
                ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject("id", Long.class)).isEqualTo(9007199254740993L);
            assertThat(rs.getObject("id", BigDecimal.class)).isEqualTo(new BigDecimal("9007199254740993"));
            assertThat(rs.getObject("id", String.class)).isEqualTo("9007199254740993");
            assertThat(rs.getObject("n", Integer.class)).isEqualTo(-42);
            assertThat(rs.getObject("n", Long.class)).isEqualTo(-42L);
            assertThat(rs.getObject("d", BigDecimal.class)).isEqualTo(new BigDecimal("12345.678"));
            assertThat(rs.getObject("d", Double.class)).isEqualTo(12345.678);
            assertThat(rs.getObject("x", Double.class)).isEqualTo(0.1);
            assertThat(rs.getObject("s", String.class)).isEqualTo("é");
            assertThat(rs.getObject("dt", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
            assertThat(rs.getObject("tod", LocalTime.class)).isEqualTo(LocalTime.of(13, 14, 15, 250_000_000));

            assertThat(rs.getObject("ts", LocalDateTime.class)).isEqualTo(WALL);
            assertThat(rs.getObject("ts", LocalDate.class)).isEqualTo(WALL.toLocalDate());
            assertThat(rs.getObject("ts", OffsetDateTime.class)).isEqualTo(WALL.atOffset(ZoneOffset.UTC));
            assertThat(rs.getObject("ts", Instant.class)).isEqualTo(WALL.toInstant(ZoneOffset.UTC));
            assertThat(rs.getString("ts")).isEqualTo("2024-03-09 22:45:07.123456");
            // JDBC: a Timestamp shows the wall clock in the connection's zone, microseconds included.
            Timestamp ts = rs.getTimestamp("ts");
            assertThat(ts.toInstant()).isEqualTo(WALL.atZone(java.time.ZoneId.of("America/Los_Angeles")).toInstant());
            assertThat(ts.getNanos()).isEqualTo(123_456_000);
            assertThat(rs.getObject("ts")).isEqualTo(ts);
            Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
            assertThat(rs.getTimestamp("ts", utc).toInstant()).isEqualTo(WALL.toInstant(ZoneOffset.UTC));

            assertThat(rs.getObject("tz", OffsetDateTime.class).toInstant()).isEqualTo(ZONED.toInstant());
            assertThat(rs.getObject("tz", OffsetDateTime.class).getNano()).isEqualTo(654_321_000);
            assertThat(rs.getObject("tz", Instant.class)).isEqualTo(ZONED.toInstant());
            assertThat(rs.getObject("tz")).isEqualTo(ZONED.withOffsetSameInstant(ZoneOffset.UTC));
            assertThat(rs.getTimestamp("tz").toInstant()).isEqualTo(ZONED.toInstant());

            ResultSetMetaData md = rs.getMetaData();
            assertThat(md.getColumnType(md.getColumnCount() - 1)).isEqualTo(Types.TIMESTAMP);
            assertThat(md.getColumnType(md.getColumnCount())).isEqualTo(Types.TIMESTAMP_WITH_TIMEZONE);
            assertThat(md.getColumnClassName(md.getColumnCount())).isEqualTo(OffsetDateTime.class.getName());

            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject("n", Integer.class)).isNull();
            assertThat(rs.getObject("ts", LocalDateTime.class)).isNull();
            assertThat(rs.getObject("tz", OffsetDateTime.class)).isNull();
            assertThat(rs.getString("ts")).isNull();
        }
    }

    @Test
    void statementResultsHaveTheSameTypes() throws SQLException {
        try (var s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT ts, tz FROM " + schema + ".v WHERE id > 2")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject(1, LocalDateTime.class)).isEqualTo(WALL);
            assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).isEqualTo(ZONED.toInstant());
        }
    }

    @Test
    void setObjectBindsJavaTimeWithMicroseconds() throws SQLException {
        String sql = "SELECT count(*) FROM " + schema + ".v WHERE ts = ?";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setObject(1, WALL);
            assertThat(single(ps)).isEqualTo(1L);
            ps.setObject(1, WALL.plusNanos(1_000)); // one microsecond later: no row
            assertThat(single(ps)).isEqualTo(0L);
            ps.setObject(1, WALL.atOffset(ZoneOffset.UTC));
            assertThat(single(ps)).isEqualTo(1L);
            ps.setObject(1, WALL.toInstant(ZoneOffset.UTC), JDBCType.TIMESTAMP);
            assertThat(single(ps)).isEqualTo(1L);
            // A Timestamp is its wall clock in the connection's zone.
            ps.setTimestamp(1, Timestamp.from(WALL.atZone(java.time.ZoneId.of("America/Los_Angeles")).toInstant()));
            assertThat(single(ps)).isEqualTo(1L);
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM " + schema + ".v WHERE dt = ?")) {
            ps.setObject(1, LocalDate.of(2024, 2, 29));
            assertThat(single(ps)).isEqualTo(1L);
        }
        // Round trip: what was bound comes back exactly.
        try (PreparedStatement ps = conn.prepareStatement("SELECT CAST(? AS TIMESTAMP) AS t")) {
            ps.setObject(1, WALL);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject(1, LocalDateTime.class)).isEqualTo(WALL);
            }
        }
    }

    private static long single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
