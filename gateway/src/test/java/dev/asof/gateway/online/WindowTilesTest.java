package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.window.TileGrid;
import dev.asof.planner.window.WindowAccumulator;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.planner.window.WindowFunction;
import dev.asof.spi.ColumnMetadata;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.sql.JDBCType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The layered tiles answer every window exactly as merging the window's rows one by one does: at
 * times on tile, hour and day boundaries and between them, with windows from an hour to 30 days on
 * a 5-minute hop, from the in-memory tiles, from the encoded payload (decoding only what a lookup
 * merges), after decoding and adding more rows, and from the flat layout written before levels.
 */
class WindowTilesTest {
    private static final long MINUTE = 60_000_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long T0 = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli() * 1_000L;

    private static final FeatureView VIEW = view(Optional.of(Duration.ofMinutes(5)));

    private static FeatureView view(Optional<Duration> hop) {
        List<Feature> features = new ArrayList<>();
        features.add(new Feature("\"k\"", ColumnMetadata.of("k", JDBCType.BIGINT)));
        feature(features, WindowFunction.COUNT_ROWS, Duration.ofHours(1), "n_1h", JDBCType.BIGINT);
        feature(features, WindowFunction.SUM, Duration.ofDays(1), "sum_1d", JDBCType.DOUBLE);
        feature(features, WindowFunction.MIN, Duration.ofDays(7), "min_7d", JDBCType.BIGINT);
        feature(features, WindowFunction.STDDEV_SAMP, Duration.ofDays(7), "sd_7d", JDBCType.DOUBLE);
        feature(features, WindowFunction.LAST, Duration.ofDays(30), "last_30d", JDBCType.VARCHAR);
        feature(features, WindowFunction.COUNT_DISTINCT, Duration.ofDays(30), "dm_30d", JDBCType.BIGINT);
        feature(features, WindowFunction.SUM, Duration.ofDays(30), "qty_30d", JDBCType.BIGINT);
        feature(features, WindowFunction.MAX, Duration.ofMinutes(90), "max_90m", JDBCType.BIGINT);
        return new FeatureView("spend", "customer", "tx", features, Optional.empty(), hop, true, "CREATE ...");
    }

    private static void feature(List<Feature> features, WindowFunction function, Duration window, String name,
            JDBCType type) {
        WindowAggregate a = new WindowAggregate(function, function == WindowFunction.COUNT_ROWS ? Optional.empty()
                : Optional.of("\"x\""), window);
        features.add(new Feature(a.sql(), ColumnMetadata.of(name, type), Optional.of(a)));
    }

    /** One source row: times and the argument of each of the 8 features. */
    private record Row(long event, long created, List<Object> arguments) {}

    private static List<Row> rows(Random random, int count, long from, long to) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // Whole minutes, many on 5-minute, hour and day boundaries.
            long e = from + MINUTE * random.nextInt((int) ((to - from) / MINUTE));
            if (random.nextInt(4) == 0) {
                e = Math.floorDiv(e, random.nextBoolean() ? HOUR : DAY) * (random.nextBoolean() ? HOUR : DAY);
                e = Math.max(from, e);
            }
            long c = random.nextInt(3) == 0 ? e + MINUTE * random.nextInt(30) : e;
            long qty = random.nextInt(50) - 10;
            Double amount = random.nextInt(10) == 0 ? null : random.nextInt(100_000) / 100.0;
            String merchant = "m" + random.nextInt(40);
            rows.add(new Row(e, c, java.util.Arrays.asList(null, amount, qty, amount, merchant, merchant, qty, qty)));
        }
        return rows;
    }

    /** The window rule applied row by row: visible at T and {@code start(T) <= e}. */
    private static List<Object> expected(FeatureView view, List<Row> rows, long t) {
        TileGrid grid = view.grid();
        List<Feature> aggregates = view.features().subList(1, view.features().size());
        long longest = WindowTiles.longestWindow(view);
        if (rows.stream().noneMatch(r -> grid.inWindow(r.event(), r.created(), t, longest, false))) {
            return null;
        }
        List<Object> values = new ArrayList<>(List.of(7L));
        for (int f = 0; f < aggregates.size(); f++) {
            WindowAggregate a = aggregates.get(f).aggregate().orElseThrow();
            WindowAccumulator acc = WindowAccumulator.create(a.function());
            for (Row r : rows) {
                if (grid.inWindow(r.event(), r.created(), t, a.windowMicros(), false)) {
                    acc.add(r.arguments().get(f), r.event(), r.created());
                }
            }
            values.add(acc.result());
        }
        return values;
    }

    private static void assertSame(List<Object> actual, List<Object> expected, String where) {
        if (expected == null) {
            assertThat(actual).as(where).isNull();
            return;
        }
        assertThat(actual).as(where).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Object e = expected.get(i);
            Object a = actual.get(i);
            if (e instanceof Double d) {
                assertThat((Double) a).as(where + " column " + i).isCloseTo(d, within(Math.abs(d) * 1e-9 + 1e-9));
            } else {
                assertThat(a).as(where + " column " + i).isEqualTo(e);
            }
        }
    }

    /** Times on and between the boundaries the levels use. */
    private static List<Long> times(long from, long to, Random random) {
        List<Long> times = new ArrayList<>();
        for (long t = from; t <= to; t += DAY / 2) {
            times.add(t);
            times.add(t + 5 * MINUTE);
            times.add(t - 1);
            times.add(t + HOUR - 1);
            times.add(t + random.nextInt((int) (DAY / MINUTE)) * MINUTE + random.nextInt(60_000_000));
        }
        return times;
    }

    @Test
    void layeredTilesAnswerEveryWindowAsRowByRowMerging() {
        Random random = new Random(1101L);
        List<Row> rows = rows(random, 4_000, T0 - 35 * DAY, T0);
        WindowTiles tiles = new WindowTiles(VIEW, 1, List.of(7L));
        rows.forEach(r -> tiles.add(r.event(), r.created(), r.arguments()));
        byte[] payload = tiles.encode();
        // From when every row is visible, as after a materialization at T0 + 30 min.
        for (long t : times(T0 + 30 * MINUTE, T0 + 32 * DAY, random)) {
            List<Object> expected = expected(VIEW, rows, t);
            assertSame(tiles.valuesAt(t), expected, "in memory at " + t);
            assertSame(WindowTiles.valuesAt(VIEW, 1, payload, t), expected, "from the payload at " + t);
        }
    }

    /**
     * A lookup reads the served version's payload in place, inside the record the store read (here
     * after a 9-byte store header, next to an older version): the same values as from a copy of it.
     */
    @Test
    void theServedPayloadReadsInPlaceInsideTheStoredRecord() {
        Random random = new Random(2207L);
        List<Row> rows = rows(random, 2_000, T0 - 31 * DAY, T0);
        WindowTiles tiles = new WindowTiles(VIEW, 1, List.of(7L));
        rows.forEach(r -> tiles.add(r.event(), r.created(), r.arguments()));
        WindowTiles older = new WindowTiles(VIEW, 1, List.of(7L));
        rows.subList(0, 10).forEach(r -> older.add(r.event(), r.created(), r.arguments()));
        byte[] record = OnlineRecords.encode(List.of(new OnlineRecords.Version(3, older.encode()),
                new OnlineRecords.Version(4, tiles.encode())));
        byte[] stored = new byte[9 + record.length + 5];
        System.arraycopy(record, 0, stored, 9, record.length);
        java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(stored, 9, record.length).slice();
        ViewRuns runs = new ViewRuns(4, Optional.empty(), java.util.Set.of());

        java.nio.ByteBuffer payload = OnlineRecords.servedPayload(view, runs);

        assertThat(payload.remaining()).isEqualTo(tiles.encode().length);
        for (long t : times(T0 + 30 * MINUTE, T0 + 31 * DAY, random)) {
            assertSame(WindowTiles.valuesAt(VIEW, 1, payload, t), expected(VIEW, rows, t), "in place at " + t);
        }
        // Run 4 failed: the older version is served, from the same bytes.
        ViewRuns failed = new ViewRuns(4, Optional.empty(), java.util.Set.of(4L));
        assertSame(WindowTiles.valuesAt(VIEW, 1, OnlineRecords.servedPayload(view, failed), T0 + HOUR),
                expected(VIEW, rows.subList(0, 10), T0 + HOUR), "older version");
        assertThat(OnlineRecords.servedPayload(view, new ViewRuns(2, Optional.empty(), java.util.Set.of()))).isNull();
    }

    /**
     * A lookup restores each tile's stored state into one reused accumulator per feature before
     * merging it: the sketch and set states, which a reused accumulator must not carry from one
     * tile into the next beyond what the window holds, give the row-by-row answers.
     */
    @Test
    void distinctCountsReadInPlaceGiveTheRowByRowAnswers() {
        List<Feature> features = new ArrayList<>();
        features.add(new Feature("\"k\"", ColumnMetadata.of("k", JDBCType.BIGINT)));
        feature(features, WindowFunction.APPROX_COUNT_DISTINCT, Duration.ofHours(2), "hll_2h", JDBCType.BIGINT);
        feature(features, WindowFunction.COUNT_DISTINCT, Duration.ofDays(1), "dm_1d", JDBCType.BIGINT);
        feature(features, WindowFunction.APPROX_COUNT_DISTINCT, Duration.ofDays(30), "hll_30d", JDBCType.BIGINT);
        FeatureView view = new FeatureView("spend", "customer", "tx", features, Optional.empty(),
                Optional.of(Duration.ofMinutes(5)), true, "CREATE ...");
        Random random = new Random(4242L);
        List<Row> rows = new ArrayList<>();
        for (Row r : rows(random, 3_000, T0 - 31 * DAY, T0)) {
            String merchant = (String) r.arguments().get(4);
            rows.add(new Row(r.event(), r.created(), java.util.Arrays.asList(merchant, merchant, merchant)));
        }
        WindowTiles tiles = new WindowTiles(view, 1, List.of(7L));
        rows.forEach(r -> tiles.add(r.event(), r.created(), r.arguments()));
        byte[] payload = tiles.encode();
        for (long t : times(T0 + 30 * MINUTE, T0 + 31 * DAY, random)) {
            List<Object> expected = expected(view, rows, t);
            assertSame(WindowTiles.valuesAt(view, 1, payload, t), expected, "from the payload at " + t);
            assertSame(tiles.valuesAt(t), expected, "in memory at " + t);
        }
    }

    /**
     * Decimal sums are stored as scale and unscaled value when they have up to 18 digits, else in
     * the general form: both read back as the same {@code BigDecimal}s, scale included.
     */
    @Test
    void decimalStatesReadBackExactly() {
        List<Feature> features = new ArrayList<>();
        features.add(new Feature("\"k\"", ColumnMetadata.of("k", JDBCType.BIGINT)));
        feature(features, WindowFunction.SUM, Duration.ofDays(1), "sum_1d", JDBCType.DECIMAL);
        feature(features, WindowFunction.MAX, Duration.ofDays(7), "max_7d", JDBCType.DECIMAL);
        feature(features, WindowFunction.LAST, Duration.ofDays(30), "last_30d", JDBCType.DECIMAL);
        feature(features, WindowFunction.SUM, Duration.ofDays(30), "sum_30d", JDBCType.DECIMAL);
        FeatureView view = new FeatureView("spend", "customer", "tx", features, Optional.empty(),
                Optional.of(Duration.ofMinutes(5)), true, "CREATE ...");
        Random random = new Random(31L);
        List<Row> rows = new ArrayList<>();
        for (Row r : rows(random, 2_000, T0 - 31 * DAY, T0)) {
            java.math.BigDecimal amount = random.nextInt(50) == 0
                    ? new java.math.BigDecimal("123456789012345678901234.50") // more digits than a long holds
                    : java.math.BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 2);
            rows.add(new Row(r.event(), r.created(), java.util.Arrays.asList(amount, amount, amount, amount)));
        }
        WindowTiles tiles = new WindowTiles(view, 1, List.of(7L));
        rows.forEach(r -> tiles.add(r.event(), r.created(), r.arguments()));
        byte[] payload = tiles.encode();
        for (long t : times(T0 + 30 * MINUTE, T0 + 31 * DAY, random)) {
            List<Object> expected = expected(view, rows, t);
            assertSame(WindowTiles.valuesAt(view, 1, payload, t), expected, "from the payload at " + t);
            assertSame(WindowTiles.decode(view, 1, payload).valuesAt(t), expected, "decoded at " + t);
        }
    }

    /**
     * A key with a row about every 50 minutes, as most keys of most sources: most hour tiles hold
     * one 5-minute tile and share its bytes, and states are compact, so the record is less than half
     * the layered layout written before; both read with the row-by-row answers, and the write path
     * rewrites the earlier layout in the current one.
     */
    @Test
    void sharedTilesAndCompactStatesAnswerAsTheEarlierLayout() throws IOException {
        Random random = new Random(5150L);
        List<Row> rows = new ArrayList<>();
        for (long e = T0 - 31 * DAY; e < T0; e += 50 * MINUTE) {
            long qty = random.nextInt(50) - 10;
            Double amount = random.nextInt(10) == 0 ? null : random.nextInt(100_000) / 100.0;
            String merchant = "m" + random.nextInt(40);
            rows.add(new Row(e, e, java.util.Arrays.asList(null, amount, qty, amount, merchant, merchant, qty, qty)));
        }
        WindowTiles tiles = new WindowTiles(VIEW, 1, List.of(7L));
        rows.forEach(r -> tiles.add(r.event(), r.created(), r.arguments()));

        byte[] current = tiles.encode();
        byte[] earlier = earlierLayeredLayout(VIEW, rows);

        assertThat(current[0] & 0xff).isEqualTo(0xFC);
        assertThat(earlier[0] & 0xff).isEqualTo(0xFE);
        assertThat(current.length).isLessThan(earlier.length / 2);
        for (long t : times(T0 + 30 * MINUTE, T0 + 31 * DAY, random)) {
            List<Object> expected = expected(VIEW, rows, t);
            assertSame(WindowTiles.valuesAt(VIEW, 1, current, t), expected, "current layout at " + t);
            assertSame(WindowTiles.valuesAt(VIEW, 1, earlier, t), expected, "earlier layout at " + t);
        }
        assertThat(WindowTiles.decode(VIEW, 1, current).encode()).isEqualTo(current);
        assertThat(WindowTiles.decode(VIEW, 1, earlier).encode()).isEqualTo(current);
    }

    /**
     * The layered layout as written before shared tiles and compact states: {@code 0xFE}, the key
     * values, the level count, then per level its factor, tile count, indices, offsets, data length
     * and data (per tile: its row count as 8 bytes, then per feature its state's value count as 2
     * bytes and each value in {@link ValueCodec}'s form).
     */
    private static byte[] earlierLayeredLayout(FeatureView view, List<Row> rows) throws IOException {
        List<Feature> aggregates = view.features().subList(1, view.features().size());
        long[] factors = WindowTiles.levelFactors(view.grid(), WindowTiles.longestWindow(view));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(0xFE);
            out.writeShort(1);
            ValueCodec.write(out, 7L);
            out.writeByte(factors.length);
            for (long factor : factors) {
                java.util.TreeMap<Long, List<Row>> byTile = new java.util.TreeMap<>();
                rows.forEach(r -> byTile.computeIfAbsent(Math.floorDiv(view.grid().tile(r.event()), factor),
                        i -> new ArrayList<>()).add(r));
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                DataOutputStream dataOut = new DataOutputStream(data);
                List<Integer> offsets = new ArrayList<>();
                out.writeLong(factor);
                out.writeInt(byTile.size());
                for (var e : byTile.entrySet()) {
                    out.writeLong(e.getKey());
                    offsets.add(data.size());
                    dataOut.writeLong(e.getValue().size());
                    for (int f = 0; f < aggregates.size(); f++) {
                        WindowAccumulator a =
                                WindowAccumulator.create(aggregates.get(f).aggregate().orElseThrow().function());
                        for (Row r : e.getValue()) {
                            a.add(r.arguments().get(f), r.event(), r.created());
                        }
                        dataOut.writeShort(a.state().size());
                        for (Object v : a.state()) {
                            ValueCodec.write(dataOut, v);
                        }
                    }
                }
                for (int offset : offsets) {
                    out.writeInt(offset);
                }
                out.writeInt(data.size());
                data.writeTo(out);
            }
        }
        return buffer.toByteArray();
    }

    @Test
    void decodedTilesTakeMoreRows() {
        Random random = new Random(15L);
        List<Row> first = rows(random, 1_500, T0 - 30 * DAY, T0);
        List<Row> later = rows(random, 300, T0 - 2 * HOUR, T0 + DAY);
        WindowTiles tiles = new WindowTiles(VIEW, 1, List.of(7L));
        first.forEach(r -> tiles.add(r.event(), r.created(), r.arguments()));
        WindowTiles decoded = WindowTiles.decode(VIEW, 1, tiles.encode());
        later.forEach(r -> decoded.add(r.event(), r.created(), r.arguments()));
        byte[] payload = decoded.encode();
        List<Row> all = new ArrayList<>(first);
        all.addAll(later);
        for (long t : times(T0 + DAY + 30 * MINUTE, T0 + 10 * DAY, random)) {
            assertSame(WindowTiles.valuesAt(VIEW, 1, payload, t), expected(VIEW, all, t), "at " + t);
        }
    }

    @Test
    void flatLayoutWrittenBeforeLevelsStillReads() throws IOException {
        Random random = new Random(7L);
        List<Row> rows = rows(random, 800, T0 - 20 * DAY, T0);
        WindowTiles tiles = new WindowTiles(VIEW, 1, List.of(7L));
        rows.forEach(r -> tiles.add(r.event(), r.created(), r.arguments()));
        // The flat layout: key values, tile count, then per base tile its index, rows and states.
        List<Feature> aggregates = VIEW.features().subList(1, VIEW.features().size());
        java.util.TreeMap<Long, List<Row>> byTile = new java.util.TreeMap<>();
        rows.forEach(r -> byTile.computeIfAbsent(VIEW.grid().tile(r.event()), i -> new ArrayList<>()).add(r));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeShort(1);
            ValueCodec.write(out, 7L);
            out.writeInt(byTile.size());
            for (var e : byTile.entrySet()) {
                out.writeLong(e.getKey());
                out.writeLong(e.getValue().size());
                for (int f = 0; f < aggregates.size(); f++) {
                    WindowAccumulator a = WindowAccumulator.create(aggregates.get(f).aggregate().orElseThrow().function());
                    for (Row r : e.getValue()) {
                        a.add(r.arguments().get(f), r.event(), r.created());
                    }
                    out.writeShort(a.state().size());
                    for (Object v : a.state()) {
                        ValueCodec.write(out, v);
                    }
                }
            }
        }
        byte[] flat = buffer.toByteArray();
        for (long t : times(T0 + 30 * MINUTE, T0 + 3 * DAY, random)) {
            List<Object> expected = expected(VIEW, rows, t);
            assertSame(WindowTiles.valuesAt(VIEW, 1, flat, t), expected, "flat at " + t);
            assertSame(WindowTiles.decode(VIEW, 1, flat).valuesAt(t), expected, "flat decoded at " + t);
        }
    }

    @Test
    void exactWindowsWithoutHopUseLevelsToo() {
        FeatureView exact = view(Optional.empty());
        assertThat(WindowTiles.levelFactors(exact.grid(), WindowTiles.longestWindow(exact)))
                .containsExactly(1L, HOUR, DAY);
        Random random = new Random(99L);
        List<Row> rows = rows(random, 1_500, T0 - 31 * DAY, T0);
        WindowTiles tiles = new WindowTiles(exact, 1, List.of(7L));
        rows.forEach(r -> tiles.add(r.event(), r.created(), r.arguments()));
        byte[] payload = tiles.encode();
        for (long t : times(T0 + 30 * MINUTE, T0 + 8 * DAY, random)) {
            assertSame(WindowTiles.valuesAt(exact, 1, payload, t), expected(exact, rows, t), "exact at " + t);
        }
    }

    @Test
    void levelsAreHoursAndDaysOfBaseTilesThatFitTheLongestWindow() {
        assertThat(WindowTiles.levelFactors(new TileGrid(5 * MINUTE), 30 * DAY)).containsExactly(1L, 12L, 288L);
        assertThat(WindowTiles.levelFactors(new TileGrid(15 * MINUTE), 2 * DAY)).containsExactly(1L, 4L, 96L);
        assertThat(WindowTiles.levelFactors(new TileGrid(HOUR), 7 * DAY)).containsExactly(1L, 24L);
        // 7 minutes: 8 tiles (56 min), then 25 of those (1,400 min): levels nest.
        assertThat(WindowTiles.levelFactors(new TileGrid(7 * MINUTE), 30 * DAY)).containsExactly(1L, 8L, 200L);
        assertThat(WindowTiles.levelFactors(new TileGrid(5 * MINUTE), 12 * HOUR)).containsExactly(1L, 12L);
        assertThat(WindowTiles.levelFactors(new TileGrid(5 * MINUTE), 30 * MINUTE)).containsExactly(1L);
    }

    /**
     * With a row in every 5-minute tile, a 30-day window at 12:07 merges 29 days, 11 + 12 hours and
     * 11 + 2 five-minute tiles: 65 instead of 8,641.
     */
    @Test
    void aThirtyDayWindowMergesTheFewestTiles() {
        WindowTiles tiles = new WindowTiles(VIEW, 1, List.of(7L));
        for (long e = T0 - 31 * DAY; e <= T0 + DAY; e += 5 * MINUTE) {
            tiles.add(e, e, java.util.Arrays.asList(null, 1.0, 1L, 1.0, "m", "m", 1L, 1L));
        }
        long t = T0 + 12 * HOUR + 7 * MINUTE;
        assertThat(tiles.tilesMerged(t, 30 * DAY)).isEqualTo(29 + 11 + 12 + 11 + 2);
        assertThat(tiles.tilesMerged(t, HOUR)).isEqualTo(13);
        assertThat(tiles.tilesMerged(T0 + DAY - 1, DAY)).isEqualTo(1 + 1);
        assertThat(tiles.valuesAt(t).get(1)).isEqualTo(13L);
        // 30 days of 5-minute tiles plus the one T is in.
        assertThat(tiles.valuesAt(t).get(7)).isEqualTo(30L * 288 + 1);
    }
}
