package dev.asof.gateway.online;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.window.TileGrid;
import dev.asof.planner.window.WindowAccumulator;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.spi.ColumnMetadata;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The online form of a windowed view for one key, and the only class that knows its layout.
 *
 * <p>Tiles: one per hop of event time (only those with rows), each holding the row count and one
 * mergeable partial aggregate per feature ({@link WindowAccumulator#state()}: count, sums,
 * (n, mean, M2), min/max, the last row with its times, HyperLogLog registers). Next to these
 * <em>base</em> tiles it keeps pre-merged coarser <em>levels</em>: about an hour and about a day of
 * base tiles each ({@link #levelFactors}); a coarse tile {@code i} of a level with factor {@code F}
 * is the merge of the base tiles {@code [i*F, (i+1)*F)} that have rows. A lookup at T merges, per
 * feature, the fewest tiles that cover exactly the base tiles of that feature's window at T
 * ({@link TileGrid#windowStart} to the tile of T): coarse tiles where the window holds them whole,
 * base tiles at the edges. So the window rule and its boundaries are those of the base grid; a
 * 30-day window on a 5-minute hop merges under a hundred tiles instead of up to 8,640.
 *
 * <p>Write path: {@link #add} (one source row into its base tile and every level's tile over it),
 * then {@link #encode}; {@link #decode} gives back a value that takes more rows. Read path:
 * {@link #valuesAt(FeatureView, int, byte[], long)} decodes only the tiles a lookup merges.
 * Tiles before the longest window are never written by materialization; a writer that drops old
 * base tiles may leave the coarse tile over them as it is, since window starts only move forward
 * and a coarse tile is merged only when the window holds all of its span.
 */
final class WindowTiles {
    /**
     * First byte of the layered layout as written before {@link #COMPACT}: states in
     * {@link ValueCodec}'s form, no shared tiles. The older flat layout starts with a key count
     * below 0xFC00.
     */
    private static final int LAYERED = 0xFE;
    /** First byte of the layered layout written now: {@link TileStates}, coarse tiles may share bytes. */
    private static final int COMPACT = 0xFC;
    private static final long HOUR_MICROS = 3_600_000_000L;
    private static final long DAY_MICROS = 24 * HOUR_MICROS;

    private final FeatureView view;
    private final List<Feature> aggregates;
    private final List<Object> keyValues;
    /** Base tiles per tile of each level; {@code factors[0] == 1} (the base tiles themselves). */
    private final long[] factors;
    private final List<TreeMap<Long, Tile>> levels;

    /** A tile as a lookup merges it: its row count and each feature's partial aggregate. */
    private interface TileView {
        long rowCount();

        /** Merges the partial aggregate of feature {@code f} (in the view's aggregate order) into {@code into}. */
        void mergeInto(int f, WindowAccumulator into);
    }

    /** One tile: the rows of its span for one key, and each feature's partial aggregate. */
    private record Tile(long[] rows, WindowAccumulator[] accumulators) implements TileView {
        @Override
        public long rowCount() {
            return rows[0];
        }

        @Override
        public void mergeInto(int f, WindowAccumulator into) {
            into.merge(accumulators[f]);
        }
    }

    WindowTiles(FeatureView view, int keyCount, List<Object> keyValues) {
        this.view = view;
        this.keyValues = List.copyOf(keyValues);
        this.aggregates = view.features().subList(keyCount, view.features().size());
        this.factors = levelFactors(view.grid(), longestWindow(view));
        this.levels = new ArrayList<>(factors.length);
        for (int l = 0; l < factors.length; l++) {
            levels.add(new TreeMap<>());
        }
    }

    /**
     * Adds one source row to the base tile of its event time and to the tile of every coarser level
     * over it: the event and created times (µs since the epoch; the created time is the event time
     * when the source has none) and each feature's argument value, in the view's feature order.
     */
    void add(long eventMicros, long createdMicros, List<Object> arguments) {
        long base = view.grid().tile(eventMicros);
        for (int l = 0; l < factors.length; l++) {
            Tile tile = levels.get(l).computeIfAbsent(Math.floorDiv(base, factors[l]), i -> newTile());
            tile.rows[0]++;
            for (int f = 0; f < aggregates.size(); f++) {
                tile.accumulators[f].add(arguments.get(f), eventMicros, createdMicros);
            }
        }
    }

    /**
     * Drops the tiles no lookup at or after {@code tMicros} reads: those before the longest
     * window's start at T.
     */
    void dropTilesBefore(long tMicros) {
        TileGrid grid = view.grid();
        long first = grid.tile(grid.windowStart(tMicros, longestWindow(view)));
        // A coarse tile that straddles the first kept base tile stays: no later window holds it whole.
        for (int l = 0; l < levels.size(); l++) {
            levels.get(l).headMap(Math.floorDiv(first, factors[l]), false).clear();
        }
    }

    /** True when no tile holds a row. */
    boolean isEmpty() {
        return levels.get(0).isEmpty();
    }

    /** The latest event time's tile end plus the longest window: when no row is in any window. */
    long expiryMicros() {
        return view.grid().expiry(levels.get(0).lastKey() * view.grid().hopMicros(), longestWindow(view));
    }

    /**
     * The layered layout: {@code COMPACT}, the key values, the level count, then per level its
     * factor, tile count, the sorted tile indices, each tile's offset in the level's data, the data
     * length and the data (per tile: row count, then per feature its state values, in
     * {@link TileStates}' form). The directory lets a lookup find and decode just the tiles it
     * merges.
     *
     * <p>A coarse tile over exactly one tile with rows of the level below usually holds the same
     * bytes (the same rows, added in the same order); it is then stored once: its offset is
     * {@code ~slot} of that tile in the level below. For a key with fewer rows than hours most hour
     * tiles are such tiles, and the hour level, otherwise about as large as the hop level, shrinks
     * to little more than its directory: a third less for the whole record at a row every 50 minutes.
     */
    byte[] encode() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 + levels.get(0).size() * aggregates.size() * 24);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(COMPACT);
            out.writeShort(keyValues.size());
            for (Object v : keyValues) {
                ValueCodec.write(out, v);
            }
            out.writeByte(factors.length);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            ByteArrayOutputStream tileBuffer = new ByteArrayOutputStream(16 + aggregates.size() * 32);
            DataOutputStream tileOut = new DataOutputStream(tileBuffer);
            long[] belowIndices = new long[0];
            byte[][] belowTiles = new byte[0][];
            for (int l = 0; l < factors.length; l++) {
                TreeMap<Long, Tile> tiles = levels.get(l);
                data.reset();
                int[] offsets = new int[tiles.size()];
                long[] indices = new long[tiles.size()];
                byte[][] bytes = new byte[tiles.size()][];
                long ratio = l == 0 ? 0 : factors[l] / factors[l - 1];
                out.writeLong(factors[l]);
                out.writeInt(tiles.size());
                int t = 0;
                for (Map.Entry<Long, Tile> e : tiles.entrySet()) {
                    out.writeLong(e.getKey());
                    tileBuffer.reset();
                    writeTile(tileOut, e.getValue());
                    bytes[t] = tileBuffer.toByteArray();
                    indices[t] = e.getKey();
                    int child = l == 0 ? -1
                            : onlyTileBelow(belowIndices, e.getKey() * ratio, (e.getKey() + 1) * ratio);
                    if (child >= 0 && Arrays.equals(bytes[t], belowTiles[child])) {
                        offsets[t] = ~child;
                    } else {
                        offsets[t] = data.size();
                        data.write(bytes[t]);
                    }
                    t++;
                }
                for (int offset : offsets) {
                    out.writeInt(offset);
                }
                out.writeInt(data.size());
                data.writeTo(out);
                belowIndices = indices;
                belowTiles = bytes;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /** The slot of the only index in {@code [from, to)} of the sorted {@code indices}; -1 when none or several. */
    private static int onlyTileBelow(long[] indices, long from, long to) {
        int slot = Arrays.binarySearch(indices, from);
        if (slot < 0) {
            slot = -slot - 1;
        }
        if (slot >= indices.length || indices[slot] >= to) {
            return -1;
        }
        return slot + 1 < indices.length && indices[slot + 1] < to ? -1 : slot;
    }

    private static void writeTile(DataOutputStream out, Tile tile) throws IOException {
        TileStates.writeCount(out, tile.rows[0]);
        for (WindowAccumulator a : tile.accumulators) {
            TileStates.write(out, a.state());
        }
    }

    /** Every tile of a payload {@link #encode} wrote (or of the older flat layout), ready for more rows. */
    static WindowTiles decode(FeatureView view, int keyCount, byte[] payload) {
        if (!layered(payload[0])) {
            return decodeFlat(view, keyCount, payload);
        }
        Reader reader = new Reader(view, keyCount, ByteBuffer.wrap(payload));
        WindowTiles w = new WindowTiles(view, keyCount, reader.keys);
        if (!Arrays.equals(reader.factors, w.factors)) {
            // Written under other level factors: rebuild the levels from the base tiles.
            reader.forEachWholeTile(0, w::addBaseTile);
            return w;
        }
        for (int l = 0; l < w.factors.length; l++) {
            reader.forEachWholeTile(l, w.levels.get(l)::put);
        }
        return w;
    }

    private static boolean layered(byte first) {
        return (first & 0xff) == COMPACT || (first & 0xff) == LAYERED;
    }

    /** The layout before levels: key values, tile count, then per tile its index, row count and states. */
    private static WindowTiles decodeFlat(FeatureView view, int keyCount, byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int n = in.readUnsignedShort();
            List<Object> keys = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                keys.add(ValueCodec.read(in));
            }
            WindowTiles w = new WindowTiles(view, keyCount, keys);
            int tileCount = in.readInt();
            for (int t = 0; t < tileCount; t++) {
                long index = in.readLong();
                w.addBaseTile(index, readTile(in, w.aggregates));
            }
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts a base tile in place and merges it into the coarse tiles over it. */
    private void addBaseTile(long index, Tile tile) {
        levels.get(0).put(index, tile);
        for (int l = 1; l < factors.length; l++) {
            Tile coarse = levels.get(l).computeIfAbsent(Math.floorDiv(index, factors[l]), i -> newTile());
            coarse.rows[0] += tile.rows[0];
            for (int f = 0; f < aggregates.size(); f++) {
                coarse.accumulators[f].merge(tile.accumulators[f]);
            }
        }
    }

    private static Tile readTile(DataInputStream in, List<Feature> aggregates) throws IOException {
        Tile tile = newTile(aggregates);
        tile.rows[0] = in.readLong();
        for (int f = 0; f < aggregates.size(); f++) {
            int size = in.readUnsignedShort();
            List<Object> state = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                state.add(ValueCodec.read(in));
            }
            tile.accumulators[f].restore(state);
        }
        return tile;
    }

    /**
     * The view's row for this key at {@code tMicros} (keys, then each feature over its window), or
     * null when the longest window holds no row (the key is not in the view at T).
     */
    List<Object> valuesAt(long tMicros) {
        return valuesAt(view, aggregates, keyValues, factors, this::forEachTile, tMicros);
    }

    /** How many tiles a lookup at {@code tMicros} merges for a window of {@code windowMicros}. */
    int tilesMerged(long tMicros, long windowMicros) {
        TileGrid grid = view.grid();
        return cover(this::forEachTile, factors, grid.tile(grid.windowStart(tMicros, windowMicros)), grid.tile(tMicros))
                .size();
    }

    private void forEachTile(int level, long from, long to, TileVisitor<? super Tile> visitor) {
        for (Map.Entry<Long, Tile> e : levels.get(level).subMap(from, true, to, true).entrySet()) {
            visitor.tile(e.getKey(), e.getValue());
        }
    }

    /**
     * What {@code decode(view, keyCount, payload).valuesAt(tMicros)} returns, decoding only the
     * tiles the lookup merges (and their directory).
     */
    static List<Object> valuesAt(FeatureView view, int keyCount, byte[] payload, long tMicros) {
        return valuesAt(view, keyCount, ByteBuffer.wrap(payload), tMicros);
    }

    /**
     * As {@link #valuesAt(FeatureView, int, byte[], long)}, for the payload between
     * {@code payload}'s position and limit, read in place: of each tile a lookup merges, only the
     * partial aggregates of the features whose windows hold it are decoded.
     */
    static List<Object> valuesAt(FeatureView view, int keyCount, ByteBuffer payload, long tMicros) {
        if (!layered(payload.get(payload.position()))) {
            byte[] flat = new byte[payload.remaining()];
            payload.duplicate().get(flat);
            return decodeFlat(view, keyCount, flat).valuesAt(tMicros);
        }
        Reader reader = new Reader(view, keyCount, payload);
        return valuesAt(view, reader.aggregates, reader.keys, reader.factors, reader::forEachTile, tMicros);
    }

    private static List<Object> valuesAt(FeatureView view, List<Feature> aggregates, List<Object> keyValues,
            long[] factors, Tiles tiles, long tMicros) {
        TileGrid grid = view.grid();
        long last = grid.tile(tMicros);
        Map<Long, List<TileView>> covers = new HashMap<>();
        List<TileView> longest = cover(tiles, factors, grid.tile(grid.windowStart(tMicros, longestWindow(view))), last);
        long rows = 0;
        for (TileView t : longest) {
            rows += t.rowCount();
        }
        if (rows == 0) {
            return null;
        }
        List<Object> values = new ArrayList<>(keyValues.size() + aggregates.size());
        values.addAll(keyValues);
        for (int f = 0; f < aggregates.size(); f++) {
            WindowAggregate aggregate = aggregates.get(f).aggregate().orElseThrow();
            long first = grid.tile(grid.windowStart(tMicros, aggregate.windowMicros()));
            List<TileView> window = covers.computeIfAbsent(first, from -> cover(tiles, factors, from, last));
            WindowAccumulator merged = WindowAccumulator.create(aggregate.function());
            for (TileView t : window) {
                t.mergeInto(f, merged);
            }
            values.add(asColumnType(merged.result(), aggregates.get(f).type()));
        }
        return values;
    }

    /** The tiles whose spans partition the base tiles {@code [first, last]}, coarsest where they fit. */
    private static List<TileView> cover(Tiles tiles, long[] factors, long first, long last) {
        List<TileView> out = new ArrayList<>();
        cover(tiles, factors, factors.length - 1, first, last, out);
        return out;
    }

    private static void cover(Tiles tiles, long[] factors, int level, long first, long last, List<TileView> out) {
        if (first > last) {
            return;
        }
        if (level == 0) {
            tiles.forEachTile(0, first, last, (index, tile) -> out.add(tile));
            return;
        }
        long f = factors[level];
        long from = -Math.floorDiv(-first, f); // first coarse tile starting at or after `first`
        long to = Math.floorDiv(last + 1, f) - 1; // last coarse tile ending at or before `last`
        if (from > to) {
            cover(tiles, factors, level - 1, first, last, out);
            return;
        }
        cover(tiles, factors, level - 1, first, from * f - 1, out);
        tiles.forEachTile(level, from, to, (index, tile) -> out.add(tile));
        cover(tiles, factors, level - 1, (to + 1) * f, last, out);
    }

    /**
     * Base tiles per tile of each level for a grid and longest window: 1, then about an hour and
     * about a day of base tiles (whole multiples of the level below, so levels nest), each kept
     * only when it groups at least two tiles of the level below and fits in the longest window.
     */
    static long[] levelFactors(TileGrid grid, long longestWindowMicros) {
        long hop = grid.hopMicros();
        long maxFactor = longestWindowMicros / hop;
        List<Long> factors = new ArrayList<>(List.of(1L));
        for (long span : new long[] {HOUR_MICROS, DAY_MICROS}) {
            long below = factors.get(factors.size() - 1);
            long factor = span / hop / below * below;
            if (factor >= 2 * below && factor <= maxFactor) {
                factors.add(factor);
            }
        }
        return factors.stream().mapToLong(Long::longValue).toArray();
    }

    private Tile newTile() {
        return newTile(aggregates);
    }

    private static Tile newTile(List<Feature> aggregates) {
        WindowAccumulator[] accumulators = new WindowAccumulator[aggregates.size()];
        for (int f = 0; f < accumulators.length; f++) {
            accumulators[f] = WindowAccumulator.create(aggregates.get(f).aggregate().orElseThrow().function());
        }
        return new Tile(new long[1], accumulators);
    }

    static long longestWindow(FeatureView view) {
        return view.features().stream().flatMap(f -> f.aggregate().stream())
                .mapToLong(WindowAggregate::windowMicros).max().orElseThrow();
    }

    /** Visits the tiles of one level with indices in {@code [from, to]}, in index order. */
    private interface Tiles {
        void forEachTile(int level, long from, long to, TileVisitor<TileView> visitor);
    }

    private interface TileVisitor<T> {
        void tile(long index, T tile);
    }

    /**
     * Reads a layered payload in place: its directory at once, each tile's row count when a lookup
     * first visits the tile, and a tile's partial aggregate of one feature only when that feature
     * merges it (each at most once), restored into one reused state per feature and merged from
     * there: a 30-day lookup merges a few hundred (tile, feature) states, and a new accumulator
     * and value list for each was most of what a windowed lookup allocated.
     */
    private static final class Reader implements Tiles {
        /** The payload, index 0 at its first byte. */
        private final ByteBuffer payload;
        /** A cursor over {@link #payload} for the values read. */
        private final ByteBuffer in;
        private final List<Feature> aggregates;
        private final List<Object> keys;
        private final long[] factors;
        private final int[] counts;
        /** Per level: where its indices, its offsets and its tile data start in the payload. */
        private final int[] indexAt;
        private final int[] offsetAt;
        private final int[] dataAt;
        /** Per level and tile slot, the tile once visited; a level's array is made on its first visit. */
        private final StoredTile[][] visited;
        /** Whether states are in {@link TileStates}' form (else {@link ValueCodec}'s, as written before). */
        private final boolean compact;
        /** Per feature, the state a stored partial aggregate is restored into before it is merged. */
        private final WindowAccumulator[] restored;
        /** The values of the state being restored (accumulators copy what they keep of them). */
        private final List<Object> stateValues = new ArrayList<>();

        Reader(FeatureView view, int keyCount, ByteBuffer payload) {
            this.payload = payload.slice();
            this.in = this.payload.duplicate();
            this.aggregates = view.features().subList(keyCount, view.features().size());
            compact = (in.get() & 0xff) == COMPACT;
            int n = in.getShort() & 0xffff;
            List<Object> keyValues = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                keyValues.add(ValueCodec.read(in));
            }
            this.keys = keyValues;
            int levelCount = in.get() & 0xff;
            factors = new long[levelCount];
            counts = new int[levelCount];
            indexAt = new int[levelCount];
            offsetAt = new int[levelCount];
            dataAt = new int[levelCount];
            visited = new StoredTile[levelCount][];
            restored = new WindowAccumulator[aggregates.size()];
            for (int l = 0; l < levelCount; l++) {
                factors[l] = in.getLong();
                counts[l] = in.getInt();
                indexAt[l] = in.position();
                offsetAt[l] = indexAt[l] + 8 * counts[l];
                int length = this.payload.getInt(offsetAt[l] + 4 * counts[l]);
                dataAt[l] = offsetAt[l] + 4 * counts[l] + 4;
                in.position(dataAt[l] + length);
            }
        }

        @Override
        public void forEachTile(int level, long from, long to, TileVisitor<TileView> visitor) {
            for (int t = firstAtOrAfter(level, from); t < counts[level]; t++) {
                long index = payload.getLong(indexAt[level] + 8 * t);
                if (index > to) {
                    return;
                }
                visitor.tile(index, visit(level, t));
            }
        }

        /** Every tile of {@code level}, wholly decoded, in index order (the write path). */
        void forEachWholeTile(int level, TileVisitor<Tile> visitor) {
            for (int t = 0; t < counts[level]; t++) {
                in.position(tileAt(level, t));
                Tile tile = newTile(aggregates);
                tile.rows[0] = readRows();
                for (int f = 0; f < aggregates.size(); f++) {
                    List<Object> state = new ArrayList<>();
                    readState(state);
                    tile.accumulators[f].restore(state);
                }
                visitor.tile(payload.getLong(indexAt[level] + 8 * t), tile);
            }
        }

        private StoredTile visit(int level, int slot) {
            StoredTile[] tiles = visited[level];
            if (tiles == null) {
                tiles = new StoredTile[counts[level]];
                visited[level] = tiles;
            }
            StoredTile tile = tiles[slot];
            if (tile == null) {
                tile = new StoredTile(tileAt(level, slot));
                tiles[slot] = tile;
            }
            return tile;
        }

        private int tileAt(int level, int slot) {
            int offset = payload.getInt(offsetAt[level] + 4 * slot);
            // Negative: the tile's bytes are those of tile ~offset of the level below, stored once.
            return offset >= 0 ? dataAt[level] + offset : tileAt(level - 1, ~offset);
        }

        /** Binary search over the level's sorted indices. */
        private int firstAtOrAfter(int level, long index) {
            int lo = 0;
            int hi = counts[level];
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (payload.getLong(indexAt[level] + 8 * mid) < index) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** One tile of the payload: row count, then per feature its state. */
        private final class StoredTile implements TileView {
            private final long rows;
            /** Where each feature's state starts, known up to {@link #located}. */
            private final int[] stateAt;
            private int located;

            StoredTile(int at) {
                in.position(at);
                rows = readRows();
                stateAt = new int[aggregates.size()];
                stateAt[0] = in.position();
                located = 1;
            }

            @Override
            public long rowCount() {
                return rows;
            }

            @Override
            public void mergeInto(int f, WindowAccumulator into) {
                while (located <= f) {
                    // Skip the state of the feature before.
                    in.position(stateAt[located - 1]);
                    skipState();
                    stateAt[located++] = in.position();
                }
                in.position(stateAt[f]);
                WindowAccumulator state = restored[f];
                if (state == null) {
                    state = WindowAccumulator.create(aggregates.get(f).aggregate().orElseThrow().function());
                    restored[f] = state;
                }
                readState(stateValues);
                state.restore(stateValues);
                into.merge(state);
            }
        }

        /** A tile's row count, at the cursor. */
        private long readRows() {
            return compact ? TileStates.readCount(in) : in.getLong();
        }

        /** One state's values at the cursor, into {@code values} (cleared first). */
        private void readState(List<Object> values) {
            if (compact) {
                TileStates.read(in, values);
                return;
            }
            values.clear();
            int n = in.getShort() & 0xffff;
            for (int i = 0; i < n; i++) {
                values.add(ValueCodec.read(in));
            }
        }

        private void skipState() {
            if (compact) {
                TileStates.skip(in);
                return;
            }
            int n = in.getShort() & 0xffff;
            for (int i = 0; i < n; i++) {
                ValueCodec.skip(in);
            }
        }
    }

    /** An aggregate in the Java form the warehouse gives for the column's type. */
    private static Object asColumnType(Object value, ColumnMetadata column) {
        if (!(value instanceof Number n)) {
            return value;
        }
        return switch (column.jdbcType()) {
            case BIGINT -> n.longValue();
            case INTEGER -> n.intValue();
            case SMALLINT -> n.shortValue();
            case TINYINT -> n.byteValue();
            case DOUBLE, FLOAT -> n.doubleValue();
            case REAL -> n.floatValue();
            case DECIMAL, NUMERIC -> {
                BigDecimal d = n instanceof BigDecimal b ? b : n instanceof Double || n instanceof Float
                        ? BigDecimal.valueOf(n.doubleValue()) : BigDecimal.valueOf(n.longValue());
                yield column.scale() > 0 && d.scale() < column.scale() ? d.setScale(column.scale()) : d;
            }
            default -> value;
        };
    }
}
