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
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.SqlTypes;
import dev.asof.spi.warehouse.TieValue;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
final class PitRelation implements ViewRelation {
    /** Column with the event instant of the row a value comes from (online store materialization). */
    static final String EVENT_COLUMN = "__asof_e";

    private static final String KIND = "__kind";
    private static final String T = ViewSource.PROBE_TIME;
    private static final String TU = "__tu";
    private static final String E = "__e";
    private static final String ORDER = "__o";

    private final ViewSource vs;
    private final EngineDialect dialect;
    private final FeatureView view;
    private final Entity entity;
    private final Source source;

    PitRelation(ViewSource vs) {
        this.vs = requireNonNull(vs, "vs");
        this.dialect = vs.dialect();
        this.view = vs.view();
        this.entity = vs.entity();
        this.source = vs.source();
    }

    @Override
    public ViewSource source() {
        return vs;
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
     * {@inheritDoc}
     *
     * <p>A probe point whose key has no live value gets no row ({@code everyProbe} makes no
     * difference: a LEFT JOIN fills NULL features either way).
     */
    @Override
    public SqlNode build(SqlNode probes, JDBCType probeTimeType, boolean exclusive, boolean restrictToProbeKeys,
            boolean everyProbe) {
        return relation(probes, probeTimeType, exclusive, restrictToProbeKeys, false);
    }

    /**
     * The view's rows at the probe points, for the online store: visibility inclusive, the TTL
     * not applied, and the chosen row's event instant returned as {@link #EVENT_COLUMN}, so that
     * lookups apply the TTL at the time they run.
     */
    SqlNode buildForOnlineStore(SqlNode probes, JDBCType probeTimeType, boolean restrictToProbeKeys) {
        return relation(probes, probeTimeType, false, restrictToProbeKeys, true);
    }

    private SqlNode relation(SqlNode probes, JDBCType probeTimeType, boolean exclusive, boolean restrictToProbeKeys,
            boolean forOnlineStore) {
        List<String> keys = vs.keyAliases();
        List<Feature> features = vs.nonKeyFeatures();

        // Source rows.
        // The online store reads the event instant back as an instant (with its zone): no plain form there.
        Set<JDBCType> times = forOnlineStore ? Set.of() : vs.timeTypes(probeTimeType);
        SqlNode eMicros = vs.eventInstant(times);
        SqlNode visibleMicros = vs.visibleInstant(times);
        List<SqlNode> orderFields = new ArrayList<>();
        orderFields.add(vs.eventInstant(times));
        vs.createdInstant(times).ifPresent(orderFields::add);
        List<TieValue> tieValues = new ArrayList<>();
        for (Feature f : features) {
            // Tie rule: among rows tied on (event, created) time, the greatest feature tuple wins, NULL lowest.
            tieValues.add(new TieValue(Expressions.parse(f.expression()), f.type().jdbcType()));
        }

        List<SqlNode> sourceItems = new ArrayList<>();
        sourceItems.add(Nodes.as(Nodes.number(0), KIND));
        List<SqlNode> sourceWhere = new ArrayList<>();
        for (int i = 0; i < entity.keys().size(); i++) {
            sourceItems.add(Nodes.as(vs.key(i), keys.get(i)));
            sourceWhere.add(Nodes.isNotNull(vs.rawKey(i)));
        }
        sourceWhere.add(Nodes.isNotNull(Nodes.id(source.eventTime())));
        sourceItems.add(Nodes.as(Nodes.nullLiteral(), T));
        sourceItems.add(Nodes.as(visibleMicros, TU));
        sourceItems.add(Nodes.as(eMicros, E));
        sourceItems.add(Nodes.as(dialect.tieKey(orderFields, tieValues), ORDER));
        for (int i = 0; i < features.size(); i++) {
            sourceItems.add(Nodes.as(Expressions.parse(features.get(i).expression()), featureAlias(i)));
        }
        if (restrictToProbeKeys) {
            sourceWhere.add(vs.probeKeysExist(probes.clone(POS)));
        }
        SqlNode sourceRows = Nodes.select(sourceItems, Nodes.as(vs.relation(), "__src"), Nodes.and(sourceWhere), false);

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
        probeItems.add(Nodes.as(dialect.instant(Nodes.id(T), probeTimeType, times), TU));
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
            int keyIndex = vs.keyIndex(f.name());
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

    private static String featureAlias(int i) {
        return "__f" + i;
    }
}
