package dev.asof.gateway.online;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.online.KeyTypes;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;

/**
 * How pushed rows of a source change one ONLINE view's records: which value of a pushed row each
 * of the view's columns is, and the read-modify-write of the records of the keys a micro-batch
 * touches. Latest values keep the row that wins by {@code (event time, created time)}, then by the
 * feature tuple (README "Semantics", rules 2-3); windowed views add the rows to the key's tiles
 * through {@link WindowTiles}. Used by the one applier thread of a gateway; other gateways' appliers
 * may change the same records meanwhile, so each record is written only at the version it was
 * read at ({@link RecordUpdates}).
 */
final class PushedView {
    /** A pushed row as this view sees it: its event and created instants (µs) and its values. */
    record Row(long eventMicros, long createdMicros, Object[] values) {}

    final FeatureView view;
    final long viewId;
    private final int keyCount;
    /** For each view column: the index of its value in a pushed row; -1 for COUNT(*). */
    private final int[] columnOf;
    private final int eventIndex;

    private PushedView(FeatureView view, long viewId, int keyCount, int[] columnOf, int eventIndex) {
        this.view = view;
        this.viewId = viewId;
        this.keyCount = keyCount;
        this.columnOf = columnOf;
        this.eventIndex = eventIndex;
    }

    /**
     * The view's mapping onto rows pushed to {@code source}.
     *
     * @throws IllegalArgumentException when the view cannot be kept from pushed rows alone (the
     *     message says why): its columns must be plain source columns (aggregate arguments too)
     */
    static PushedView of(FeatureView view, long viewId, int keyCount, Source source) {
        List<String> pushed = pushedColumns(source);
        int[] columnOf = new int[view.features().size()];
        for (int c = 0; c < columnOf.length; c++) {
            Feature f = view.features().get(c);
            Optional<String> expression = c < keyCount || f.aggregate().isEmpty()
                    ? Optional.of(f.expression()) : f.aggregate().flatMap(WindowAggregate::argument);
            columnOf[c] = expression.isEmpty() ? -1 : column(pushed, expression.get(), f.name());
        }
        int event = indexOf(pushed, source.eventTime());
        if (event < 0) {
            throw new IllegalArgumentException("event time column " + source.eventTime() + " is not pushed");
        }
        return new PushedView(view, viewId, keyCount, columnOf, event);
    }

    /** A source's columns in the order pushed rows hold them: without the created-time column. */
    static List<String> pushedColumns(Source source) {
        List<String> names = new ArrayList<>();
        for (ColumnMetadata c : source.columns()) {
            if (source.createdTime().map(ct -> !ct.equalsIgnoreCase(c.name())).orElse(true)) {
                names.add(c.name());
            }
        }
        return names;
    }

    private static int column(List<String> pushed, String expression, String feature) {
        SqlNode node = Expressions.parse(expression);
        if (node instanceof SqlIdentifier id && id.names.size() == 1) {
            int i = indexOf(pushed, id.names.get(0));
            if (i >= 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("column " + feature + " is computed (" + expression
                + "); pushed rows are applied online only to views of plain source columns");
    }

    private static int indexOf(List<String> names, String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(name)) {
                return i;
            }
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The row as this view sees it, or empty when it never counts (a NULL key or event time).
     */
    Optional<Row> row(Object[] values, long createdMicros) {
        Object event = values[eventIndex];
        if (event == null) {
            return Optional.empty();
        }
        for (int k = 0; k < keyCount; k++) {
            if (values[columnOf[k]] == null) {
                return Optional.empty();
            }
        }
        return Optional.of(new Row(micros(event), createdMicros, values));
    }

    /**
     * Applies rows (in arrival order) to the served records of their keys, one read and one write
     * round trip for all of them (more for records another writer changed meanwhile).
     *
     * @param state what lookups serve of this view: the rows go into the served version; read again
     *     when a record holds a newer run than it names (another gateway completed one)
     * @param nowMicros the applier's now: tiles before the longest window at now are dropped
     */
    void apply(List<Row> rows, OnlineStore store, OnlineState state, StoreExpiry expiry, long nowMicros) {
        ViewRuns[] runs = {state.runs(viewId)};
        boolean[] reloaded = {false};
        Map<ByteBuffer, List<Row>> byKey = new LinkedHashMap<>();
        for (Row r : rows) {
            byKey.computeIfAbsent(ByteBuffer.wrap(OnlineRecords.key(viewId, key(r))), k -> new ArrayList<>()).add(r);
        }
        List<byte[]> keys = byKey.keySet().stream().map(ByteBuffer::array).toList();
        List<List<Row>> rowsOfKey = new ArrayList<>(byKey.values());
        // Another gateway may apply rows of the same keys at the same time: a record it changed
        // between our read and write is read again and the rows applied to its new value.
        RecordUpdates.update(store, keys, (i, record) -> {
            long newest = record == null ? Long.MIN_VALUE : OnlineRecords.newestRun(record);
            if (!reloaded[0] && newest > runs[0].committedRun() && !runs[0].failedRuns().contains(newest)) {
                // Written by a run this gateway does not know of yet: if it completed, the rows go
                // into it (writing the older version would drop it); if it still runs, as before.
                runs[0] = state.reload(viewId);
                reloaded[0] = true;
            }
            ViewRuns current = runs[0];
            Optional<byte[]> served = record == null ? Optional.empty() : OnlineRecords.served(record, current);
            Optional<Written> written = view.windowed()
                    ? tiles(served, rowsOfKey.get(i), expiry, nowMicros) : latest(served, rowsOfKey.get(i), expiry);
            return written.map(w -> new OnlineRecord(keys.get(i),
                    OnlineRecords.withRun(record, current, current.committedRun(), w.payload()), w.expiresAt()));
        });
    }

    private record Written(byte[] payload, Optional<Instant> expiresAt) {}

    private Optional<Written> latest(Optional<byte[]> served, List<Row> rows, StoreExpiry expiry) {
        long event = Long.MIN_VALUE;
        long created = Long.MIN_VALUE;
        List<Object> values = null;
        if (served.isPresent()) {
            OnlineRecords.LatestValue stored = OnlineRecords.readLatestValue(served.get());
            event = stored.eventMicros();
            // A materialized value was visible at its run's time: older than any row applied after it.
            OptionalLong c = OnlineRecords.createdMicros(served.get());
            created = c.isPresent() ? c.getAsLong() : Long.MIN_VALUE;
            values = stored.values();
        }
        Row best = null;
        for (Row r : rows) {
            List<Object> candidate = viewValues(r);
            int cmp = values == null ? 1 : Long.compare(r.eventMicros(), event);
            cmp = cmp != 0 ? cmp : Long.compare(r.createdMicros(), created);
            cmp = cmp != 0 ? cmp : compareTuples(candidate, values);
            if (cmp > 0) {
                best = r;
                event = r.eventMicros();
                created = r.createdMicros();
                values = candidate;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        long e = event;
        return Optional.of(new Written(OnlineRecords.latestValue(event, created, values),
                expiry.at(view.ttl().map(ttl -> Instant.EPOCH.plus(e, ChronoUnit.MICROS).plus(ttl)))));
    }

    private Optional<Written> tiles(Optional<byte[]> served, List<Row> rows, StoreExpiry expiry, long nowMicros) {
        WindowTiles tiles = served.isPresent()
                ? WindowTiles.decode(view, keyCount, served.get())
                : new WindowTiles(view, keyCount, key(rows.get(0)));
        List<Object> arguments = new ArrayList<>(columnOf.length - keyCount);
        for (Row r : rows) {
            arguments.clear();
            for (int c = keyCount; c < columnOf.length; c++) {
                arguments.add(columnOf[c] < 0 ? null : r.values()[columnOf[c]]);
            }
            tiles.add(r.eventMicros(), r.createdMicros(), arguments);
        }
        tiles.dropTilesBefore(nowMicros);
        if (tiles.isEmpty()) {
            return Optional.empty(); // every row is older than any window a lookup from now reads
        }
        return Optional.of(new Written(tiles.encode(),
                expiry.at(Optional.of(Instant.EPOCH.plus(tiles.expiryMicros(), ChronoUnit.MICROS)))));
    }

    /** The row's entity key, each value in its canonical key form. */
    private List<Object> key(Row r) {
        List<Object> key = new ArrayList<>(keyCount);
        for (int k = 0; k < keyCount; k++) {
            key.add(KeyTypes.canonical(r.values()[columnOf[k]], view.features().get(k).type().jdbcType()));
        }
        return key;
    }

    /** The view's columns for a latest-value row: each column's pushed value. */
    private List<Object> viewValues(Row r) {
        Object[] out = new Object[columnOf.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = r.values()[columnOf[c]];
        }
        return Arrays.asList(out);
    }

    /** Rule 3 (ties): the view's columns compared as a tuple, NULL lowest. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareTuples(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int cmp;
            if (x == null || y == null) {
                cmp = x == null ? (y == null ? 0 : -1) : 1;
            } else if (x instanceof byte[] bx && y instanceof byte[] by) {
                cmp = Arrays.compareUnsigned(bx, by);
            } else if (x instanceof Comparable cx && x.getClass() == y.getClass()) {
                cmp = cx.compareTo(y);
            } else {
                cmp = 0;
            }
            if (cmp != 0) {
                return cmp;
            }
        }
        return 0;
    }

    /** An event-time value as µs since the epoch; a plain TIMESTAMP is UTC. */
    static long micros(Object value) {
        Instant instant;
        if (value instanceof LocalDateTime t) {
            instant = t.toInstant(ZoneOffset.UTC);
        } else if (value instanceof OffsetDateTime t) {
            instant = t.toInstant();
        } else if (value instanceof ZonedDateTime t) {
            instant = t.toInstant();
        } else if (value instanceof Instant t) {
            instant = t;
        } else if (value instanceof java.time.LocalDate d) {
            instant = d.atStartOfDay(ZoneOffset.UTC).toInstant();
        } else {
            throw new IllegalArgumentException("event time value of type " + value.getClass().getSimpleName());
        }
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
