package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;
import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Feature;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.window.HyperLogLog;
import dev.asof.planner.window.TileGrid;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.planner.window.WindowFunction;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Builds "windowed feature view as of T" for a set of probe points (key, T), in one engine's SQL,
 * without reading a window's rows once per probe. The window of W at T holds the key's rows
 * visible at T with {@code e >= start(T)}, {@code start(T) = floor((T - W) / g) * g}
 * ({@link TileGrid}); it splits into two disjoint parts:
 *
 * <ol>
 *   <li><b>on-time rows</b>, visible before their tile closed ({@code u < tile(e) + g}, u =
 *       max(e, c)); every row of a source without CREATED TIME. Their u lies in their event's
 *       tile and start(T) is a tile start, so {@code e >= start(T)} is {@code u >= start(T)}: the
 *       part is the frame {@code u in [start(T), T]} over rows and probes ordered by u, one window
 *       function per aggregate, one sort per key ({@link #windowed}).
 *   <li><b>late rows</b> ({@code u >= tile(e) + g}) with {@code e >= start(T)} and visible at T:
 *       a join of probes with late rows on key and a bucket of width {@code W_max} (each late row
 *       is copied into the two buckets its probes can fall in), then a range filter and an
 *       aggregation per probe. It costs the late rows near each probe, so sources with a CREATED
 *       TIME pay in proportion to how many rows arrive after their tile closed. Rows later than
 *       {@code W_max} past their tile can never be in a window and are dropped.
 * </ol>
 *
 * <p>Parts are merged per function as {@link dev.asof.planner.window.WindowAccumulator} merges
 * them online: counts and sums add, MIN/MAX take LEAST/GREATEST, LAST takes the part whose latest
 * row has the greatest ordering key (event time, created time, then the value, NULL lowest),
 * VAR_SAMP/STDDEV_SAMP merge (n, mean, M2) states with Chan et al.'s formula.
 *
 * <p>COUNT(DISTINCT) and APPROX_COUNT_DISTINCT are not decomposable that way; they use the fact
 * that a row is in the window exactly for T in {@code [u, s + W + g)} ({@code (u, …)} exclusive).
 * For each (key, value) — or (key, register, rank level) for the sketch — a running count of
 * rows entering and leaving tells when the value is present; its transitions are +/-1 to the
 * distinct count, or +/-2^(49 - level) to the sketch's exact integer register sum Z and +/-1 to
 * its count of empty registers. A running sum of the transitions per key, merged with the
 * probes, gives each probe its Z and V, from which {@link HyperLogLog#estimate} is computed with
 * the same operations as online. This is a sort of about four events per source row, again with
 * no scan per probe, and it is exact for late rows too.
 *
 * <p>The result has one row per distinct probe point with a key and a time when
 * {@code everyProbe} (counts 0 and other features NULL for empty windows), otherwise only the
 * points whose longest window has a row.
 */
final class WindowRelation implements ViewRelation, SpineCarryingPlan {
    private static final String KIND = "__kind";
    private static final String T = ViewSource.PROBE_TIME;
    /** The probe's T, or a row's visibility instant u = max(e, c), in epoch microseconds. */
    private static final String TU = "__tu";
    /** Start of the tile of a row's event time or of a probe's T, epoch microseconds. */
    private static final String TILE = "__s";
    private static final String E = "__e";
    private static final String C = "__c";
    private static final String ONE = "__one";
    private static final String BUCKET = "__b";
    private static final String PROBES = "__probe";
    /** The spine's rows, carried through the window pass ({@link #carried}). */
    private static final String SPINE = "__spine";
    private static final String ROWS = "__rows";
    private static final String W = "__w";
    private static final String L = "__l";
    private static final String D = "__d";

    /** A partial aggregate of one part of a window. */
    private enum Partial { ROWS, COUNT, SUM, MIN, MAX, MEAN, VAR_POP, LAST, LAST_KEY, AVG }

    /** A partial over one argument ({@code -1} for ROWS). */
    private record Need(Partial partial, int argument) {}

    private final ViewSource vs;
    private final EngineDialect dialect;
    private final long hop;
    private final boolean createdTime;
    private final List<Feature> features;
    /** Distinct argument expressions (canonical SQL); an argument's index names its columns. */
    private final List<String> arguments = new ArrayList<>();
    /** Distinct windows in microseconds, ascending. */
    private final List<Long> windows;
    private final long longest;

    WindowRelation(ViewSource vs) {
        this.vs = requireNonNull(vs, "vs");
        this.dialect = vs.dialect();
        this.hop = vs.view().grid().hopMicros();
        this.createdTime = vs.source().createdTime().isPresent();
        this.features = vs.nonKeyFeatures();
        TreeSet<Long> ws = new TreeSet<>();
        for (Feature f : features) {
            WindowAggregate a = aggregate(f);
            ws.add(a.windowMicros());
            a.argument().filter(arg -> !arguments.contains(arg)).ifPresent(arguments::add);
        }
        this.windows = List.copyOf(ws);
        this.longest = ws.last();
    }

    @Override
    public ViewSource source() {
        return vs;
    }

    @Override
    public SqlNode build(SqlNode probes, JDBCType probeTimeType, boolean exclusive, boolean restrictToProbeKeys,
            boolean everyProbe) {
        List<String> keys = vs.keyAliases();
        List<Set<Need>> needs = needs(!everyProbe);
        List<Feature> distinct = features.stream().filter(WindowRelation::countsDistinct).toList();

        List<SqlNode> with = new ArrayList<>();
        with.add(withItem(PROBES, probePoints(probes, probeTimeType)));
        with.add(withItem(ROWS, sourceRows(restrictToProbeKeys)));

        SqlNode from = Nodes.as(windowed(needs, exclusive, Nodes.id(PROBES), 0), W);
        List<SqlNode> where = new ArrayList<>();
        where.add(Nodes.eq(Nodes.id(W, KIND), Nodes.number(1)));
        if (createdTime) {
            from = leftJoin(from, Nodes.as(late(needs, exclusive), L), L);
        }
        if (!distinct.isEmpty()) {
            from = leftJoin(from, Nodes.as(distinctCounts(distinct, exclusive), D), D);
        }

        List<SqlNode> out = new ArrayList<>();
        int featureIndex = 0;
        for (Feature f : vs.view().features()) {
            int key = vs.keyIndex(f.name());
            if (key >= 0) {
                out.add(Nodes.as(Nodes.id(W, keys.get(key)), f.name()));
            } else {
                out.add(Nodes.as(feature(f, distinct), f.name()));
            }
        }
        out.add(Nodes.as(Nodes.id(W, T), TIME_COLUMN));
        if (!everyProbe) {
            // The view has a key at T when the key's longest window has a row.
            where.add(SqlStdOperatorTable.GREATER_THAN.createCall(POS,
                    total(parts(windows.indexOf(longest), new Need(Partial.ROWS, -1))), Nodes.number(0)));
        }
        SqlSelect body = Nodes.select(out, from, Nodes.and(where), false);
        return new SqlWith(POS, new SqlNodeList(with, POS), body);
    }

    /**
     * {@code spine LEFT JOIN view AS OF time ON keys} as one relation, the spine's rows carried
     * through the window pass as they are (no distinct probe points, no join back): each spine row
     * is a probe in the union with the source rows, so duplicates stay duplicates. A spine row
     * whose key or time is NULL is still carried, with every feature NULL (its frame is evaluated
     * at {@code u = 0} and thrown away). Late rows and distinct counts, computed per distinct probe
     * point of these spine rows, are joined on key and time. Columns and parameters as
     * {@link SpineCarryingPlan#carried} says.
     */
    @Override
    public SqlNode carried(SqlNode spine, SqlNode spineFilter, List<SqlNode> carriedColumns, List<SqlNode> spineKeys,
            SqlNode time, JDBCType timeType, boolean exclusive, boolean restrictToProbeKeys) {
        List<String> keys = vs.keyAliases();
        List<Set<Need>> needs = needs(false);
        List<Feature> distinct = features.stream().filter(WindowRelation::countsDistinct).toList();

        // The spine's rows: carried columns, keys, T (NULL unless every key is set) and T in µs.
        List<SqlNode> spineItems = new ArrayList<>();
        for (int i = 0; i < carriedColumns.size(); i++) {
            spineItems.add(Nodes.as(carriedColumns.get(i), carriedAlias(i)));
        }
        List<SqlNode> keysSet = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            spineItems.add(Nodes.as(spineKeys.get(i), keys.get(i)));
            keysSet.add(Nodes.isNotNull(spineKeys.get(i).clone(POS)));
        }
        spineItems.add(Nodes.as(Nodes.caseWhen(Nodes.and(keysSet), time, null), T));
        List<SqlNode> micros = new ArrayList<>();
        for (int i = 0; i < carriedColumns.size(); i++) {
            micros.add(Nodes.id(carriedAlias(i)));
        }
        keys.forEach(k -> micros.add(Nodes.id(k)));
        micros.add(Nodes.id(T));
        micros.add(Nodes.as(SqlStdOperatorTable.COALESCE.createCall(POS, dialect.epochMicros(Nodes.id(T), timeType),
                Nodes.number(0)), TU));
        SqlNode spineRows = Nodes.select(micros, Nodes.as(Nodes.select(spineItems, spine, spineFilter, false), "__sp"),
                null, false);

        List<SqlNode> with = new ArrayList<>();
        with.add(withItem(SPINE, spineRows));
        if (restrictToProbeKeys || createdTime || !distinct.isEmpty()) {
            List<SqlNode> points = new ArrayList<>();
            keys.forEach(k -> points.add(Nodes.id(k)));
            points.add(Nodes.id(T));
            points.add(Nodes.id(TU));
            points.add(Nodes.as(tileStart(Nodes.id(TU)), TILE));
            with.add(withItem(PROBES, Nodes.select(points, Nodes.id(SPINE), Nodes.isNotNull(Nodes.id(T)), true)));
        }
        with.add(withItem(ROWS, sourceRows(restrictToProbeKeys)));

        SqlNode from = Nodes.as(windowed(needs, exclusive, Nodes.id(SPINE), carriedColumns.size()), W);
        if (createdTime) {
            from = leftJoin(from, Nodes.as(late(needs, exclusive), L), L);
        }
        if (!distinct.isEmpty()) {
            from = leftJoin(from, Nodes.as(distinctCounts(distinct, exclusive), D), D);
        }
        List<SqlNode> out = new ArrayList<>();
        for (int i = 0; i < carriedColumns.size(); i++) {
            out.add(Nodes.as(Nodes.id(W, carriedAlias(i)), carriedAlias(i)));
        }
        SqlNode evaluated = Nodes.isNotNull(Nodes.id(W, T));
        for (Feature f : vs.view().features()) {
            int key = vs.keyIndex(f.name());
            SqlNode value = key >= 0 ? Nodes.id(W, keys.get(key)) : feature(f, distinct);
            out.add(Nodes.as(Nodes.caseWhen(evaluated.clone(POS), value, null), f.name()));
        }
        SqlSelect body = Nodes.select(out, from, Nodes.eq(Nodes.id(W, KIND), Nodes.number(1)), false);
        return new SqlWith(POS, new SqlNodeList(with, POS), body);
    }

    // ------------------------------------------------------------------ inputs

    /** Distinct probe points with a key and a time: keys, T, T in µs, and T's tile start. */
    private SqlNode probePoints(SqlNode probes, JDBCType probeTimeType) {
        List<String> keys = vs.keyAliases();
        List<SqlNode> items = new ArrayList<>();
        List<SqlNode> where = new ArrayList<>();
        for (String k : keys) {
            items.add(Nodes.id(k));
            where.add(Nodes.isNotNull(Nodes.id(k)));
        }
        items.add(Nodes.id(T));
        items.add(Nodes.as(dialect.epochMicros(Nodes.id(T), probeTimeType), TU));
        where.add(Nodes.isNotNull(Nodes.id(T)));
        SqlNode inner = Nodes.select(items, Nodes.as(probes, "__pq"), Nodes.and(where), false);
        List<SqlNode> outer = new ArrayList<>();
        keys.forEach(k -> outer.add(Nodes.id(k)));
        outer.add(Nodes.id(T));
        outer.add(Nodes.id(TU));
        outer.add(Nodes.as(tileStart(Nodes.id(TU)), TILE));
        return Nodes.select(outer, Nodes.as(inner, "__p0"), null, false);
    }

    /**
     * Source rows with a key and an event time: keys, e and c (c = e when NULL or undeclared) in
     * µs, u = max(e, c), e's tile start, and the arguments {@code __a0..}.
     */
    private SqlNode sourceRows(boolean restrictToProbeKeys) {
        List<String> keys = vs.keyAliases();
        JDBCType eType = vs.columnType(vs.source().eventTime());
        List<SqlNode> items = new ArrayList<>();
        List<SqlNode> where = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            items.add(Nodes.as(vs.key(i), keys.get(i)));
            where.add(Nodes.isNotNull(vs.rawKey(i)));
        }
        where.add(Nodes.isNotNull(Nodes.id(vs.source().eventTime())));
        items.add(Nodes.as(dialect.epochMicros(Nodes.id(vs.source().eventTime()), eType), E));
        SqlNode c = dialect.epochMicros(Nodes.id(vs.source().eventTime()), eType);
        if (vs.source().createdTime().isPresent()) {
            // A NULL created time counts as the event time.
            String ct = vs.source().createdTime().get();
            c = SqlStdOperatorTable.COALESCE.createCall(POS, dialect.epochMicros(Nodes.id(ct), vs.columnType(ct)), c);
        }
        items.add(Nodes.as(c, C));
        for (int j = 0; j < arguments.size(); j++) {
            items.add(Nodes.as(Expressions.parse(arguments.get(j)), arg(j)));
        }
        if (restrictToProbeKeys) {
            where.add(vs.probeKeysExist(Nodes.id(PROBES)));
        }
        SqlNode inner = Nodes.select(items, Nodes.as(vs.relation(), "__src"), Nodes.and(where), false);

        List<SqlNode> outer = new ArrayList<>();
        keys.forEach(k -> outer.add(Nodes.id(k)));
        outer.add(Nodes.id(E));
        outer.add(Nodes.id(C));
        outer.add(Nodes.as(createdTime ? Nodes.function("GREATEST", Nodes.id(E), Nodes.id(C)) : Nodes.id(E), TU));
        outer.add(Nodes.as(tileStart(Nodes.id(E)), TILE));
        for (int j = 0; j < arguments.size(); j++) {
            outer.add(Nodes.id(arg(j)));
        }
        return Nodes.select(outer, Nodes.as(inner, "__r0"), null, false);
    }

    // ------------------------------------------------------------------ on-time rows

    /**
     * On-time rows (kind 0) and probes (kind 1) in one relation per key, ordered by u: a row's
     * visibility instant or the probe's T, in µs. An on-time row's u lies in its event's tile and
     * start(T) is a tile start, so {@code e >= start(T)} is {@code u >= start(T)}: the window of a
     * probe is the frame {@code RANGE BETWEEN T - start(T) PRECEDING AND CURRENT ROW} (rows at T
     * are the probe's peers, so they count), or {@code AND 1 PRECEDING} when exclusive, with
     * {@code T - start(T) = W + (T mod g)}: one sort of rows and probes. Probes carry no argument,
     * so they never count. The caller keeps kind 1.
     *
     * <p>With a HOP the frame's offset is a column: the probe's {@code W + (T mod g)}, and for rows,
     * whose window values are thrown away, the shortest legal frame. Without HOP it is the constant
     * W, as written by hand.
     *
     * @param probeRelation columns: the first {@code carried} columns ({@link #carriedAlias}), the
     *     key aliases, {@link #T} and {@link #TU}
     */
    private SqlNode windowed(List<Set<Need>> needs, boolean exclusive, SqlNode probeRelation, int carried) {
        List<String> keys = vs.keyAliases();
        List<SqlNode> rowItems = new ArrayList<>();
        List<SqlNode> probeItems = new ArrayList<>();
        rowItems.add(Nodes.as(Nodes.number(0), KIND));
        probeItems.add(Nodes.as(Nodes.number(1), KIND));
        for (int i = 0; i < carried; i++) {
            rowItems.add(Nodes.as(Nodes.nullLiteral(), carriedAlias(i)));
            probeItems.add(Nodes.id(carriedAlias(i)));
        }
        for (String k : keys) {
            rowItems.add(Nodes.id(k));
            probeItems.add(Nodes.id(k));
        }
        rowItems.add(Nodes.as(Nodes.nullLiteral(), T));
        probeItems.add(Nodes.id(T));
        rowItems.add(Nodes.id(TU));
        probeItems.add(Nodes.id(TU));
        if (hop > 1) {
            for (int wi = 0; wi < windows.size(); wi++) {
                rowItems.add(Nodes.as(Nodes.number(exclusive ? 1 : 0), offsetAlias(wi)));
                probeItems.add(Nodes.as(plus(Nodes.number(windows.get(wi)), floorMod(Nodes.id(TU), hop)), offsetAlias(wi)));
            }
        }
        Set<Need> inputs = new LinkedHashSet<>();
        needs.forEach(inputs::addAll);
        if (inputs.contains(new Need(Partial.ROWS, -1))) {
            rowItems.add(Nodes.as(Nodes.number(1), ONE));
            probeItems.add(Nodes.as(Nodes.nullLiteral(), ONE));
        }
        Map<String, SqlNode> columns = new LinkedHashMap<>();
        for (Need n : inputs) {
            for (Map.Entry<String, SqlNode> input : inputColumns(n, "").entrySet()) {
                columns.putIfAbsent(input.getKey(), input.getValue());
            }
        }
        columns.forEach((alias, expr) -> {
            rowItems.add(Nodes.as(expr, alias));
            probeItems.add(Nodes.as(Nodes.nullLiteral(), alias));
        });
        SqlNode onTime = createdTime
                ? SqlStdOperatorTable.LESS_THAN.createCall(POS, Nodes.id(TU), plus(Nodes.id(TILE), Nodes.number(hop)))
                : null;
        SqlNode union = SqlStdOperatorTable.UNION_ALL.createCall(POS,
                Nodes.select(probeItems, probeRelation, null, false),
                Nodes.select(rowItems, Nodes.id(ROWS), onTime, false));

        List<SqlNode> items = new ArrayList<>();
        items.add(Nodes.id(KIND));
        for (int i = 0; i < carried; i++) {
            items.add(Nodes.id(carriedAlias(i)));
        }
        keys.forEach(k -> items.add(Nodes.id(k)));
        items.add(Nodes.id(T));
        SqlNode end = exclusive ? SqlWindow.createPreceding(Nodes.number(1), POS) : SqlWindow.createCurrentRow(POS);
        for (int wi = 0; wi < windows.size(); wi++) {
            SqlNode start = hop > 1 ? Nodes.id(offsetAlias(wi)) : Nodes.number(windows.get(wi));
            SqlWindow frame = SqlWindow.create(null, null, keyList(keys), SqlNodeList.of(Nodes.id(TU)),
                    SqlLiteral.createBoolean(false, POS), SqlWindow.createPreceding(start, POS), end.clone(POS), null, POS);
            for (Need n : needs.get(wi)) {
                items.add(Nodes.as(SqlStdOperatorTable.OVER.createCall(POS, aggregate(n, null, ""), frame.clone(POS)),
                        alias("w" + wi, n)));
            }
        }
        return Nodes.select(items, Nodes.as(union, "__un"), null, false);
    }

    /** Name of the i-th spine column carried through {@link #carried}. */
    static String carriedAlias(int i) {
        return "__sp" + i;
    }

    private static String offsetAlias(int wi) {
        return "__off" + wi;
    }

    /**
     * The columns a partial reads, by alias: {@code __one}, the argument {@code __a<j>}, its
     * DOUBLE {@code __ad<j>} (variance) or its ordering key {@code __o<j>} (LAST). {@code q} is
     * a qualifier for the row columns ("" for none).
     */
    private Map<String, SqlNode> inputColumns(Need n, String q) {
        Map<String, SqlNode> columns = new LinkedHashMap<>();
        if (n.partial() == Partial.ROWS) {
            return columns;
        }
        int j = n.argument();
        switch (n.partial()) {
            case MEAN, VAR_POP -> columns.put(argDouble(j), Nodes.cast(col(q, arg(j)), SqlTypeName.DOUBLE));
            case LAST, LAST_KEY -> {
                columns.put(arg(j), col(q, arg(j)));
                columns.put(orderKey(j), dialect.orderingKey(List.of(col(q, E), col(q, C),
                        Nodes.isNotNull(col(q, arg(j))), col(q, arg(j)))));
            }
            default -> columns.put(arg(j), col(q, arg(j)));
        }
        return columns;
    }

    /**
     * The aggregate of a partial over the union's columns; with {@code gate}, inputs outside the
     * gate are NULL (ignored by every aggregate here). {@code q} qualifies row columns.
     */
    private SqlNode aggregate(Need n, SqlNode gate, String q) {
        int j = n.argument();
        return switch (n.partial()) {
            case ROWS -> Nodes.function("COUNT", gate == null ? (q.isEmpty() ? Nodes.id(ONE) : Nodes.number(1))
                    : Nodes.caseWhen(gate, Nodes.number(1), null));
            case COUNT -> Nodes.function("COUNT", gated(gate, input(n, arg(j), q)));
            case SUM -> Nodes.function("SUM", gated(gate, input(n, arg(j), q)));
            case MIN -> Nodes.function("MIN", gated(gate, input(n, arg(j), q)));
            case MAX -> Nodes.function("MAX", gated(gate, input(n, arg(j), q)));
            case MEAN -> Nodes.function("AVG", gated(gate, input(n, argDouble(j), q)));
            case AVG -> Nodes.function("AVG", gated(gate, input(n, arg(j), q)));
            case VAR_POP -> Nodes.function("VAR_POP", gated(gate, input(n, argDouble(j), q)));
            case LAST -> dialect.argMax(gated(gate, input(n, arg(j), q)), gated(gate, input(n, orderKey(j), q)));
            case LAST_KEY -> Nodes.function("MAX", gated(gate, input(n, orderKey(j), q)));
        };
    }

    /** An input column: by name in the union, or computed from the late rows' columns. */
    private SqlNode input(Need n, String alias, String q) {
        if (q.isEmpty()) {
            return Nodes.id(alias);
        }
        return inputColumns(n, q).get(alias).clone(POS);
    }

    private static SqlNode gated(SqlNode gate, SqlNode value) {
        return gate == null ? value : Nodes.caseWhen(gate.clone(POS), value, null);
    }

    // ------------------------------------------------------------------ late rows

    /**
     * Partials of the late rows per probe point: rows visible after their tile closed, with
     * tile start in {@code [s_T - W_max, s_T - g]} and visible at T, joined on key and bucket.
     */
    private SqlNode late(List<Set<Need>> needs, boolean exclusive) {
        List<String> keys = vs.keyAliases();
        long span = longest; // bucket width W_max
        List<SqlNode> lateWhere = List.of(
                SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS, Nodes.id(TU), plus(Nodes.id(TILE), Nodes.number(hop))),
                // later than W_max past its tile: in no window, ever
                SqlStdOperatorTable.LESS_THAN.createCall(POS, Nodes.id(TU), plus(Nodes.id(TILE), Nodes.number(longest + hop))));
        SqlNode first = bucket(plus(Nodes.id(TILE), Nodes.number(hop)), span);
        SqlNode last = bucket(plus(Nodes.id(TILE), Nodes.number(longest)), span);
        List<SqlNode> cols = new ArrayList<>();
        keys.forEach(k -> cols.add(Nodes.id(k)));
        cols.add(Nodes.id(E));
        cols.add(Nodes.id(C));
        cols.add(Nodes.id(TU));
        cols.add(Nodes.id(TILE));
        for (int j = 0; j < arguments.size(); j++) {
            cols.add(Nodes.id(arg(j)));
        }
        List<SqlNode> firstItems = new ArrayList<>(cols);
        firstItems.add(Nodes.as(first, BUCKET));
        List<SqlNode> lastItems = new ArrayList<>();
        cols.forEach(c -> lastItems.add(c.clone(POS)));
        lastItems.add(Nodes.as(last.clone(POS), BUCKET));
        List<SqlNode> secondWhere = new ArrayList<>();
        lateWhere.forEach(w -> secondWhere.add(w.clone(POS)));
        secondWhere.add(SqlStdOperatorTable.NOT_EQUALS.createCall(POS, last.clone(POS), first.clone(POS)));
        SqlNode lateRows = SqlStdOperatorTable.UNION_ALL.createCall(POS,
                Nodes.select(firstItems, Nodes.id(ROWS), Nodes.and(lateWhere), false),
                Nodes.select(lastItems, Nodes.id(ROWS), Nodes.and(secondWhere), false));

        List<SqlNode> on = new ArrayList<>();
        for (String k : keys) {
            on.add(Nodes.eq(Nodes.id("__lp", k), Nodes.id("__lr", k)));
        }
        on.add(Nodes.eq(Nodes.id("__lr", BUCKET), bucket(Nodes.id("__lp", TILE), span)));
        on.add(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS, Nodes.id("__lr", TILE),
                minus(Nodes.id("__lp", TILE), Nodes.number(longest))));
        on.add(SqlStdOperatorTable.LESS_THAN.createCall(POS, Nodes.id("__lr", TILE), Nodes.id("__lp", TILE)));
        on.add((exclusive ? SqlStdOperatorTable.LESS_THAN : SqlStdOperatorTable.LESS_THAN_OR_EQUAL)
                .createCall(POS, Nodes.id("__lr", TU), Nodes.id("__lp", TU)));
        SqlNode join = new SqlJoin(POS, Nodes.as(Nodes.id(PROBES), "__lp"),
                SqlLiteral.createBoolean(false, POS), JoinType.INNER.symbol(POS),
                Nodes.as(lateRows, "__lr"), JoinConditionType.ON.symbol(POS), Nodes.and(on));

        List<SqlNode> items = new ArrayList<>();
        List<SqlNode> group = new ArrayList<>();
        for (String k : keys) {
            items.add(Nodes.as(Nodes.id("__lp", k), k));
            group.add(Nodes.id("__lp", k));
        }
        items.add(Nodes.as(Nodes.id("__lp", T), T));
        group.add(Nodes.id("__lp", T));
        for (int wi = 0; wi < windows.size(); wi++) {
            long w = windows.get(wi);
            SqlNode gate = w == longest ? null : SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS,
                    Nodes.id("__lr", TILE), minus(Nodes.id("__lp", TILE), Nodes.number(w)));
            for (Need n : needs.get(wi)) {
                items.add(Nodes.as(aggregate(n, gate, "__lr"), alias("l" + wi, n)));
            }
        }
        SqlSelect select = Nodes.select(items, join, null, false);
        select.setGroupBy(new SqlNodeList(group, POS));
        return select;
    }

    // ------------------------------------------------------------------ distinct counts

    /**
     * Per probe point, for each COUNT(DISTINCT)/APPROX_COUNT_DISTINCT feature {@code i}: the
     * running sum of presence transitions, {@code __z<i>} (distinct count, or the change of the
     * sketch's Z from an empty sketch) and {@code __v<i>} (change of the number of empty registers).
     */
    private SqlNode distinctCounts(List<Feature> distinct, boolean exclusive) {
        List<String> keys = vs.keyAliases();
        // 1. rows with a non-NULL argument: presence token, rank, enter/leave instants.
        List<SqlNode> tokens = new ArrayList<>();
        for (int i = 0; i < distinct.size(); i++) {
            WindowAggregate a = aggregate(distinct.get(i));
            boolean sketch = a.function() == WindowFunction.APPROX_COUNT_DISTINCT;
            SqlNode value = Nodes.id(arg(arguments.indexOf(a.argument().orElseThrow())));
            List<SqlNode> inner = new ArrayList<>();
            keys.forEach(k -> inner.add(Nodes.id(k)));
            inner.add(Nodes.as(exclusive ? plus(Nodes.id(TU), Nodes.number(1)) : Nodes.id(TU), "__in"));
            inner.add(Nodes.as(plus(Nodes.id(TILE), Nodes.number(a.windowMicros() + hop)), "__out"));
            if (sketch) {
                SqlNode hex = dialect.md5Hex(Nodes.cast(value, SqlTypeName.VARCHAR));
                inner.add(Nodes.as(dialect.hexToBigint(Nodes.function("SUBSTR", hex, Nodes.number(1), Nodes.number(3))), "__bi"));
                inner.add(Nodes.as(dialect.hexToBigint(Nodes.function("SUBSTR", hex.clone(POS), Nodes.number(4),
                        Nodes.number(12))), "__h"));
                inner.add(Nodes.as(castVarchar(Nodes.nullLiteral()), "__bs"));
            } else {
                inner.add(Nodes.as(Nodes.cast(Nodes.nullLiteral(), SqlTypeName.BIGINT), "__bi"));
                inner.add(Nodes.as(Nodes.number(0), "__h"));
                inner.add(Nodes.as(castVarchar(value.clone(POS)), "__bs"));
            }
            SqlNode rows = Nodes.select(inner, Nodes.id(ROWS), Nodes.isNotNull(value.clone(POS)), false);
            List<SqlNode> outer = new ArrayList<>();
            outer.add(Nodes.as(Nodes.number(i), "__fid"));
            keys.forEach(k -> outer.add(Nodes.id(k)));
            outer.add(Nodes.id("__in"));
            outer.add(Nodes.id("__out"));
            outer.add(Nodes.id("__bi"));
            outer.add(Nodes.id("__bs"));
            outer.add(Nodes.as(sketch ? rank(Nodes.id("__h")) : Nodes.number(1), "__r"));
            tokens.add(Nodes.select(outer, Nodes.as(rows, "__t0"), SqlStdOperatorTable.LESS_THAN.createCall(POS,
                    Nodes.id("__in"), Nodes.id("__out")), false));
        }
        SqlNode tokenRows = unionAll(tokens);

        // 2. +1 when a row enters, -1 when it leaves, per (feature, key, token, level <= rank).
        List<SqlNode> partition = new ArrayList<>();
        partition.add(Nodes.id("__fid"));
        keys.forEach(k -> partition.add(Nodes.id(k)));
        partition.add(Nodes.id("__bi"));
        partition.add(Nodes.id("__bs"));
        partition.add(Nodes.id("__lvl"));
        // Each (token, level) row once, paired with the two sides of its presence interval.
        List<SqlNode> items = new ArrayList<>();
        partition.forEach(p -> items.add(p.clone(POS)));
        items.add(Nodes.id("__term"));
        items.add(Nodes.as(Nodes.caseWhen(Nodes.eq(Nodes.id("__delta"), Nodes.number(1)), Nodes.id("__in"), Nodes.id("__out")),
                "__time"));
        items.add(Nodes.id("__delta"));
        SqlNode withLevels = join(JoinType.INNER, Nodes.as(tokenRows, "__tk"), levels(),
                SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, Nodes.id("__lvl"), Nodes.id("__r")));
        SqlNode sides = SqlStdOperatorTable.AS.createCall(POS, SqlStdOperatorTable.VALUES.createCall(POS,
                SqlStdOperatorTable.ROW.createCall(POS, Nodes.number(1)), SqlStdOperatorTable.ROW.createCall(POS, Nodes.number(-1))),
                Nodes.id("__side"), Nodes.id("__delta"));
        SqlNode events = Nodes.select(items, join(JoinType.CROSS, withLevels, sides, null), null, false);
        List<SqlNode> groupItems = new ArrayList<>();
        List<SqlNode> group = new ArrayList<>();
        for (SqlNode p : partition) {
            groupItems.add(p.clone(POS));
            group.add(p.clone(POS));
        }
        groupItems.add(Nodes.id("__term"));
        group.add(Nodes.id("__term"));
        groupItems.add(Nodes.id("__time"));
        group.add(Nodes.id("__time"));
        groupItems.add(Nodes.as(Nodes.function("SUM", Nodes.id("__delta")), "__delta"));
        SqlSelect grouped = Nodes.select(groupItems, Nodes.as(events, "__ev"), null, false);
        grouped.setGroupBy(new SqlNodeList(group, POS));

        // 3. Rows present after each instant, per token and level; keep the instants where the
        //    count leaves or reaches 0.
        List<SqlNode> countItems = new ArrayList<>();
        countItems.add(Nodes.id("__fid"));
        keys.forEach(k -> countItems.add(Nodes.id(k)));
        countItems.add(Nodes.id("__lvl"));
        countItems.add(Nodes.id("__term"));
        countItems.add(Nodes.id("__time"));
        countItems.add(Nodes.id("__delta"));
        SqlWindow byTime = SqlWindow.create(null, null, new SqlNodeList(partition.stream().map(p -> p.clone(POS)).toList(), POS),
                SqlNodeList.of(Nodes.id("__time")), SqlLiteral.createBoolean(true, POS),
                SqlWindow.createUnboundedPreceding(POS), SqlWindow.createCurrentRow(POS), null, POS);
        countItems.add(Nodes.as(SqlStdOperatorTable.OVER.createCall(POS, Nodes.function("SUM", Nodes.id("__delta")), byTime),
                "__n"));
        SqlNode counted = Nodes.select(countItems, Nodes.as(grouped, "__eg"), null, false);
        SqlNode appears = Nodes.and(List.of(Nodes.eq(Nodes.id("__n"), Nodes.id("__delta")),
                SqlStdOperatorTable.GREATER_THAN.createCall(POS, Nodes.id("__delta"), Nodes.number(0))));
        SqlNode vanishes = Nodes.and(List.of(Nodes.eq(Nodes.id("__n"), Nodes.number(0)),
                SqlStdOperatorTable.LESS_THAN.createCall(POS, Nodes.id("__delta"), Nodes.number(0))));
        // +1 when a value (or a level of a register) appears, -1 when it vanishes.
        SqlNode sign = Nodes.caseWhen(Nodes.eq(Nodes.id("__n"), Nodes.number(0)), Nodes.number(-1), Nodes.number(1));

        // 4. Transitions summed per (key, instant), one column pair per feature.
        List<SqlNode> tItems = new ArrayList<>();
        List<SqlNode> tGroup = new ArrayList<>();
        keys.forEach(k -> {
            tItems.add(Nodes.id(k));
            tGroup.add(Nodes.id(k));
        });
        tItems.add(Nodes.id("__time"));
        tGroup.add(Nodes.id("__time"));
        for (int i = 0; i < distinct.size(); i++) {
            boolean sketch = aggregate(distinct.get(i)).function() == WindowFunction.APPROX_COUNT_DISTINCT;
            SqlNode mine = Nodes.eq(Nodes.id("__fid"), Nodes.number(i));
            // Z falls by 2^(49 - level) when a level appears; a distinct value adds one.
            SqlNode dz = sketch ? times(SqlStdOperatorTable.UNARY_MINUS.createCall(POS, sign.clone(POS)), Nodes.id("__term"))
                    : sign.clone(POS);
            tItems.add(Nodes.as(Nodes.function("SUM", Nodes.caseWhen(mine, dz, null)), "__dz" + i));
            if (sketch) {
                // the number of empty registers falls by one when level 1 of a register appears
                SqlNode dv = Nodes.caseWhen(Nodes.and(List.of(mine.clone(POS), Nodes.eq(Nodes.id("__lvl"), Nodes.number(1)))),
                        SqlStdOperatorTable.UNARY_MINUS.createCall(POS, sign.clone(POS)), null);
                tItems.add(Nodes.as(Nodes.function("SUM", dv), "__dv" + i));
            }
        }
        SqlSelect transitions = Nodes.select(tItems, Nodes.as(counted, "__ec"),
                SqlStdOperatorTable.OR.createCall(POS, appears, vanishes), false);
        transitions.setGroupBy(new SqlNodeList(tGroup, POS));

        // 5. Running sums per key, merged with the probes (transitions at T apply to a probe at T:
        //    the enter instant already says whether a row at T counts).
        List<SqlNode> evItems = new ArrayList<>();
        List<SqlNode> prItems = new ArrayList<>();
        evItems.add(Nodes.as(Nodes.number(0), KIND));
        prItems.add(Nodes.as(Nodes.number(1), KIND));
        for (String k : keys) {
            evItems.add(Nodes.id(k));
            prItems.add(Nodes.id(k));
        }
        evItems.add(Nodes.as(Nodes.nullLiteral(), T));
        prItems.add(Nodes.id(T));
        evItems.add(Nodes.as(Nodes.id("__time"), TU));
        prItems.add(Nodes.id(TU));
        List<String> sums = new ArrayList<>();
        for (int i = 0; i < distinct.size(); i++) {
            sums.add("__dz" + i);
            if (aggregate(distinct.get(i)).function() == WindowFunction.APPROX_COUNT_DISTINCT) {
                sums.add("__dv" + i);
            }
        }
        for (String s : sums) {
            evItems.add(Nodes.id(s));
            prItems.add(Nodes.as(Nodes.nullLiteral(), s));
        }
        SqlNode merged = SqlStdOperatorTable.UNION_ALL.createCall(POS, Nodes.select(evItems, Nodes.as(transitions, "__tr"), null, false),
                Nodes.select(prItems, Nodes.id(PROBES), null, false));
        SqlWindow running = SqlWindow.create(null, null, keyList(keys), SqlNodeList.of(Nodes.id(TU), Nodes.id(KIND)),
                SqlLiteral.createBoolean(true, POS), SqlWindow.createUnboundedPreceding(POS), SqlWindow.createCurrentRow(POS),
                null, POS);
        List<SqlNode> runItems = new ArrayList<>();
        runItems.add(Nodes.id(KIND));
        keys.forEach(k -> runItems.add(Nodes.id(k)));
        runItems.add(Nodes.id(T));
        for (String s : sums) {
            runItems.add(Nodes.as(SqlStdOperatorTable.OVER.createCall(POS, Nodes.function("SUM", Nodes.id(s)), running.clone(POS)),
                    s));
        }
        SqlNode run = Nodes.select(runItems, Nodes.as(merged, "__dm"), null, false);
        List<SqlNode> outItems = new ArrayList<>();
        keys.forEach(k -> outItems.add(Nodes.id(k)));
        outItems.add(Nodes.id(T));
        sums.forEach(s -> outItems.add(Nodes.id(s)));
        return Nodes.select(outItems, Nodes.as(run, "__dr"), Nodes.eq(Nodes.id(KIND), Nodes.number(1)), false);
    }

    /** {@code (VALUES (1, 2^48), …, (49, 1)) AS __lv(__lvl, __term)}: rank levels and their Z terms. */
    private static SqlNode levels() {
        List<SqlNode> rows = new ArrayList<>();
        for (int level = 1; level <= HyperLogLog.MAX_RANK; level++) {
            rows.add(SqlStdOperatorTable.ROW.createCall(POS, Nodes.number(level), Nodes.number(HyperLogLog.term(level))));
        }
        SqlNode values = SqlStdOperatorTable.VALUES.createCall(POS, rows);
        return SqlStdOperatorTable.AS.createCall(POS, values, Nodes.id("__lv"), Nodes.id("__lvl"), Nodes.id("__term"));
    }

    /** Rank of a 48-bit number: leading zeros + 1, as {@link HyperLogLog#rank} (49 for zero). */
    private static SqlNode rank(SqlNode low48) {
        List<SqlNode> when = new ArrayList<>();
        List<SqlNode> then = new ArrayList<>();
        for (int bit = HyperLogLog.RANK_BITS - 1; bit >= 0; bit--) {
            when.add(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS, low48.clone(POS), Nodes.number(1L << bit)));
            then.add(Nodes.number(HyperLogLog.RANK_BITS - bit));
        }
        return SqlStdOperatorTable.CASE.createCall(POS, null, new SqlNodeList(when, POS), new SqlNodeList(then, POS),
                Nodes.number(HyperLogLog.MAX_RANK));
    }

    // ------------------------------------------------------------------ combining the parts

    /** One feature's value at the probe point, from its parts. */
    private SqlNode feature(Feature f, List<Feature> distinct) {
        WindowAggregate a = aggregate(f);
        int wi = windows.indexOf(a.windowMicros());
        int j = a.argument().map(arguments::indexOf).orElse(-1);
        return switch (a.function()) {
            case COUNT_ROWS -> Nodes.cast(total(parts(wi, new Need(Partial.ROWS, -1))), SqlTypeName.BIGINT);
            case COUNT -> Nodes.cast(total(parts(wi, new Need(Partial.COUNT, j))), SqlTypeName.BIGINT);
            // One part: SUM and AVG of nothing are NULL already, as written by hand.
            case SUM -> castTo(!createdTime ? Nodes.id(W, alias("w" + wi, new Need(Partial.SUM, j)))
                    : Nodes.caseWhen(Nodes.eq(total(parts(wi, new Need(Partial.COUNT, j))), Nodes.number(0)),
                            Nodes.nullLiteral(), total(parts(wi, new Need(Partial.SUM, j)))), f.type());
            case AVG -> directAverage(j) ? Nodes.id(W, alias("w" + wi, new Need(Partial.AVG, j)))
                    : Nodes.caseWhen(Nodes.eq(total(parts(wi, new Need(Partial.COUNT, j))), Nodes.number(0)), Nodes.nullLiteral(),
                    SqlStdOperatorTable.DIVIDE.createCall(POS,
                            Nodes.cast(total(parts(wi, new Need(Partial.SUM, j))), SqlTypeName.DOUBLE),
                            Nodes.cast(total(parts(wi, new Need(Partial.COUNT, j))), SqlTypeName.DOUBLE)));
            case MIN -> extreme("LEAST", parts(wi, new Need(Partial.MIN, j)));
            case MAX -> extreme("GREATEST", parts(wi, new Need(Partial.MAX, j)));
            case LAST -> last(parts(wi, new Need(Partial.LAST, j)), parts(wi, new Need(Partial.LAST_KEY, j)));
            case VAR_SAMP, STDDEV_SAMP -> variance(wi, j, a.function() == WindowFunction.STDDEV_SAMP);
            case COUNT_DISTINCT, APPROX_COUNT_DISTINCT -> distinctValue(distinct.indexOf(f),
                    a.function() == WindowFunction.APPROX_COUNT_DISTINCT);
        };
    }

    /** The columns of one partial in each part: on-time rows, and late rows if any. */
    private List<SqlNode> parts(int wi, Need n) {
        List<SqlNode> parts = new ArrayList<>();
        parts.add(Nodes.id(W, alias("w" + wi, n)));
        if (createdTime) {
            parts.add(Nodes.id(L, alias("l" + wi, n)));
        }
        return parts;
    }

    /** Sum of parts, a missing part (no late rows for the probe) counting 0. */
    private static SqlNode total(List<SqlNode> parts) {
        SqlNode sum = null;
        for (SqlNode p : parts) {
            SqlNode term = SqlStdOperatorTable.COALESCE.createCall(POS, p.clone(POS), Nodes.number(0));
            sum = sum == null ? term : plus(sum, term);
        }
        return sum;
    }

    /**
     * LEAST/GREATEST of the non-NULL parts: each part is replaced by itself or, when NULL, by the
     * first non-NULL other part, so NULLs never decide (DuckDB's LEAST skips NULLs, Trino's
     * returns NULL).
     */
    private static SqlNode extreme(String function, List<SqlNode> parts) {
        if (parts.size() == 1) {
            return parts.get(0).clone(POS);
        }
        List<SqlNode> args = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            List<SqlNode> order = new ArrayList<>();
            order.add(parts.get(i).clone(POS));
            for (int k = 0; k < parts.size(); k++) {
                if (k != i) {
                    order.add(parts.get(k).clone(POS));
                }
            }
            args.add(SqlStdOperatorTable.COALESCE.createCall(POS, order));
        }
        return Nodes.function(function, args.toArray(SqlNode[]::new));
    }

    /** LAST: the value of the part whose latest row has the greatest ordering key. */
    private static SqlNode last(List<SqlNode> values, List<SqlNode> keys) {
        if (values.size() == 1) {
            return values.get(0).clone(POS);
        }
        SqlNode greatest = extreme("GREATEST", keys);
        List<SqlNode> when = new ArrayList<>();
        List<SqlNode> then = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            when.add(Nodes.eq(keys.get(i).clone(POS), greatest.clone(POS)));
            then.add(values.get(i).clone(POS));
        }
        return SqlStdOperatorTable.CASE.createCall(POS, null, new SqlNodeList(when, POS), new SqlNodeList(then, POS),
                Nodes.nullLiteral());
    }

    /** (n, mean, M2) of a part; n is 0 and mean, M2 are 0 when the part has no value. */
    private record Moments(SqlNode n, SqlNode mean, SqlNode m2) {}

    /** VAR_SAMP or STDDEV_SAMP: the parts' moments merged pairwise, then M2 / (n - 1) when n >= 2. */
    private SqlNode variance(int wi, int j, boolean stddev) {
        List<SqlNode> counts = parts(wi, new Need(Partial.COUNT, j));
        List<SqlNode> means = parts(wi, new Need(Partial.MEAN, j));
        List<SqlNode> vars = parts(wi, new Need(Partial.VAR_POP, j));
        Moments m = null;
        for (int i = 0; i < counts.size(); i++) {
            SqlNode n = SqlStdOperatorTable.COALESCE.createCall(POS, counts.get(i), Nodes.number(0));
            Moments part = new Moments(n,
                    SqlStdOperatorTable.COALESCE.createCall(POS, means.get(i), zero()),
                    SqlStdOperatorTable.COALESCE.createCall(POS, times(vars.get(i), n.clone(POS)), zero()));
            m = m == null ? part : merge(m, part);
        }
        SqlNode variance = SqlStdOperatorTable.DIVIDE.createCall(POS, m.m2(),
                Nodes.cast(minus(m.n().clone(POS), Nodes.number(1)), SqlTypeName.DOUBLE));
        SqlNode value = stddev ? Nodes.function("SQRT", variance) : variance;
        return Nodes.caseWhen(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS, m.n().clone(POS), Nodes.number(2)),
                value, null);
    }

    /**
     * Chan et al.: n = na + nb, δ = mean_b - mean_a, mean = mean_a + δ·nb/n,
     * M2 = M2a + M2b + δ²·na·nb/n (0 and 0 when n = 0), as {@code MomentsAccumulator.merge}.
     */
    private static Moments merge(Moments a, Moments b) {
        SqlNode n = plus(a.n().clone(POS), b.n().clone(POS));
        SqlNode nDouble = Nodes.cast(n, SqlTypeName.DOUBLE);
        SqlNode delta = minus(b.mean().clone(POS), a.mean().clone(POS));
        SqlNode empty = Nodes.eq(n.clone(POS), Nodes.number(0));
        SqlNode mean = Nodes.caseWhen(empty, zero(), plus(a.mean().clone(POS),
                SqlStdOperatorTable.DIVIDE.createCall(POS, times(delta, b.n().clone(POS)), nDouble)));
        SqlNode m2 = Nodes.caseWhen(empty.clone(POS), zero(), plus(plus(a.m2().clone(POS), b.m2().clone(POS)),
                SqlStdOperatorTable.DIVIDE.createCall(POS,
                        times(times(times(delta.clone(POS), delta.clone(POS)), a.n().clone(POS)), b.n().clone(POS)),
                        nDouble.clone(POS))));
        return new Moments(n.clone(POS), mean, m2);
    }

    /** A distinct count, or the sketch's estimate from Z and V as {@link HyperLogLog#estimate}. */
    private static SqlNode distinctValue(int i, boolean sketch) {
        SqlNode dz = SqlStdOperatorTable.COALESCE.createCall(POS, Nodes.id(D, "__dz" + i), Nodes.number(0));
        if (!sketch) {
            return Nodes.cast(dz, SqlTypeName.BIGINT);
        }
        SqlNode z = Nodes.cast(Nodes.cast(plus(Nodes.number(HyperLogLog.EMPTY_SUM), dz), SqlTypeName.BIGINT),
                SqlTypeName.DOUBLE);
        SqlNode v = Nodes.cast(plus(Nodes.number(HyperLogLog.REGISTERS),
                SqlStdOperatorTable.COALESCE.createCall(POS, Nodes.id(D, "__dv" + i), Nodes.number(0))), SqlTypeName.DOUBLE);
        SqlNode raw = SqlStdOperatorTable.DIVIDE.createCall(POS,
                SqlLiteral.createApproxNumeric(Double.toString(HyperLogLog.SCALED_NUMERATOR), POS), z);
        SqlNode m = SqlLiteral.createApproxNumeric(HyperLogLog.REGISTERS + "E0", POS);
        SqlNode linear = times(m, Nodes.function("LN", SqlStdOperatorTable.DIVIDE.createCall(POS, m.clone(POS), v)));
        SqlNode small = Nodes.and(List.of(
                SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, raw.clone(POS),
                        SqlLiteral.createApproxNumeric(2.5 * HyperLogLog.REGISTERS + "E0", POS)),
                SqlStdOperatorTable.GREATER_THAN.createCall(POS, v.clone(POS), SqlLiteral.createApproxNumeric("0E0", POS))));
        SqlNode estimate = Nodes.caseWhen(small, linear, raw);
        return Nodes.cast(Nodes.function("FLOOR", plus(estimate, SqlLiteral.createApproxNumeric("0.5E0", POS))),
                SqlTypeName.BIGINT);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Which partials each window needs (by window index), in a stable order; with
     * {@code keyPresence}, ROWS of the longest window (it says whether the view has the key).
     */
    private List<Set<Need>> needs(boolean keyPresence) {
        List<Set<Need>> needs = new ArrayList<>();
        windows.forEach(w -> needs.add(new LinkedHashSet<>()));
        if (keyPresence) {
            needs.get(windows.size() - 1).add(new Need(Partial.ROWS, -1));
        }
        for (Feature f : features) {
            WindowAggregate a = aggregate(f);
            Set<Need> n = needs.get(windows.indexOf(a.windowMicros()));
            int j = a.argument().map(arguments::indexOf).orElse(-1);
            switch (a.function()) {
                case COUNT_ROWS -> n.add(new Need(Partial.ROWS, -1));
                case COUNT -> n.add(new Need(Partial.COUNT, j));
                case SUM -> {
                    n.add(new Need(Partial.SUM, j));
                    if (createdTime) {
                        n.add(new Need(Partial.COUNT, j));
                    }
                }
                case AVG -> {
                    if (directAverage(j)) {
                        n.add(new Need(Partial.AVG, j));
                    } else {
                        n.add(new Need(Partial.COUNT, j));
                        n.add(new Need(Partial.SUM, j));
                    }
                }
                case MIN -> n.add(new Need(Partial.MIN, j));
                case MAX -> n.add(new Need(Partial.MAX, j));
                case VAR_SAMP, STDDEV_SAMP -> {
                    n.add(new Need(Partial.COUNT, j));
                    n.add(new Need(Partial.MEAN, j));
                    n.add(new Need(Partial.VAR_POP, j));
                }
                case LAST -> {
                    n.add(new Need(Partial.LAST, j));
                    n.add(new Need(Partial.LAST_KEY, j));
                }
                default -> { }
            }
        }
        return needs;
    }

    /**
     * Whether AVG of argument j is the engine's AVG over one part: no late rows to merge, and a
     * floating-point column, whose average is a double sum divided either way (an engine's AVG of
     * a DECIMAL may round to the argument's scale, and of an integer may not be exact).
     */
    private boolean directAverage(int j) {
        if (createdTime || !(Expressions.parse(arguments.get(j)) instanceof SqlIdentifier id) || !id.isSimple()) {
            return false;
        }
        JDBCType type = vs.source().column(id.getSimple()).map(ColumnMetadata::jdbcType).orElse(JDBCType.OTHER);
        return type == JDBCType.DOUBLE || type == JDBCType.FLOAT || type == JDBCType.REAL;
    }

    private static boolean countsDistinct(Feature f) {
        WindowFunction fn = aggregate(f).function();
        return fn == WindowFunction.COUNT_DISTINCT || fn == WindowFunction.APPROX_COUNT_DISTINCT;
    }

    private static WindowAggregate aggregate(Feature f) {
        return f.aggregate().orElseThrow(() -> new IllegalStateException("not a windowed feature: " + f.name()));
    }

    private static String alias(String part, Need n) {
        return "__" + part + "_" + n.partial().name().toLowerCase(Locale.ROOT)
                + (n.argument() < 0 ? "" : Integer.toString(n.argument()));
    }

    private static String arg(int j) {
        return "__a" + j;
    }

    private static String argDouble(int j) {
        return "__ad" + j;
    }

    private static String orderKey(int j) {
        return "__o" + j;
    }

    private static SqlNode col(String qualifier, String column) {
        return qualifier.isEmpty() ? Nodes.id(column) : Nodes.id(qualifier, column);
    }

    /** {@code x - floorMod(x, g)}: the start of x's tile, exact for negative x too. */
    private SqlNode tileStart(SqlNode x) {
        return hop == 1 ? x : minus(x, floorMod(x.clone(POS), hop));
    }

    private static SqlNode bucket(SqlNode x, long width) {
        return minus(x, floorMod(x.clone(POS), width));
    }

    /** {@code MOD(MOD(x, m) + m, m)}: engines' MOD keeps the dividend's sign. */
    private static SqlNode floorMod(SqlNode x, long m) {
        return Nodes.function("MOD", plus(Nodes.function("MOD", x, Nodes.number(m)), Nodes.number(m)), Nodes.number(m));
    }

    private static SqlNode castTo(SqlNode value, ColumnMetadata type) {
        if (type.jdbcType() == JDBCType.DECIMAL) {
            return SqlStdOperatorTable.CAST.createCall(POS, value, new SqlDataTypeSpec(
                    new SqlBasicTypeNameSpec(SqlTypeName.DECIMAL, type.precision(), type.scale(), POS), POS));
        }
        return Nodes.cast(value, type.jdbcType() == JDBCType.BIGINT ? SqlTypeName.BIGINT : SqlTypeName.DOUBLE);
    }

    private static SqlNode castVarchar(SqlNode value) {
        return Nodes.cast(value, SqlTypeName.VARCHAR);
    }

    private static SqlNode zero() {
        return SqlLiteral.createApproxNumeric("0E0", POS);
    }

    private static SqlNode plus(SqlNode a, SqlNode b) {
        return SqlStdOperatorTable.PLUS.createCall(POS, a, b);
    }

    private static SqlNode minus(SqlNode a, SqlNode b) {
        return SqlStdOperatorTable.MINUS.createCall(POS, a, b);
    }

    private static SqlNode times(SqlNode a, SqlNode b) {
        return SqlStdOperatorTable.MULTIPLY.createCall(POS, a, b);
    }

    private static SqlNode unionAll(List<SqlNode> selects) {
        SqlNode u = selects.get(0);
        for (int i = 1; i < selects.size(); i++) {
            u = SqlStdOperatorTable.UNION_ALL.createCall(POS, u, selects.get(i));
        }
        return u;
    }

    private static SqlNodeList keyList(List<String> keys) {
        List<SqlNode> ids = new ArrayList<>();
        keys.forEach(k -> ids.add(Nodes.id(k)));
        return new SqlNodeList(ids, POS);
    }

    private static SqlWithItem withItem(String name, SqlNode query) {
        return new SqlWithItem(POS, Nodes.id(name), null, query);
    }

    private static SqlNode join(org.apache.calcite.sql.JoinType type, SqlNode left, SqlNode right, SqlNode on) {
        return new SqlJoin(POS, left, SqlLiteral.createBoolean(false, POS), type.symbol(POS), right,
                on == null ? JoinConditionType.NONE.symbol(POS)
                        : JoinConditionType.ON.symbol(POS), on);
    }

    /** {@code left LEFT JOIN right ON keys and probe time equal} (both sides have one row per probe point). */
    private SqlNode leftJoin(SqlNode left, SqlNode right, String rightAlias) {
        List<SqlNode> on = new ArrayList<>();
        for (String k : vs.keyAliases()) {
            on.add(Nodes.eq(Nodes.id(W, k), Nodes.id(rightAlias, k)));
        }
        on.add(Nodes.eq(Nodes.id(W, T), Nodes.id(rightAlias, T)));
        return new SqlJoin(POS, left, SqlLiteral.createBoolean(false, POS),
                JoinType.LEFT.symbol(POS), right,
                JoinConditionType.ON.symbol(POS), Nodes.and(on));
    }
}
