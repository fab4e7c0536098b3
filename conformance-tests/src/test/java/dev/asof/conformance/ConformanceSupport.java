package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every suite shares: the engine, JDBC helpers (through {@code java.sql.*} only), unique
 * names, and the standard test tables. Values read back are normalised by the column's declared
 * JDBC type: integer types as Long, floating types as Double, character types as String.
 */
public abstract class ConformanceSupport {
    /** Distinguishes runs that share one warehouse (a long-lived Trino server). */
    private static final String RUN =
            Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The engine under test; concrete classes return their static {@link EngineExtension}'s. */
    protected abstract ConformanceEngine engine();

    // ---------------------------------------------------------------- names

    /** A registry/warehouse name unique in this JVM and run: {@code base_<run>_<n>}, lower case. */
    protected static String unique(String base) {
        return base + "_" + RUN + "_" + COUNTER.incrementAndGet();
    }

    /** Creates a fresh warehouse schema through the gateway; returns {@code catalog.schema}. */
    protected String createSchema(Connection c) throws SQLException {
        String schema = engine().catalog() + "." + unique("s");
        exec(c, "CREATE SCHEMA " + schema);
        return schema;
    }

    // ---------------------------------------------------------------- statements

    protected static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    protected static List<List<Object>> query(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rows(rs);
        }
    }

    protected static List<List<Object>> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<List<Object>> out = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                row.add(value(rs, md.getColumnType(i), i));
            }
            out.add(row);
        }
        return out;
    }

    private static Object value(ResultSet rs, int type, int i) throws SQLException {
        Object v =
                switch (type) {
                    case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> rs.getLong(i);
                    case Types.REAL, Types.FLOAT, Types.DOUBLE -> rs.getDouble(i);
                    case Types.DECIMAL, Types.NUMERIC -> rs.getBigDecimal(i);
                    case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR ->
                            rs.getString(i);
                    default -> rs.getObject(i);
                };
        return rs.wasNull() ? null : v;
    }

    /** A result row for assertions; nulls allowed. */
    protected static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    /** Every non-null value of every row rendered as lower-case text (for SHOW/EXPLAIN output). */
    protected static List<String> texts(List<List<Object>> rows) {
        List<String> out = new ArrayList<>();
        for (List<Object> r : rows) {
            for (Object v : r) {
                if (v != null) {
                    out.add(v.toString().toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** Runs {@code sql}, which must fail with a SQLException, and returns that exception. */
    protected static SQLException expectError(Connection c, String sql) {
        try (Statement st = c.createStatement()) {
            boolean hasRows = st.execute(sql);
            if (hasRows) {
                try (ResultSet rs = st.getResultSet()) {
                    while (rs.next()) {
                        // drain: an error may surface while fetching
                    }
                }
            }
        } catch (SQLException e) {
            return e;
        }
        return fail("expected an error from:\n" + sql);
    }

    /** Asserts that the session still answers a trivial query. */
    protected static void assertUsable(Connection c) throws SQLException {
        assertThat(query(c, "SELECT 1")).containsExactly(row(1L));
    }

    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(engine().jdbcUrl());
    }

    // ---------------------------------------------------------------- standard tables

    /** One row of the standard events table. Times are plain timestamps (UTC). */
    protected record Ev(Long key, LocalDateTime e, LocalDateTime c, String segment, Double score) {
        static Ev of(long key, String e, String segment, Double score) {
            return new Ev(key, ts(e), null, segment, score);
        }

        static Ev of(long key, String e, String c, String segment, Double score) {
            return new Ev(key, ts(e), ts(c), segment, score);
        }
    }

    /** One row of the standard labels (spine) table. */
    protected record Lbl(long id, Long key, LocalDateTime t) {
        static Lbl of(long id, Long key, String t) {
            return new Lbl(id, key, ts(t));
        }
    }

    /** {@code "2025-01-05"} or {@code "2025-01-05 10:00:00"} → LocalDateTime; null stays null. */
    protected static LocalDateTime ts(String s) {
        if (s == null) {
            return null;
        }
        return LocalDateTime.parse(s.length() == 10 ? s + "T00:00:00" : s.replace(' ', 'T'));
    }

    /**
     * {@code <schema>.<name>(customer_id BIGINT, event_ts TIMESTAMP, loaded_at TIMESTAMP, segment
     * VARCHAR, score DOUBLE)} with the given rows; returns the qualified table name.
     */
    protected String createEvents(Connection c, String schema, String name, List<Ev> rows)
            throws SQLException {
        ConformanceEngine en = engine();
        String table = schema + "." + name;
        exec(c, "CREATE TABLE " + table + " (customer_id " + en.sqlType(JDBCType.BIGINT)
                + ", event_ts " + en.sqlType(JDBCType.TIMESTAMP)
                + ", loaded_at " + en.sqlType(JDBCType.TIMESTAMP)
                + ", segment " + en.sqlType(JDBCType.VARCHAR)
                + ", score " + en.sqlType(JDBCType.DOUBLE) + ")");
        insert(c, table, rows.stream().map(r -> List.<Object>of(
                        opt(r.key()), opt(r.e()), opt(r.c()), opt(r.segment()), opt(r.score())))
                .toList());
        return table;
    }

    /** {@code <schema>.<name>(id BIGINT, customer_id BIGINT, event_ts TIMESTAMP)}. */
    protected String createLabels(Connection c, String schema, String name, List<Lbl> rows)
            throws SQLException {
        ConformanceEngine en = engine();
        String table = schema + "." + name;
        exec(c, "CREATE TABLE " + table + " (id " + en.sqlType(JDBCType.BIGINT)
                + ", customer_id " + en.sqlType(JDBCType.BIGINT)
                + ", event_ts " + en.sqlType(JDBCType.TIMESTAMP) + ")");
        insert(c, table, rows.stream().map(r -> List.<Object>of(r.id(), opt(r.key()), opt(r.t())))
                .toList());
        return table;
    }

    private static final Object NULL = new Object();

    private static Object opt(Object v) {
        return v == null ? NULL : v;
    }

    /** INSERT ... VALUES in batches of 200 rows (values rendered by the engine's literals). */
    protected void insert(Connection c, String table, List<List<Object>> rows) throws SQLException {
        for (int from = 0; from < rows.size(); from += 200) {
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" VALUES ");
            List<List<Object>> batch = rows.subList(from, Math.min(rows.size(), from + 200));
            for (int i = 0; i < batch.size(); i++) {
                sql.append(i == 0 ? "(" : ", (");
                List<Object> r = batch.get(i);
                for (int j = 0; j < r.size(); j++) {
                    Object v = r.get(j) == NULL ? null : r.get(j);
                    sql.append(j == 0 ? "" : ", ").append(engine().literal(v));
                }
                sql.append(')');
            }
            exec(c, sql.toString());
        }
    }

    /** Names of the registry objects of the standard profile fixture. */
    protected record Profile(String entity, String source, String view) {}

    /**
     * {@code CREATE ENTITY customer_x (customer_id BIGINT)}, a source over {@code table} (EVENT
     * TIME event_ts, optionally CREATED TIME loaded_at) and {@code CREATE FEATURE VIEW prof_x ...
     * AS SELECT customer_id, segment, score [TTL ...]}.
     */
    protected Profile defineProfile(Connection c, String table, boolean createdTime, String ttl)
            throws SQLException {
        Profile p = new Profile(unique("customer"), unique("ev"), unique("prof"));
        exec(c, "CREATE ENTITY " + p.entity() + " (customer_id BIGINT)");
        exec(c, "CREATE SOURCE " + p.source() + " FROM TABLE " + table + " EVENT TIME event_ts"
                + (createdTime ? " CREATED TIME loaded_at" : ""));
        exec(c, "CREATE FEATURE VIEW " + p.view() + " ENTITY " + p.entity() + " FROM " + p.source()
                + " AS SELECT customer_id, segment, score" + (ttl == null ? "" : " TTL " + ttl));
        return p;
    }
}
