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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The online form of a windowed view for one key: its tiles (one per hop of event time, only
 * those with rows), each holding the row count and one mergeable partial aggregate per feature
 * ({@link WindowAccumulator#state()}: count, sums, (n, mean, M2), min/max, the last row with its
 * times, HyperLogLog registers). A lookup at T merges, per feature, the tiles in that feature's
 * window at T ({@link TileGrid#windowStart}); tiles before the longest window are never written.
 */
final class WindowTiles {
    private final FeatureView view;
    private final List<Feature> aggregates;
    private final int keyCount;
    private final List<Object> keyValues;
    private final TreeMap<Long, Tile> tiles = new TreeMap<>();

    /** One tile: rows of one hop of event time for one key. */
    private record Tile(long[] rows, WindowAccumulator[] accumulators) {}

    WindowTiles(FeatureView view, int keyCount, List<Object> keyValues) {
        this.view = view;
        this.keyCount = keyCount;
        this.keyValues = List.copyOf(keyValues);
        this.aggregates = view.features().subList(keyCount, view.features().size());
    }

    /** Adds one source row: its event and created times (µs) and each feature's argument value. */
    void add(long eventMicros, long createdMicros, List<Object> arguments) {
        long index = view.grid().tile(eventMicros);
        Tile tile = tiles.computeIfAbsent(index, i -> newTile());
        tile.rows[0]++;
        for (int f = 0; f < aggregates.size(); f++) {
            tile.accumulators[f].add(arguments.get(f), eventMicros, createdMicros);
        }
    }

    /**
     * Drops the tiles no lookup at or after {@code tMicros} reads: those before the longest
     * window's start at T.
     */
    void dropTilesBefore(long tMicros) {
        TileGrid grid = view.grid();
        tiles.headMap(grid.tile(grid.windowStart(tMicros, longestWindow(view))), false).clear();
    }

    /** True when no tile holds a row. */
    boolean isEmpty() {
        return tiles.isEmpty();
    }

    /** The latest event time's tile end plus the longest window: when no row is in any window. */
    long expiryMicros() {
        return view.grid().expiry(tiles.lastKey() * view.grid().hopMicros(), longestWindow(view));
    }

    byte[] encode() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 + tiles.size() * aggregates.size() * 16);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeShort(keyValues.size());
            for (Object v : keyValues) {
                ValueCodec.write(out, v);
            }
            out.writeInt(tiles.size());
            for (Map.Entry<Long, Tile> e : tiles.entrySet()) {
                out.writeLong(e.getKey());
                out.writeLong(e.getValue().rows[0]);
                for (WindowAccumulator a : e.getValue().accumulators) {
                    List<Object> state = a.state();
                    out.writeShort(state.size());
                    for (Object v : state) {
                        ValueCodec.write(out, v);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    static WindowTiles decode(FeatureView view, int keyCount, byte[] payload) {
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
                Tile tile = w.newTile();
                tile.rows[0] = in.readLong();
                for (int f = 0; f < w.aggregates.size(); f++) {
                    int size = in.readUnsignedShort();
                    List<Object> state = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        state.add(ValueCodec.read(in));
                    }
                    tile.accumulators[f].restore(state);
                }
                w.tiles.put(index, tile);
            }
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The view's row for this key at {@code tMicros} (keys, then each feature over its window), or
     * null when the longest window holds no row (the key is not in the view at T).
     */
    List<Object> valuesAt(long tMicros) {
        TileGrid grid = view.grid();
        long last = grid.tile(tMicros);
        long longestFirst = grid.tile(grid.windowStart(tMicros, longestWindow(view)));
        long rows = 0;
        for (Tile t : tiles.subMap(longestFirst, true, last, true).values()) {
            rows += t.rows[0];
        }
        if (rows == 0) {
            return null;
        }
        List<Object> values = new ArrayList<>(keyValues);
        for (int f = 0; f < aggregates.size(); f++) {
            WindowAggregate aggregate = aggregates.get(f).aggregate().orElseThrow();
            long first = grid.tile(grid.windowStart(tMicros, aggregate.windowMicros()));
            WindowAccumulator merged = WindowAccumulator.create(aggregate.function());
            for (Tile t : tiles.subMap(first, true, last, true).values()) {
                merged.merge(t.accumulators[f]);
            }
            values.add(asColumnType(merged.result(), aggregates.get(f).type()));
        }
        return values;
    }

    private Tile newTile() {
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
