package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.trino.TrinoEngine;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * DESIGN.md Semantics rule 6: the same queries on DuckDB and on Trino return the same multiset of
 * rows, over the same randomized data (fixed seed): 12,000 events over 400 keys with microsecond
 * event times on a coarse grid (so many rows of different keys share a time, and some rows of
 * one key tie on (e, c)), 25% late rows (created up to 3 days later), NULL created times, NULL
 * keys / event times / features; 1,500 spine rows with plain and zoned (various offsets) times,
 * many exactly on event or created times, NULL keys and times, unknown keys.
 *
 * <p>Queries: inclusive and exclusive PIT LEFT JOINs (created-time gate and TTL), an INNER join, a
 * zoned spine (the zoned time is returned too: a round trip), two views in one query, and a
 * snapshot AS OF a constant. Each result is also checked to be non-trivial.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class CrossEngineTest extends ConformanceSupport {
    static final long SEED = 42_2026L;
    static final int KEYS = 400;
    static final int EVENTS = 12_000;
    static final int SPINE = 1_500;
    static final LocalDateTime BASE = LocalDateTime.of(2025, 1, 1, 0, 0);
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private final Map<String, ConformanceEngine> engines = new HashMap<>();
    private final Map<String, Fixture> fixtures = new HashMap<>();
    private ConformanceEngine current;

    /** Registry names per engine (each engine has its own registry). */
    private record Fixture(String labels, String labelsTz, String prof, String profExclusiveSrc, String spend) {}

    @Override
    protected ConformanceEngine engine() {
        return current;
    }

    @BeforeAll
    void load() throws SQLException {
        Random r = new Random(SEED);
        List<List<Object>> events = events(r);
        List<List<Object>> tx = tx(r);
        List<List<Object>> spine = spine(r, events);
        engines.put("duckdb", new DuckDbEngine());
        engines.put("trino", new TrinoEngine());
        for (Map.Entry<String, ConformanceEngine> e : engines.entrySet()) {
            current = e.getValue();
            try (Connection c = connect()) {
                fixtures.put(e.getKey(), define(c, events, tx, spine));
            }
        }
    }

    @AfterAll
    void close() {
        engines.values().forEach(ConformanceEngine::close);
    }

    // ------------------------------------------------------------------ data

    private static LocalDateTime at(long micros) {
        return BASE.plusNanos(micros * 1000);
    }

    /** Times are on a 10-minute grid plus, for a third of the rows, a microsecond offset. */
    private static long time(Random r, long days) {
        long t = r.nextInt((int) (days * 24 * 6)) * 600_000_000L;
        return r.nextInt(3) == 0 ? t + r.nextInt(1_000_000) : t;
    }

    /** (customer_id, event_ts, loaded_at, segment, score). */
    private static List<List<Object>> events(Random r) {
        List<List<Object>> out = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            Long key = r.nextInt(200) == 0 ? null : (long) r.nextInt(KEYS);
            Long e = r.nextInt(200) == 0 ? null : time(r, 90);
            Long c = e == null || r.nextInt(10) == 0 ? null
                    : r.nextInt(4) == 0 ? e + r.nextInt(3 * 24 * 6) * 600_000_000L : e;
            String seg = r.nextInt(8) == 0 ? null : String.valueOf((char) ('a' + r.nextInt(5)));
            Double score = r.nextInt(8) == 0 ? null : r.nextInt(1000) / 8.0;
            if (i % 25 == 24) {
                List<Object> twin = out.get(r.nextInt(out.size())); // tie on (key, e, c)
                key = (Long) twin.get(0);
                e = twin.get(1) == null ? null : micros((LocalDateTime) twin.get(1));
                c = twin.get(2) == null ? null : micros((LocalDateTime) twin.get(2));
            }
            out.add(java.util.Arrays.asList(key, e == null ? null : at(e), c == null ? null : at(c), seg, score));
        }
        return out;
    }

    /** (customer_id, event_ts, channel, amount): a second source. */
    private static List<List<Object>> tx(Random r) {
        List<List<Object>> out = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            out.add(java.util.Arrays.asList((long) r.nextInt(KEYS), at(time(r, 90)),
                    r.nextInt(6) == 0 ? null : (r.nextBoolean() ? "web" : "app"), (double) r.nextInt(500)));
        }
        return out;
    }

    /** (id, customer_id, event_ts plain, event_ts zoned). */
    private static List<List<Object>> spine(Random r, List<List<Object>> events) {
        List<List<Object>> out = new ArrayList<>();
        for (int i = 0; i < SPINE; i++) {
            Long key;
            LocalDateTime t;
            int kind = r.nextInt(10);
            if (kind < 4) {
                List<Object> ev = events.get(r.nextInt(events.size())); // exactly on an event/created time
                key = (Long) ev.get(0);
                t = (LocalDateTime) ev.get(r.nextBoolean() || ev.get(2) == null ? 1 : 2);
            } else {
                key = kind == 9 ? (long) (KEYS + r.nextInt(10)) : (long) r.nextInt(KEYS);
                t = at(time(r, 100));
            }
            if (r.nextInt(50) == 0) {
                key = null;
            }
            if (r.nextInt(50) == 0) {
                t = null;
            }
            int hours = r.nextInt(25) - 12;
            ZoneOffset offset = ZoneOffset.ofHoursMinutes(hours, r.nextBoolean() ? 0 : (hours < 0 ? -30 : 30));
            OffsetDateTime zoned = t == null ? null : t.atOffset(ZoneOffset.UTC).withOffsetSameInstant(offset);
            out.add(java.util.Arrays.asList((long) i, key, t, zoned));
        }
        return out;
    }

    private static long micros(LocalDateTime t) {
        return java.time.Duration.between(BASE, t).toNanos() / 1000;
    }

    /** A literal with all six fraction digits (the standard helpers render whole seconds). */
    private String lit(Object v) {
        if (v instanceof LocalDateTime t) {
            return "TIMESTAMP '" + MICROS.format(t) + "'";
        }
        if (v instanceof OffsetDateTime t) {
            return "CAST('" + MICROS.format(t) + t.getOffset().getId().replace("Z", "+00:00")
                    + "' AS " + current.sqlType(JDBCType.TIMESTAMP_WITH_TIMEZONE) + ")";
        }
        return current.literal(v);
    }

    private void load(Connection c, String table, List<List<Object>> rows) throws SQLException {
        for (int from = 0; from < rows.size(); from += 1000) {
            String values = rows.subList(from, Math.min(rows.size(), from + 1000)).stream()
                    .map(row -> row.stream().map(this::lit).collect(Collectors.joining(", ", "(", ")")))
                    .collect(Collectors.joining(", "));
            exec(c, "INSERT INTO " + table + " VALUES " + values);
        }
    }

    private Fixture define(Connection c, List<List<Object>> events, List<List<Object>> tx, List<List<Object>> spine)
            throws SQLException {
        String schema = createSchema(c);
        String ts = current.sqlType(JDBCType.TIMESTAMP);
        String tz = current.sqlType(JDBCType.TIMESTAMP_WITH_TIMEZONE);
        exec(c, "CREATE TABLE " + schema + ".events (customer_id BIGINT, event_ts " + ts + ", loaded_at " + ts
                + ", segment VARCHAR, score DOUBLE)");
        load(c, schema + ".events", events);
        exec(c, "CREATE TABLE " + schema + ".tx (customer_id BIGINT, event_ts " + ts + ", channel VARCHAR, amount DOUBLE)");
        load(c, schema + ".tx", tx);
        exec(c, "CREATE TABLE " + schema + ".labels (id BIGINT, customer_id BIGINT, event_ts " + ts + ")");
        load(c, schema + ".labels", spine.stream().map(s -> s.subList(0, 3)).toList());
        exec(c, "CREATE TABLE " + schema + ".labels_tz (id BIGINT, customer_id BIGINT, event_ts " + tz + ")");
        load(c, schema + ".labels_tz", spine.stream().map(s -> java.util.Arrays.asList(s.get(0), s.get(1), s.get(3))).toList());

        String entity = unique("customer");
        String src = unique("ev");
        String txSrc = unique("tx");
        String prof = unique("prof");
        String spend = unique("spend");
        exec(c, "CREATE ENTITY " + entity + " (customer_id BIGINT)");
        exec(c, "CREATE SOURCE " + src + " FROM TABLE " + schema + ".events EVENT TIME event_ts CREATED TIME loaded_at");
        exec(c, "CREATE SOURCE " + txSrc + " FROM TABLE " + schema + ".tx EVENT TIME event_ts");
        exec(c, "CREATE FEATURE VIEW " + prof + " ENTITY " + entity + " FROM " + src
                + " AS SELECT customer_id, segment, score TTL INTERVAL '7' DAY");
        exec(c, "CREATE FEATURE VIEW " + spend + " ENTITY " + entity + " FROM " + txSrc
                + " AS SELECT customer_id, channel, amount");
        return new Fixture(schema + ".labels", schema + ".labels_tz", prof, src, spend);
    }

    // ------------------------------------------------------------------ comparison

    private interface Sql {
        String of(Fixture f);
    }

    /** Runs the query on both engines; asserts equal multisets; returns the rows. */
    private List<List<Object>> same(Sql sql) throws SQLException {
        Map<String, List<List<Object>>> results = new HashMap<>();
        for (Map.Entry<String, ConformanceEngine> e : engines.entrySet()) {
            current = e.getValue();
            try (Connection c = connect()) {
                results.put(e.getKey(), query(c, sql.of(fixtures.get(e.getKey()))));
            }
        }
        List<List<Object>> duck = results.get("duckdb");
        assertThat(results.get("trino")).as("trino vs duckdb").containsExactlyInAnyOrderElementsOf(duck);
        return duck;
    }

    private static long filled(List<List<Object>> rows, int column) {
        return rows.stream().filter(r -> r.get(column) != null).count();
    }

    @Test
    void inclusivePitJoin() throws SQLException {
        List<List<Object>> rows = same(f -> "SELECT l.id, l.customer_id, l.event_ts, p.segment, p.score\nFROM "
                + f.labels() + " l\nLEFT JOIN " + f.prof() + " AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(rows).hasSize(SPINE);
        assertThat(filled(rows, 4)).isGreaterThan(SPINE / 3);
    }

    @Test
    void exclusivePitJoin() throws SQLException {
        List<List<Object>> rows = same(f -> "SELECT l.id, p.segment, p.score\nFROM " + f.labels() + " l\nLEFT JOIN "
                + f.prof() + " AS OF l.event_ts EXCLUSIVE p ON p.customer_id = l.customer_id");
        assertThat(rows).hasSize(SPINE);
    }

    @Test
    void innerPitJoin() throws SQLException {
        List<List<Object>> rows = same(f -> "SELECT l.id, p.segment, p.score\nFROM " + f.labels() + " l\nJOIN "
                + f.prof() + " AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(rows).isNotEmpty().hasSizeLessThan(SPINE);
    }

    @Test
    void zonedSpineRoundTrip() throws SQLException {
        List<List<Object>> rows = same(f -> "SELECT l.id, l.event_ts, p.segment, p.score\nFROM " + f.labelsTz()
                + " l\nLEFT JOIN " + f.prof() + " AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(rows).hasSize(SPINE);
        assertThat(filled(rows, 3)).isGreaterThan(SPINE / 3);
    }

    @Test
    void twoViews() throws SQLException {
        List<List<Object>> rows = same(f -> "SELECT l.id, p.segment, t.channel, t.amount\nFROM " + f.labels() + " l\n"
                + "LEFT JOIN " + f.prof() + " AS OF l.event_ts p ON p.customer_id = l.customer_id\n"
                + "LEFT JOIN " + f.spend() + " AS OF l.event_ts t ON t.customer_id = l.customer_id");
        assertThat(rows).hasSize(SPINE);
        assertThat(filled(rows, 3)).isGreaterThan(SPINE / 3);
    }

    @Test
    void snapshotAtConstantTime() throws SQLException {
        List<List<Object>> rows = same(f -> "SELECT customer_id, segment, score FROM " + f.prof()
                + " AS OF TIMESTAMP '2025-02-15 12:00:00'");
        assertThat(rows).hasSizeGreaterThan(KEYS / 2);
    }
}
