package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;
import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.SqlTypes;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.TieValue;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * {@code spine LEFT JOIN view AS OF t p ON p.key = k} (or an inner {@code JOIN}) for a latest-value
 * view on an engine without a native as-of join (Trino), as an expert writes it by hand: the
 * spine's rows are carried through one union with the source rows, so there are no distinct probe
 * points, no join back and one sort of spine plus events per key.
 *
 * <ol>
 *   <li>union the source rows (at their visibility instant {@code u = max(e, c)}, with their
 *       features) with the spine rows (at {@code T}, with every column of every spine relation);
 *   <li>one window per key ordered by instant, then kind (at equal instants source rows first when
 *       visibility is inclusive, last when {@code EXCLUSIVE}): without a created time the order
 *       goes on by the features ({@code NULLS FIRST}, the tie rule), so the latest visible row is
 *       the last source row before the spine row, {@code last_value(ROW(e, features)) IGNORE
 *       NULLS}; with a created time the latest row by {@code (e, c)} need not be the last visible
 *       one, so a running {@code max_by} over {@code (e, c, features)} picks it;
 *   <li>keep the spine rows; the value counts when the row exists and {@code e >= T - ttl};
 *   <li>give the spine relations and the view back their names with one {@code CROSS JOIN
 *       LATERAL (SELECT …)} projection each, so the rest of the query reads them as before.
 * </ol>
 *
 * <p>Without a created time the source rows are not filtered (in Trino's scan a filter costs more
 * than the window's sort): a source row with a NULL time sorts last, after every spine row with a
 * time, and a spine row with a NULL key or time gets no value whatever its partition holds, so its
 * features are NULL (LEFT) or it is dropped (inner), as the contract says. With a created time the
 * source rows with a NULL key or event time are filtered out (the max_by key cannot compare NULLs).
 *
 * <p>When the spine is the source itself probed {@code EXCLUSIVE} at each row's event time (each
 * row, the key's latest row strictly before it), the table is read once instead of twice: in one
 * window when the event time has an exact step ({@link #oneWindow}), else in two ({@link #oneScan}).
 */
final class SpineUnionJoin {
    /** A relation of the spine: its alias and its columns, in order. */
    record SpineRelation(String alias, List<String> columns) {
        SpineRelation {
            requireNonNull(alias, "alias");
            columns = List.copyOf(columns);
        }
    }

    private static final String KIND = "__kind";
    private static final String TU = "__tu";
    private static final String E = "__e";
    private static final String ORDER = "__o";
    private static final String ROW = "__r";
    private static final String HAS = "__has";
    private static final String PREVIOUS = "__prev";

    private final ViewSource vs;
    private final EngineDialect dialect;

    SpineUnionJoin(ViewSource vs) {
        this.vs = requireNonNull(vs, "vs");
        this.dialect = vs.dialect();
    }

    /**
     * The FROM item that replaces the join: the carried relation followed by one lateral
     * projection per spine relation and one for the view (named {@code viewAlias}).
     *
     * @param spine the join's left side (already rewritten)
     * @param relations the relations {@code spine} defines, with their columns
     * @param spineKeys spine expressions for the entity keys, in entity order
     * @param time the AS OF time, over the spine
     * @param pushed WHERE conjuncts over the spine only, applied to the spine rows before the union
     *     (they stay in the outer WHERE too); when there are some, the source rows are restricted to
     *     the keys of the remaining spine rows
     */
    SqlNode build(SqlNode spine, List<SpineRelation> relations, List<SqlNode> spineKeys, SqlNode time,
            JDBCType timeType, boolean exclusive, boolean inner, List<SqlNode> pushed, String viewAlias) {
        List<String> keys = vs.keyAliases();
        List<Feature> features = vs.nonKeyFeatures();
        boolean created = vs.source().createdTime().isPresent();
        Set<JDBCType> times = vs.timeTypes(timeType);
        int spineColumns = relations.stream().mapToInt(r -> r.columns().size()).sum();
        if (readsSourceOnce(spine, relations, spineKeys, time, timeType, exclusive, pushed)) {
            Optional<SqlNode> step = vs.source().column(vs.source().eventTime()).flatMap(dialect::timeStep);
            Optional<List<SqlNode>> standIns = standIns(features);
            if (step.isPresent() && standIns.isPresent()) {
                return named(oneWindow(relations.get(0), times, step.get(), standIns.get()), false, true, 1, true,
                        relations, inner, viewAlias);
            }
            return named(oneScan(relations.get(0), times), false, false, 1, false, relations, inner, viewAlias);
        }

        // Spine rows: kind 1, every spine column, no features.
        List<SqlNode> spineItems = new ArrayList<>();
        spineItems.add(Nodes.as(Nodes.number(1), KIND));
        List<SqlNode> spineKeyItems = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            SqlNode key = Nodes.cast(spineKeys.get(i).clone(POS), SqlTypes.sqlTypeName(vs.entity().keys().get(i).jdbcType()));
            spineItems.add(Nodes.as(key, keys.get(i)));
            spineKeyItems.add(Nodes.as(key.clone(POS), keys.get(i)));
        }
        spineItems.add(Nodes.as(dialect.instant(time.clone(POS), timeType, times), TU));
        int column = 0;
        for (SpineRelation r : relations) {
            for (String c : r.columns()) {
                spineItems.add(Nodes.as(Nodes.id(r.alias(), c), spineAlias(column++)));
            }
        }
        spineItems.add(Nodes.as(Nodes.nullLiteral(), E));
        if (created) {
            spineItems.add(Nodes.as(Nodes.nullLiteral(), ORDER));
        }
        for (int i = 0; i < features.size(); i++) {
            spineItems.add(Nodes.as(Nodes.nullLiteral(), featureAlias(i)));
        }
        SqlNode where = pushed.isEmpty() ? null : Nodes.and(pushed.stream().map(c -> c.clone(POS)).toList());
        SqlNode spineRows = Nodes.select(spineItems, spine.clone(POS), where, false);

        // Source rows: kind 0, NULL spine columns, the features.
        List<SqlNode> sourceItems = new ArrayList<>();
        List<SqlNode> sourceWhere = new ArrayList<>();
        sourceItems.add(Nodes.as(Nodes.number(0), KIND));
        for (int i = 0; i < keys.size(); i++) {
            sourceItems.add(Nodes.as(vs.key(i), keys.get(i)));
            if (created) {
                sourceWhere.add(Nodes.isNotNull(vs.rawKey(i)));
            }
        }
        if (created) {
            // The max_by key compares (e, c): a NULL in it would fail the comparison.
            sourceWhere.add(Nodes.isNotNull(Nodes.id(vs.source().eventTime())));
        }
        sourceItems.add(Nodes.as(vs.visibleInstant(times), TU));
        for (int i = 0; i < spineColumns; i++) {
            sourceItems.add(Nodes.as(Nodes.nullLiteral(), spineAlias(i)));
        }
        SqlNode eInstant = vs.eventInstant(times);
        sourceItems.add(Nodes.as(eInstant, E));
        if (created) {
            // Tie rule: among rows tied on (event, created) time, the greatest feature tuple wins,
            // NULL lowest; e and c are never NULL here.
            List<TieValue> values = features.stream()
                    .map(f -> new TieValue(Expressions.parse(f.expression()), f.type().jdbcType()))
                    .toList();
            sourceItems.add(Nodes.as(dialect.tieKey(List.of(eInstant.clone(POS),
                    vs.createdInstant(times).orElseThrow()), values), ORDER));
        }
        for (int i = 0; i < features.size(); i++) {
            sourceItems.add(Nodes.as(Expressions.parse(features.get(i).expression()), featureAlias(i)));
        }
        if (!pushed.isEmpty()) {
            // A filtered spine is usually a few keys: read only their source rows.
            sourceWhere.add(vs.probeKeysExist(Nodes.select(spineKeyItems, spine.clone(POS),
                    Nodes.and(pushed.stream().map(c -> c.clone(POS)).toList()), true)));
        }
        SqlNode sourceRows = Nodes.select(sourceItems, Nodes.as(vs.relation(), "__src"),
                sourceWhere.isEmpty() ? null : Nodes.and(sourceWhere), false);

        SqlNode union = SqlStdOperatorTable.UNION_ALL.createCall(POS, sourceRows, spineRows);

        // The latest visible source row of the key, as ROW([e,] features...), on every row; e
        // only for the TTL (or when there are no features: a ROW needs a field).
        boolean withE = vs.view().ttl().isPresent() || features.isEmpty();
        int firstFeature = withE ? 1 : 0;
        List<SqlNode> rowFields = new ArrayList<>();
        if (withE) {
            rowFields.add(Nodes.id(E));
        }
        for (int i = 0; i < features.size(); i++) {
            rowFields.add(Nodes.id(featureAlias(i)));
        }
        // ROW(...) spelled out: Calcite prints a row as a parenthesized list, which for one field
        // is no row at all.
        SqlNode sourceRow = Nodes.function("ROW", rowFields.toArray(SqlNode[]::new));
        List<SqlNode> order = new ArrayList<>();
        // Without a created time the source rows are not filtered (on Trino a filter in the scan
        // costs more than the window's sort): a row with a NULL time sorts after every spine row
        // with a time, and a spine row with a NULL key or time has no value (named()).
        order.add(created ? SqlStdOperatorTable.NULLS_FIRST.createCall(POS, Nodes.id(TU))
                : SqlStdOperatorTable.NULLS_LAST.createCall(POS, Nodes.id(TU)));
        order.add(exclusive ? SqlStdOperatorTable.DESC.createCall(POS, Nodes.id(KIND)) : Nodes.id(KIND));
        SqlNode latest;
        if (created) {
            latest = dialect.argMax(sourceRow, Nodes.id(ORDER));
        } else {
            // Without a created time u = e: the order (u, kind, features NULLS FIRST) puts the
            // greatest (e, feature tuple) visible at the spine row last among the source rows before it.
            for (int i = 0; i < features.size(); i++) {
                order.add(SqlStdOperatorTable.NULLS_FIRST.createCall(POS, Nodes.id(featureAlias(i))));
            }
            SqlNode onlySource = Nodes.caseWhen(Nodes.eq(Nodes.id(KIND), Nodes.number(0)), sourceRow, null);
            latest = SqlStdOperatorTable.IGNORE_NULLS.createCall(POS,
                    SqlStdOperatorTable.LAST_VALUE.createCall(POS, onlySource));
        }
        SqlNodeList partition = new SqlNodeList(keys.stream().map(k -> (SqlNode) Nodes.id(k)).toList(), POS);
        SqlWindow window = SqlWindow.create(null, null, partition, new SqlNodeList(order, POS),
                SqlLiteral.createBoolean(true, POS),
                SqlWindow.createUnboundedPreceding(POS), SqlWindow.createCurrentRow(POS), null, POS);
        List<SqlNode> windowItems = new ArrayList<>();
        windowItems.add(Nodes.id(KIND));
        keys.forEach(k -> windowItems.add(Nodes.id(k)));
        windowItems.add(Nodes.id(TU));
        for (int i = 0; i < spineColumns; i++) {
            windowItems.add(Nodes.id(spineAlias(i)));
        }
        windowItems.add(Nodes.as(SqlStdOperatorTable.OVER.createCall(POS, latest, window), ROW));
        SqlNode windowed = Nodes.select(windowItems, Nodes.as(union, "__u"), null, false);
        return named(windowed, true, !created, firstFeature, false, relations, inner, viewAlias);
    }

    /**
     * The spine rows of {@code windowed} (its columns: {@code KIND} when {@code withKind}, the keys,
     * {@code TU}, the spine columns, {@code ROW} with the features from field {@code firstFeature}
     * and, with a TTL, the event instant in field 0) with whether the value counts, under the spine
     * relations' and the view's names. With {@code nullSpine} a spine row whose key or time is NULL
     * has no value whatever {@code ROW} holds (its partition may hold source rows with NULLs).
     * With {@code flagged} each feature is two fields of {@code ROW}, {@code f IS NOT NULL} and
     * {@code COALESCE(f, <stand-in>)} ({@link #oneWindow}).
     */
    private SqlNode named(SqlNode windowed, boolean withKind, boolean nullSpine, int firstFeature, boolean flagged,
            List<SpineRelation> relations, boolean inner, String viewAlias) {
        List<String> keys = vs.keyAliases();
        int spineColumns = relations.stream().mapToInt(r -> r.columns().size()).sum();

        // Spine rows only, with whether the value counts (exists, within the TTL).
        SqlNode has = Nodes.isNotNull(Nodes.id(ROW));
        if (nullSpine) {
            List<SqlNode> conjuncts = new ArrayList<>();
            conjuncts.add(has);
            keys.forEach(k -> conjuncts.add(Nodes.isNotNull(Nodes.id(k))));
            conjuncts.add(Nodes.isNotNull(Nodes.id(TU)));
            has = Nodes.and(conjuncts);
        }
        if (vs.view().ttl().isPresent()) {
            has = SqlStdOperatorTable.AND.createCall(POS, has, SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS,
                    field(Nodes.id(ROW), 0), dialect.instantMinus(Nodes.id(TU), vs.view().ttl().get())));
        }
        List<SqlNode> carriedItems = new ArrayList<>();
        keys.forEach(k -> carriedItems.add(Nodes.id(k)));
        for (int i = 0; i < spineColumns; i++) {
            carriedItems.add(Nodes.id(spineAlias(i)));
        }
        carriedItems.add(Nodes.id(ROW));
        carriedItems.add(Nodes.as(has, HAS));
        List<SqlNode> carriedWhere = new ArrayList<>();
        if (withKind) {
            carriedWhere.add(Nodes.eq(Nodes.id(KIND), Nodes.number(1)));
        }
        if (inner) {
            carriedWhere.add(has.clone(POS));
        }
        SqlNode carried = Nodes.select(carriedItems, Nodes.as(windowed, "__w"),
                carriedWhere.isEmpty() ? null : Nodes.and(carriedWhere), false);
        String carriedAlias = "__asof_" + viewAlias;

        // The spine relations and the view under their own names again.
        SqlNode from = Nodes.as(carried, carriedAlias);
        int column = 0;
        for (SpineRelation r : relations) {
            List<SqlNode> items = new ArrayList<>();
            for (String c : r.columns()) {
                items.add(Nodes.as(Nodes.id(carriedAlias, spineAlias(column++)), c));
            }
            from = lateral(from, items, r.alias());
        }
        List<SqlNode> viewItems = new ArrayList<>();
        int featureIndex = 0;
        for (Feature f : vs.view().features()) {
            int keyIndex = vs.keyIndex(f.name());
            SqlNode counts = Nodes.id(carriedAlias, HAS);
            SqlNode value;
            if (keyIndex >= 0) {
                value = Nodes.id(carriedAlias, keys.get(keyIndex));
            } else if (flagged) {
                int flag = firstFeature + 2 * featureIndex++;
                counts = SqlStdOperatorTable.AND.createCall(POS, counts, field(Nodes.id(carriedAlias, ROW), flag));
                value = field(Nodes.id(carriedAlias, ROW), flag + 1);
            } else {
                value = field(Nodes.id(carriedAlias, ROW), firstFeature + featureIndex++);
            }
            viewItems.add(Nodes.as(Nodes.caseWhen(counts, value, null), f.name()));
        }
        return lateral(from, viewItems, viewAlias);
    }

    /**
     * Whether the spine is the source itself, row for row, probed at each row's own event time
     * {@code EXCLUSIVE} (each row, the key's latest row strictly before it): the spine is one
     * relation, the source's own table, unfiltered; the AS OF time is that relation's event time
     * column (or a DATE event time cast to TIMESTAMP: its midnight, the same instant) and the keys
     * are the columns the view keys by. Then the table need be read only once ({@link #oneScan}).
     * Names compare without case, as Trino's do. Only without a created time, where a row's
     * visibility instant is its event time.
     */
    private boolean readsSourceOnce(SqlNode spine, List<SpineRelation> relations, List<SqlNode> spineKeys,
            SqlNode time, JDBCType timeType, boolean exclusive, List<SqlNode> pushed) {
        if (!exclusive || !pushed.isEmpty() || relations.size() != 1 || vs.source().createdTime().isPresent()
                || spine.getKind() != SqlKind.AS
                || !(((SqlCall) spine).operand(0) instanceof SqlIdentifier table)
                || !(vs.relation() instanceof SqlIdentifier source) || !sameName(table, source)) {
            return false;
        }
        String alias = relations.get(0).alias();
        String e = vs.source().eventTime();
        SqlNode t = time;
        if (t.getKind() == SqlKind.CAST && vs.columnType(e) == JDBCType.DATE && timeType == JDBCType.TIMESTAMP) {
            t = ((SqlCall) t).operand(0);
        }
        if (!isColumn(t, alias, e)) {
            return false;
        }
        for (int i = 0; i < spineKeys.size(); i++) {
            if (!(vs.rawKey(i) instanceof SqlIdentifier key) || !key.isSimple()
                    || !isColumn(spineKeys.get(i), alias, key.getSimple())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameName(SqlIdentifier a, SqlIdentifier b) {
        if (a.names.size() != b.names.size()) {
            return false;
        }
        for (int i = 0; i < a.names.size(); i++) {
            if (!a.names.get(i).equalsIgnoreCase(b.names.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code node} is {@code alias.column} (or {@code column} alone). */
    private static boolean isColumn(SqlNode node, String alias, String column) {
        return node instanceof SqlIdentifier id && id.names.get(id.names.size() - 1).equalsIgnoreCase(column)
                && (id.names.size() == 1 || id.names.size() == 2 && id.names.get(0).equalsIgnoreCase(alias));
    }

    /**
     * The spine that is the source itself ({@link #readsSourceOnce}), read once: every row of the
     * table is a spine row, and a source row when its keys and event time are not NULL. Ordered
     * per key by {@code (u, features NULLS FIRST)}, the tie rule, the answer of a row is the last
     * source row of the rows at earlier instants, the same for every row at the same instant:
     *
     * <ol>
     *   <li>{@code __p}: the last source row before this row ({@code last_value(…) IGNORE NULLS},
     *       frame ending 1 PRECEDING), as {@code ROW(u, features)};
     *   <li>the first row at each instant is the one whose {@code __p} is earlier (or none): its
     *       {@code __p} is the answer for all rows at that instant, carried to them by a second
     *       {@code last_value(…) IGNORE NULLS} ordered the same way, that first row first among
     *       rows equal to it.
     * </ol>
     *
     * Two windows over one sort order instead of one window over twice the rows, and one scan.
     */
    private SqlNode oneScan(SpineRelation relation, Set<JDBCType> times) {
        List<String> keys = vs.keyAliases();
        List<Feature> features = vs.nonKeyFeatures();
        List<SqlNode> rowItems = new ArrayList<>();
        List<SqlNode> eligible = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            rowItems.add(Nodes.as(vs.key(i), keys.get(i)));
            eligible.add(Nodes.isNotNull(Nodes.id(keys.get(i))));
        }
        rowItems.add(Nodes.as(vs.eventInstant(times), TU));
        eligible.add(Nodes.isNotNull(Nodes.id(TU)));
        for (int i = 0; i < relation.columns().size(); i++) {
            rowItems.add(Nodes.as(Nodes.id(relation.columns().get(i)), spineAlias(i)));
        }
        for (int i = 0; i < features.size(); i++) {
            rowItems.add(Nodes.as(Expressions.parse(features.get(i).expression()), featureAlias(i)));
        }
        SqlNode rows = Nodes.select(rowItems, Nodes.as(vs.relation(), "__src"), null, false);

        SqlNodeList partition = new SqlNodeList(keys.stream().map(k -> (SqlNode) Nodes.id(k)).toList(), POS);
        List<SqlNode> order = new ArrayList<>();
        order.add(SqlStdOperatorTable.NULLS_FIRST.createCall(POS, Nodes.id(TU)));
        for (int i = 0; i < features.size(); i++) {
            order.add(SqlStdOperatorTable.NULLS_FIRST.createCall(POS, Nodes.id(featureAlias(i))));
        }
        List<SqlNode> rowFields = new ArrayList<>();
        rowFields.add(Nodes.id(TU));
        for (int i = 0; i < features.size(); i++) {
            rowFields.add(Nodes.id(featureAlias(i)));
        }
        SqlNode sourceRow = Nodes.caseWhen(Nodes.and(eligible), Nodes.function("ROW", rowFields.toArray(SqlNode[]::new)), null);
        SqlWindow before = SqlWindow.create(null, null, partition, new SqlNodeList(order, POS),
                SqlLiteral.createBoolean(true, POS), SqlWindow.createUnboundedPreceding(POS),
                SqlWindow.createPreceding(Nodes.number(1), POS), null, POS);
        List<SqlNode> previousItems = new ArrayList<>();
        keys.forEach(k -> previousItems.add(Nodes.id(k)));
        previousItems.add(Nodes.id(TU));
        for (int i = 0; i < relation.columns().size(); i++) {
            previousItems.add(Nodes.id(spineAlias(i)));
        }
        for (int i = 0; i < features.size(); i++) {
            previousItems.add(Nodes.id(featureAlias(i)));
        }
        previousItems.add(Nodes.as(SqlStdOperatorTable.OVER.createCall(POS, SqlStdOperatorTable.IGNORE_NULLS.createCall(POS,
                SqlStdOperatorTable.LAST_VALUE.createCall(POS, sourceRow)), before), PREVIOUS));
        SqlNode previous = Nodes.select(previousItems, Nodes.as(rows, "__rows"), null, false);

        SqlNode earlier = SqlStdOperatorTable.LESS_THAN.createCall(POS, field(Nodes.id(PREVIOUS), 0), Nodes.id(TU));
        SqlNode first = SqlStdOperatorTable.OR.createCall(POS, SqlStdOperatorTable.IS_NULL.createCall(POS,
                Nodes.id(PREVIOUS)), earlier.clone(POS));
        List<SqlNode> carryOrder = new ArrayList<>(order.stream().map(o -> o.clone(POS)).toList());
        carryOrder.add(SqlStdOperatorTable.DESC.createCall(POS, first));
        SqlWindow upToHere = SqlWindow.create(null, null, partition.clone(POS), new SqlNodeList(carryOrder, POS),
                SqlLiteral.createBoolean(true, POS), SqlWindow.createUnboundedPreceding(POS),
                SqlWindow.createCurrentRow(POS), null, POS);
        SqlNode answer = SqlStdOperatorTable.IGNORE_NULLS.createCall(POS, SqlStdOperatorTable.LAST_VALUE.createCall(POS,
                Nodes.caseWhen(earlier, Nodes.id(PREVIOUS), null)));
        List<SqlNode> items = new ArrayList<>();
        keys.forEach(k -> items.add(Nodes.id(k)));
        items.add(Nodes.id(TU));
        for (int i = 0; i < relation.columns().size(); i++) {
            items.add(Nodes.id(spineAlias(i)));
        }
        items.add(Nodes.as(SqlStdOperatorTable.OVER.createCall(POS, answer, upToHere), ROW));
        return Nodes.select(items, Nodes.as(previous, "__p"), null, false);
    }

    /** For each feature, the engine's stand-in for NULL in a scalar tie key; empty if one has none. */
    private Optional<List<SqlNode>> standIns(List<Feature> features) {
        List<SqlNode> out = new ArrayList<>();
        for (Feature f : features) {
            Optional<SqlNode> standIn = dialect.tieStandIn(f.type().jdbcType());
            if (standIn.isEmpty()) {
                return Optional.empty();
            }
            out.add(standIn.get());
        }
        return Optional.of(out);
    }

    /**
     * The spine that is the source itself ({@link #readsSourceOnce}) in one window, when the event
     * time has an exact step ({@link EngineDialect#timeStep}: a {@code DATE} on Trino) and every
     * feature a stand-in for NULL: ordered per key by the event
     * time alone, the frame {@code RANGE BETWEEN UNBOUNDED PRECEDING AND step PRECEDING} is exactly
     * the rows strictly before the row's instant, and the greatest {@code ROW(e, f IS NOT NULL,
     * COALESCE(f, <stand-in>), …)} in it is the latest row by the tie rule (NULL lowest; the
     * stand-in only ever meets another NULL), its features read back from the flag and the value.
     * Rows with a NULL time sort last and take no part; a row whose key or time is NULL gets no
     * value ({@link #named}).
     */
    private SqlNode oneWindow(SpineRelation relation, Set<JDBCType> times, SqlNode step, List<SqlNode> standIns) {
        List<String> keys = vs.keyAliases();
        List<Feature> features = vs.nonKeyFeatures();
        List<SqlNode> rowItems = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            rowItems.add(Nodes.as(vs.key(i), keys.get(i)));
        }
        rowItems.add(Nodes.as(vs.eventInstant(times), TU));
        for (int i = 0; i < relation.columns().size(); i++) {
            rowItems.add(Nodes.as(Nodes.id(relation.columns().get(i)), spineAlias(i)));
        }
        for (int i = 0; i < features.size(); i++) {
            rowItems.add(Nodes.as(Expressions.parse(features.get(i).expression()), featureAlias(i)));
        }
        SqlNode rows = Nodes.select(rowItems, Nodes.as(vs.relation(), "__src"), null, false);

        List<SqlNode> tieFields = new ArrayList<>();
        tieFields.add(Nodes.id(TU));
        for (int i = 0; i < features.size(); i++) {
            tieFields.add(Nodes.isNotNull(Nodes.id(featureAlias(i))));
            tieFields.add(SqlStdOperatorTable.COALESCE.createCall(POS, Nodes.id(featureAlias(i)),
                    standIns.get(i).clone(POS)));
        }
        // A ROW with a NULL field cannot be compared: rows without a time carry none.
        SqlNode latest = SqlStdOperatorTable.MAX.createCall(POS, Nodes.caseWhen(Nodes.isNotNull(Nodes.id(TU)),
                Nodes.function("ROW", tieFields.toArray(SqlNode[]::new)), null));
        SqlNodeList partition = new SqlNodeList(keys.stream().map(k -> (SqlNode) Nodes.id(k)).toList(), POS);
        SqlWindow before = SqlWindow.create(null, null, partition,
                new SqlNodeList(List.of(SqlStdOperatorTable.NULLS_LAST.createCall(POS, Nodes.id(TU))), POS),
                SqlLiteral.createBoolean(false, POS), SqlWindow.createUnboundedPreceding(POS),
                SqlWindow.createPreceding(step, POS), null, POS);
        List<SqlNode> items = new ArrayList<>();
        keys.forEach(k -> items.add(Nodes.id(k)));
        items.add(Nodes.id(TU));
        for (int i = 0; i < relation.columns().size(); i++) {
            items.add(Nodes.id(spineAlias(i)));
        }
        items.add(Nodes.as(SqlStdOperatorTable.OVER.createCall(POS, latest, before), ROW));
        return Nodes.select(items, Nodes.as(rows, "__rows"), null, false);
    }

    /** {@code from CROSS JOIN LATERAL (SELECT items) AS alias}: a projection, no join, for the engine. */
    private static SqlNode lateral(SqlNode from, List<SqlNode> items, String alias) {
        SqlNode projection = Nodes.select(items, null, null, false);
        SqlNode right = Nodes.as(SqlStdOperatorTable.LATERAL.createCall(POS, projection), alias);
        return new SqlJoin(POS, from, SqlLiteral.createBoolean(false, POS), JoinType.CROSS.symbol(POS), right,
                JoinConditionType.NONE.symbol(POS), null);
    }

    /** Field {@code index} (from 0) of a ROW value. */
    private static SqlNode field(SqlNode row, int index) {
        return SqlStdOperatorTable.ITEM.createCall(POS, row, Nodes.number(index + 1));
    }

    private static String spineAlias(int i) {
        return "__s" + i;
    }

    private static String featureAlias(int i) {
        return "__f" + i;
    }
}
