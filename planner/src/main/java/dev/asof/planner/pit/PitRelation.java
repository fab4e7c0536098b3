package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;
import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.sql.EngineDialect;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.SqlTypes;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * Builds the relation "feature view as of T" for a set of probe points (key, T), in one engine's
 * SQL. The plan costs a sort of probes plus source rows per key, never a scan per probe:
 *
 * <ol>
 *   <li>union the source rows (at the instant they become visible: the later of event and created
 *       time) with the probe points (at T), per key;
 *   <li>order each key's rows by that instant; at equal instants source rows come first when
 *       visibility is inclusive ({@code <= T}) and last when exclusive ({@code < T});
 *   <li>carry, with a running arg-max over the ordering key (event time, created time, then the
 *       feature values: the documented tie rule), the features of the latest visible row;
 *   <li>keep probe rows whose latest row exists and is within the TTL ({@code e >= T - ttl}).
 * </ol>
 *
 * <p>The result has the view's columns plus {@link #TIME_COLUMN}, the probe's T, one row per
 * distinct probe point with a value.
 */
final class PitRelation {
    /** Column of the PIT relation holding the probe time it answers for. */
    static final String TIME_COLUMN = "__asof_t";
    /** Column with the event instant of the row a value comes from (online store materialization). */
    static final String EVENT_COLUMN = "__asof_e";

    private static final String KIND = "__kind";
    private static final String T = "__t";
    private static final String TU = "__tu";
    private static final String E = "__e";
    private static final String ORDER = "__o";

    private final EngineDialect dialect;
    private final FeatureView view;
    private final Entity entity;
    private final Source source;

    PitRelation(EngineDialect dialect, FeatureView view, Entity entity, Source source) {
        this.dialect = requireNonNull(dialect, "dialect");
        this.view = requireNonNull(view, "view");
        this.entity = requireNonNull(entity, "entity");
        this.source = requireNonNull(source, "source");
    }

    /** The entity a view is keyed by; fails if it was dropped under the view. */
    static Entity entityOf(Catalog catalog, FeatureView view) {
        return catalog.object(view.entity())
                .filter(Entity.class::isInstance)
                .map(Entity.class::cast)
                .orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT,
                        "entity '" + view.entity() + "' of feature view '" + view.name() + "' no longer exists"));
    }

    /** The source a view reads; fails if it was dropped under the view. */
    static Source sourceOf(Catalog catalog, FeatureView view) {
        return catalog.object(view.source())
                .filter(Source.class::isInstance)
                .map(Source.class::cast)
                .orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT,
                        "source '" + view.source() + "' of feature view '" + view.name() + "' no longer exists"));
    }

    /**
     * The view's rows at the probe points.
     *
     * @param probes a query with columns {@code k0..kn} (entity keys, in entity order, already of
     *     the key types) and {@code __t} (the probe time)
     * @param probeTimeType type of {@code __t}
     * @param exclusive whether visibility is {@code < T} rather than {@code <= T}
     * @param restrictToProbeKeys read only source rows whose key some probe has (worth it when the
     *     probes are a subset of the keys; not for "every key")
     */
    SqlNode build(SqlNode probes, JDBCType probeTimeType, boolean exclusive, boolean restrictToProbeKeys) {
        return build(probes, probeTimeType, exclusive, restrictToProbeKeys, false);
    }

    /**
     * As {@link #build(SqlNode, JDBCType, boolean, boolean)}; with {@code forOnlineStore} the TTL
     * is not applied and the chosen row's event instant is returned as {@link #EVENT_COLUMN}, so
     * that the online store can apply the TTL at lookup time.
     */
    SqlNode build(SqlNode probes, JDBCType probeTimeType, boolean exclusive, boolean restrictToProbeKeys,
            boolean forOnlineStore) {
        List<String> keys = keyAliases();
        List<Feature> features = nonKeyFeatures();

        // Source rows.
        SqlNode e = Nodes.id(source.eventTime());
        JDBCType eType = source.column(source.eventTime()).map(ColumnMetadata::jdbcType).orElse(JDBCType.TIMESTAMP);
        SqlNode eMicros = dialect.instant(e, eType);
        SqlNode visibleMicros = visibleInstant();
        List<SqlNode> orderFields = new ArrayList<>();
        orderFields.add(dialect.instant(Nodes.id(source.eventTime()), eType));
        createdInstant().ifPresent(orderFields::add);
        for (Feature f : features) {
            // Tie rule: among rows tied on (event, created) time, the greatest feature tuple wins, NULL lowest.
            orderFields.add(Nodes.isNotNull(Expressions.parse(f.expression())));
            orderFields.add(Expressions.parse(f.expression()));
        }

        List<SqlNode> sourceItems = new ArrayList<>();
        sourceItems.add(Nodes.as(Nodes.number(0), KIND));
        List<SqlNode> sourceWhere = new ArrayList<>();
        for (int i = 0; i < entity.keys().size(); i++) {
            Feature keyFeature = keyFeature(entity.keys().get(i).name());
            SqlNode keyExpr = Expressions.parse(keyFeature.expression());
            sourceItems.add(Nodes.as(Nodes.cast(keyExpr, SqlTypes.sqlTypeName(entity.keys().get(i).jdbcType())), keys.get(i)));
            sourceWhere.add(Nodes.isNotNull(keyExpr.clone(POS)));
        }
        sourceWhere.add(Nodes.isNotNull(Nodes.id(source.eventTime())));
        sourceItems.add(Nodes.as(Nodes.nullLiteral(), T));
        sourceItems.add(Nodes.as(visibleMicros, TU));
        sourceItems.add(Nodes.as(eMicros, E));
        sourceItems.add(Nodes.as(dialect.orderingKey(orderFields), ORDER));
        for (int i = 0; i < features.size(); i++) {
            sourceItems.add(Nodes.as(Expressions.parse(features.get(i).expression()), featureAlias(i)));
        }
        if (restrictToProbeKeys) {
            // Only keys some probe asks for: a selective spine (one customer) then sorts a few
            // source rows instead of all of them. A semi-join, so it never multiplies rows.
            List<SqlNode> match = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                SqlNode keyExpr = Expressions.parse(keyFeature(entity.keys().get(i).name()).expression());
                match.add(Nodes.eq(Nodes.id("__pk", keys.get(i)),
                        Nodes.cast(keyExpr, SqlTypes.sqlTypeName(entity.keys().get(i).jdbcType()))));
            }
            SqlNode probeKeys = Nodes.select(List.of(Nodes.number(1)), Nodes.as(probes.clone(POS), "__pk"), Nodes.and(match), false);
            sourceWhere.add(SqlStdOperatorTable.EXISTS.createCall(POS, probeKeys));
        }
        SqlNode sourceRows = Nodes.select(sourceItems, Nodes.as(sourceRelation(), "__src"), Nodes.and(sourceWhere), false);

        // Probe rows.
        List<SqlNode> probeItems = new ArrayList<>();
        probeItems.add(Nodes.as(Nodes.number(1), KIND));
        List<SqlNode> probeWhere = new ArrayList<>();
        for (String k : keys) {
            probeItems.add(Nodes.id(k));
            probeWhere.add(Nodes.isNotNull(Nodes.id(k)));
        }
        probeWhere.add(Nodes.isNotNull(Nodes.id(T)));
        probeItems.add(Nodes.id(T));
        probeItems.add(Nodes.as(dialect.instant(Nodes.id(T), probeTimeType), TU));
        probeItems.add(Nodes.as(Nodes.nullLiteral(), E));
        probeItems.add(Nodes.as(Nodes.nullLiteral(), ORDER));
        for (int i = 0; i < features.size(); i++) {
            probeItems.add(Nodes.as(Nodes.nullLiteral(), featureAlias(i)));
        }
        SqlNode probeRows = Nodes.select(probeItems, Nodes.as(probes, "__probe"), Nodes.and(probeWhere), false);

        SqlNode union = SqlStdOperatorTable.UNION_ALL.createCall(POS, sourceRows, probeRows);

        // Running arg-max per key, ordered by visibility instant.
        List<SqlNode> windowItems = new ArrayList<>();
        windowItems.add(Nodes.id(KIND));
        keys.forEach(k -> windowItems.add(Nodes.id(k)));
        windowItems.add(Nodes.id(T));
        windowItems.add(Nodes.id(TU));
        windowItems.add(Nodes.as(over(dialect.argMax(Nodes.id(E), Nodes.id(ORDER)), keys, exclusive), E));
        for (int i = 0; i < features.size(); i++) {
            windowItems.add(Nodes.as(over(dialect.argMax(Nodes.id(featureAlias(i)), Nodes.id(ORDER)), keys, exclusive),
                    featureAlias(i)));
        }
        SqlNode windowed = Nodes.select(windowItems, Nodes.as(union, "__u"), null, false);

        // Probe rows with a live value, renamed to the view's columns.
        List<SqlNode> outItems = new ArrayList<>();
        int featureIndex = 0;
        for (Feature f : view.features()) {
            int keyIndex = keyIndex(f.name());
            SqlNode value = keyIndex >= 0 ? Nodes.id(keys.get(keyIndex)) : Nodes.id(featureAlias(featureIndex++));
            outItems.add(Nodes.as(value, f.name()));
        }
        outItems.add(Nodes.as(Nodes.id(T), TIME_COLUMN));
        if (forOnlineStore) {
            outItems.add(Nodes.as(Nodes.id(E), EVENT_COLUMN));
        }
        List<SqlNode> outWhere = new ArrayList<>();
        outWhere.add(Nodes.eq(Nodes.id(KIND), Nodes.number(1)));
        outWhere.add(Nodes.isNotNull(Nodes.id(E)));
        view.ttl().filter(ttl -> !forOnlineStore).ifPresent(ttl -> outWhere.add(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS,
                Nodes.id(E),
                dialect.instantMinus(Nodes.id(TU), ttl))));
        return Nodes.select(outItems, Nodes.as(windowed, "__w"), Nodes.and(outWhere), false);
    }

    /**
     * The instant a source row becomes visible: its event time, or its created time when that is
     * later.
     */
    SqlNode visibleInstant() {
        JDBCType eType = source.column(source.eventTime()).map(ColumnMetadata::jdbcType).orElse(JDBCType.TIMESTAMP);
        SqlNode e = dialect.instant(Nodes.id(source.eventTime()), eType);
        return createdInstant().<SqlNode>map(c -> SqlLibraryOperators.GREATEST.createCall(POS, e, c)).orElse(e);
    }

    /** The source's created time as an instant, NULL counting as the event time; empty when it has none. */
    private Optional<SqlNode> createdInstant() {
        if (source.createdTime().isEmpty()) {
            return Optional.empty();
        }
        JDBCType eType = source.column(source.eventTime()).map(ColumnMetadata::jdbcType).orElse(JDBCType.TIMESTAMP);
        String c = source.createdTime().get();
        JDBCType cType = source.column(c).map(ColumnMetadata::jdbcType).orElse(JDBCType.TIMESTAMP);
        // A NULL created time counts as the event time: known as soon as it happened.
        return Optional.of(SqlStdOperatorTable.COALESCE.createCall(POS,
                dialect.instant(Nodes.id(c), cType), dialect.instant(Nodes.id(source.eventTime()), eType)));
    }

    /**
     * Probe query for "every key that has a source row", all at the same time {@code t}.
     *
     * @param keyFilters conditions over the source's columns (e.g. {@link #sourceKey} expressions,
     *     {@link #visibleInstant()}) that a row must meet for its key to be probed
     */
    SqlNode allKeysAt(SqlNode t, List<SqlNode> keyFilters) {
        List<String> keys = keyAliases();
        List<SqlNode> items = new ArrayList<>();
        List<SqlNode> where = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            SqlNode keyExpr = Expressions.parse(keyFeature(entity.keys().get(i).name()).expression());
            items.add(Nodes.as(Nodes.cast(keyExpr, SqlTypes.sqlTypeName(entity.keys().get(i).jdbcType())), keys.get(i)));
            where.add(Nodes.isNotNull(keyExpr.clone(POS)));
        }
        items.add(Nodes.as(t, T));
        where.addAll(keyFilters);
        return Nodes.select(items, Nodes.as(sourceRelation(), "__src"), Nodes.and(where), true);
    }

    /** The source's expression for one entity key column, in the key's type. */
    SqlNode sourceKey(String keyColumn) {
        for (int i = 0; i < entity.keys().size(); i++) {
            if (entity.keys().get(i).name().equalsIgnoreCase(keyColumn)) {
                SqlNode keyExpr = Expressions.parse(keyFeature(entity.keys().get(i).name()).expression());
                return Nodes.cast(keyExpr, SqlTypes.sqlTypeName(entity.keys().get(i).jdbcType()));
            }
        }
        throw new IllegalArgumentException("not a key of " + entity.name() + ": " + keyColumn);
    }

    /** Aliases of the key columns in probe queries: {@code __k0 .. __kn}. */
    List<String> keyAliases() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < entity.keys().size(); i++) {
            keys.add("__k" + i);
        }
        return keys;
    }

    static String probeTimeAlias() {
        return T;
    }

    private SqlNode over(SqlNode aggregate, List<String> keys, boolean exclusive) {
        SqlNodeList partition = new SqlNodeList(keys.stream().map(k -> (SqlNode) Nodes.id(k)).toList(), POS);
        // Inclusive: at equal instants source rows (kind 0) sort before probes (kind 1), so they are visible.
        SqlNode kindOrder = exclusive
                ? SqlStdOperatorTable.DESC.createCall(POS, Nodes.id(KIND))
                : Nodes.id(KIND);
        SqlNodeList order = SqlNodeList.of(Nodes.id(TU), kindOrder);
        SqlWindow window = SqlWindow.create(null, null, partition, order,
                SqlLiteral.createBoolean(true, POS),
                SqlWindow.createUnboundedPreceding(POS), SqlWindow.createCurrentRow(POS), null, POS);
        return SqlStdOperatorTable.OVER.createCall(POS, aggregate, window);
    }

    private SqlNode sourceRelation() {
        if (source.location() instanceof SourceLocation.Table t) {
            return Nodes.id(t.path());
        }
        return dialect.fileRelation((SourceLocation.File) source.location());
    }

    private List<Feature> nonKeyFeatures() {
        return view.features().stream().filter(f -> keyIndex(f.name()) < 0).toList();
    }

    private Feature keyFeature(String key) {
        return view.features().stream()
                .filter(f -> f.name().equalsIgnoreCase(key))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("view " + view.name() + " lacks key " + key));
    }

    private int keyIndex(String column) {
        for (int i = 0; i < entity.keys().size(); i++) {
            if (entity.keys().get(i).name().equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }

    private static String featureAlias(int i) {
        return "__f" + i;
    }
}
