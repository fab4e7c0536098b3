package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.window.TileGrid;
import dev.asof.planner.window.WindowAggregate;
import java.sql.JDBCType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.TimestampString;

/**
 * Warehouse SQL that computes feature views for the online store. For latest-value views: the same
 * point-in-time relation the offline path uses ({@link PitRelation}), probed once per key at the
 * materialization time, so the online value of a key is by construction the offline value AS OF
 * that time. The TTL is not applied here: the rows carry the event instant of their value
 * ({@link #EVENT_COLUMN}) and lookups apply the TTL at the time they run. For windowed views:
 * the source rows of each key's longest window ({@link #windowRows}), from which the gateway
 * builds the key's tiles of partial aggregates with the same arithmetic the offline plan mirrors.
 */
public final class MaterializationQueries {
    /** Result column with the event instant of each row's value, in the dialect's instant form. */
    public static final String EVENT_COLUMN = PitRelation.EVENT_COLUMN;

    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private final Catalog catalog;
    private final EngineDialect dialect;

    public MaterializationQueries(Catalog catalog, EngineDialect dialect) {
        this.catalog = catalog;
        this.dialect = dialect;
    }

    /**
     * The view's rows as of {@code asOf} (visibility inclusive), for the keys that have a source
     * row that became visible in {@code (changedAfter, asOf]} (every key with a visible row when
     * {@code changedAfter} is empty). Columns: the view's columns, {@code __asof_t} (the
     * materialization time) and {@link #EVENT_COLUMN}.
     */
    public GeneratedQuery latestValues(FeatureView view, Optional<Instant> changedAfter, Instant asOf) {
        PitRelation relation = relation(view);
        SqlNode t = timestamp(asOf);
        SqlNode query = relation.buildForOnlineStore(relation.source().allKeysAt(t, changedKeys(relation.source(), changedAfter, asOf)),
                JDBCType.TIMESTAMP, changedAfter.isPresent());
        return generated(query);
    }

    /** The number of rows {@link #latestValues} returns at most: the keys it probes. */
    public GeneratedQuery changedKeyCount(FeatureView view, Optional<Instant> changedAfter, Instant asOf) {
        PitRelation relation = relation(view);
        SqlNode keys = relation.source().allKeysAt(timestamp(asOf), changedKeys(relation.source(), changedAfter, asOf));
        SqlNode count = Nodes.select(List.of(Nodes.as(SqlStdOperatorTable.COUNT.createCall(POS,
                SqlIdentifier.star(POS)), "n")), Nodes.as(keys, "__keys"), null, false);
        return generated(count);
    }

    /** Column of {@link #windowRows} with a row's event time, µs since the epoch. */
    public static final String ROW_EVENT = "__e";
    /** Column of {@link #windowRows} with a row's created time (its event time when it has none), µs. */
    public static final String ROW_CREATED = "__c";

    /**
     * The source rows the online tiles of a windowed view are built from: for the keys that
     * changed in {@code (changedAfter, asOf]} (every key when empty), the rows visible at
     * {@code asOf} whose event time is in the view's longest window at {@code asOf}. Columns: the
     * entity keys (in entity order, key types), {@link #ROW_EVENT}, {@link #ROW_CREATED}, then
     * one argument per non-key feature (NULL for {@code COUNT(*)}), ordered by key.
     */
    public GeneratedQuery windowRows(FeatureView view, Optional<Instant> changedAfter, Instant asOf) {
        ViewSource vs = viewSource(view);
        SqlNode rows = windowRowsNode(vs, changedAfter, asOf, false);
        return generated(rows);
    }

    /** The number of keys {@link #windowRows} returns rows for. */
    public GeneratedQuery windowKeyCount(FeatureView view, Optional<Instant> changedAfter, Instant asOf) {
        ViewSource vs = viewSource(view);
        SqlNode keys = windowRowsNode(vs, changedAfter, asOf, true);
        return generated(Nodes.select(List.of(Nodes.as(SqlStdOperatorTable.COUNT.createCall(POS,
                SqlIdentifier.star(POS)), "n")), Nodes.as(keys, "__keys"), null, false));
    }

    /**
     * The source rows created at or before {@code asOf} whose event time is after it: known to the
     * warehouse but not yet visible, so not in a view materialized as of {@code asOf}. Columns: the
     * source's columns except its created time, in declared order, then {@link #ROW_CREATED} (µs
     * since the epoch). What rows pushed ahead of their event time add to
     * an online view when that time comes.
     */
    public GeneratedQuery pendingRows(FeatureView view, Instant asOf) {
        ViewSource vs = viewSource(view);
        Source source = vs.source();
        long asOfMicros = TileGrid.micros(java.time.Duration.between(Instant.EPOCH, asOf));
        SqlNode e = dialect.epochMicros(Nodes.id(source.eventTime()), vs.columnType(source.eventTime()));
        SqlNode c = source.createdTime().<SqlNode>map(col -> SqlStdOperatorTable.COALESCE.createCall(POS,
                dialect.epochMicros(Nodes.id(col), vs.columnType(col)),
                dialect.epochMicros(Nodes.id(source.eventTime()), vs.columnType(source.eventTime())))).orElse(e);
        List<SqlNode> items = new ArrayList<>();
        for (dev.asof.spi.ColumnMetadata column : source.columns()) {
            if (source.createdTime().map(ct -> !ct.equalsIgnoreCase(column.name())).orElse(true)) {
                items.add(Nodes.id(column.name()));
            }
        }
        items.add(Nodes.as(c, ROW_CREATED));
        List<SqlNode> where = List.of(Nodes.isNotNull(Nodes.id(source.eventTime())),
                SqlStdOperatorTable.GREATER_THAN.createCall(POS, e.clone(POS), Nodes.number(asOfMicros)),
                SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, c.clone(POS), Nodes.number(asOfMicros)));
        return generated(Nodes.select(items, Nodes.as(vs.relation(), "__src"), Nodes.and(where), false));
    }

    private SqlNode windowRowsNode(ViewSource vs, Optional<Instant> changedAfter, Instant asOf, boolean keysOnly) {
        FeatureView view = vs.view();
        Source source = vs.source();
        long asOfMicros = TileGrid.micros(java.time.Duration.between(Instant.EPOCH, asOf));
        long longest = view.features().stream().flatMap(f -> f.aggregate().stream())
                .mapToLong(WindowAggregate::windowMicros).max().orElseThrow();
        long start = view.grid().windowStart(asOfMicros, longest);
        SqlNode e = dialect.epochMicros(Nodes.id(source.eventTime()), vs.columnType(source.eventTime()));
        SqlNode c = source.createdTime().<SqlNode>map(col -> SqlStdOperatorTable.COALESCE.createCall(POS,
                dialect.epochMicros(Nodes.id(col), vs.columnType(col)),
                dialect.epochMicros(Nodes.id(source.eventTime()), vs.columnType(source.eventTime())))).orElse(e);

        List<SqlNode> items = new ArrayList<>();
        List<SqlNode> where = new ArrayList<>();
        List<String> keys = vs.keyAliases();
        for (int i = 0; i < keys.size(); i++) {
            items.add(Nodes.as(vs.key(i), keys.get(i)));
            where.add(Nodes.isNotNull(vs.rawKey(i)));
        }
        where.add(Nodes.isNotNull(Nodes.id(source.eventTime())));
        where.add(SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, e.clone(POS), Nodes.number(asOfMicros)));
        where.add(SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, c.clone(POS), Nodes.number(asOfMicros)));
        where.add(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS, e.clone(POS), Nodes.number(start)));
        if (changedAfter.isPresent()) {
            SqlNode changed = vs.allKeysAt(timestamp(asOf), changedKeys(vs, changedAfter, asOf));
            where.add(vs.probeKeysExist(changed));
        }
        if (keysOnly) {
            return Nodes.select(items, Nodes.as(vs.relation(), "__src"), Nodes.and(where), true);
        }
        items.add(Nodes.as(e, ROW_EVENT));
        items.add(Nodes.as(c, ROW_CREATED));
        int i = 0;
        for (Feature f : vs.nonKeyFeatures()) {
            SqlNode argument = f.aggregate().flatMap(WindowAggregate::argument).<SqlNode>map(Expressions::parse)
                    .orElse(Nodes.nullLiteral());
            items.add(Nodes.as(argument, "__a" + i++));
        }
        SqlNode select = Nodes.select(items, Nodes.as(vs.relation(), "__src"), Nodes.and(where), false);
        SqlNodeList order = new SqlNodeList(keys.stream().map(k -> (SqlNode) Nodes.id(k)).toList(), POS);
        return new SqlOrderBy(POS, select, order, null, null);
    }

    private List<SqlNode> changedKeys(ViewSource vs, Optional<Instant> changedAfter, Instant asOf) {
        List<SqlNode> filters = new ArrayList<>();
        Set<JDBCType> times = vs.timeTypes(JDBCType.TIMESTAMP);
        SqlNode upper = dialect.instant(timestamp(asOf), JDBCType.TIMESTAMP, times);
        filters.add(SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, vs.visibleInstant(times), upper));
        changedAfter.ifPresent(from -> filters.add(SqlStdOperatorTable.GREATER_THAN.createCall(POS,
                vs.visibleInstant(times), dialect.instant(timestamp(from), JDBCType.TIMESTAMP, times))));
        return filters;
    }

    private GeneratedQuery generated(SqlNode query) {
        String sql = query.toSqlString(c -> c.withDialect(dialect.sqlDialect())
                .withQuoteAllIdentifiers(true)
                .withAlwaysUseParentheses(false)
                .withIndentation(2)).getSql();
        return new GeneratedQuery(sql, List.of(), 0, dialect.name());
    }

    private PitRelation relation(FeatureView view) {
        return new PitRelation(viewSource(view));
    }

    private ViewSource viewSource(FeatureView view) {
        return new ViewSource(dialect, view, PitRelation.entityOf(catalog, view), PitRelation.sourceOf(catalog, view));
    }

    /** A TIMESTAMP literal (UTC wall clock, microseconds) for an instant. */
    private static SqlNode timestamp(Instant instant) {
        String text = LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(MICROS);
        return SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, new TimestampString(text), 6, POS);
    }
}
