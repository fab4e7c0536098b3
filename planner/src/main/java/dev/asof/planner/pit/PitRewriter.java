package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.SqlAsOf;
import dev.asof.planner.sql.AsofJoinDialect;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.QueryValidator;
import dev.asof.planner.validate.SqlTypes;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.sql.validate.SqlValidatorNamespace;

/**
 * Rewrites a validated query that uses registry objects into plain warehouse SQL, on the tree:
 *
 * <ul>
 *   <li>a source becomes its warehouse table or file reader;
 *   <li>{@code JOIN view AS OF t alias ON alias.key = spine.key} becomes a join with the view's
 *       {@link ViewRelation} ({@link PitRelation} for latest values, {@link WindowRelation} for
 *       windowed aggregates) at the distinct (key, t) probe points of the spine, matched on key and
 *       {@code t}: one relation row per probe point, so spine rows are never dropped (LEFT) nor
 *       duplicated; for latest values an engine with a native as-of join uses it (for a view with
 *       a CREATED TIME it carries the spine's rows through one window with the source instead,
 *       {@link CarriedLatestJoin}), and one without (Trino) carries the spine's rows through one
 *       union with the source ({@link SpineUnionJoin});
 *       a {@code LEFT JOIN} of a windowed view on its keys carries the spine's rows through the
 *       window pass ({@link SpineColumns});
 *   <li>{@code view AS OF t} on its own (t constant) is the view at t for every key;
 *   <li>a view with no AS OF on its own is the view at {@code CURRENT_TIMESTAMP}; joined with
 *       other rows without AS OF it is an error (it would leak future values).
 * </ul>
 */
public final class PitRewriter {
    private final Catalog catalog;
    private final EngineDialect dialect;
    private final QueryValidator validator;

    public PitRewriter(Catalog catalog, EngineDialect dialect, QueryValidator validator) {
        this.catalog = catalog;
        this.dialect = dialect;
        this.validator = validator;
    }

    public SqlNode rewrite(SqlNode query) {
        return rewriteQuery(query);
    }

    private SqlNode rewriteQuery(SqlNode node) {
        if (node instanceof SqlSelect select) {
            if (select.getFrom() != null) {
                select.setFrom(rewriteFrom(select.getFrom(), select, false));
            }
            rewriteNested(select.getSelectList());
            rewriteNested(select.getWhere());
            rewriteNested(select.getHaving());
            return select;
        }
        if (node instanceof SqlOrderBy orderBy) {
            rewriteQuery(orderBy.query);
            return orderBy;
        }
        if (node instanceof SqlWith with) {
            for (SqlNode item : with.withList) {
                SqlWithItem w = (SqlWithItem) item;
                w.query = rewriteQuery(w.query);
            }
            with.body = rewriteQuery(with.body);
            return with;
        }
        if (node instanceof SqlCall call && call.getKind().belongsTo(SqlKind.SET_QUERY)) {
            for (int i = 0; i < call.operandCount(); i++) {
                call.setOperand(i, rewriteQuery(call.operand(i)));
            }
            return call;
        }
        return node;
    }

    /** Sub-queries in expressions (IN, EXISTS, scalar) may use registry objects too. */
    private void rewriteNested(SqlNode expression) {
        if (expression == null) {
            return;
        }
        expression.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                if (call instanceof SqlSelect || call instanceof SqlOrderBy || call instanceof SqlWith) {
                    rewriteQuery(call);
                    return call;
                }
                return super.visit(call);
            }
        });
    }

    private SqlNode rewriteFrom(SqlNode from, SqlSelect select, boolean inJoin) {
        switch (from.getKind()) {
            case JOIN -> {
                SqlJoin join = (SqlJoin) from;
                if (!inJoin && onlyViewsNow(join)) {
                    // Views joined with views, none AS OF: all are read at the same "now", which
                    // leaks nothing (a key lookup over several views).
                    rewriteViewsNow(join);
                    return join;
                }
                Optional<AsOfRef> right = asOfRef(join.getRight());
                // The spine's relations and columns, while the validator still knows its nodes.
                Optional<List<SpineUnionJoin.SpineRelation>> spine = right.isPresent() && right.get().view() != null
                        ? spineRelations(join.getLeft())
                        : Optional.empty();
                join.setLeft(rewriteFrom(join.getLeft(), select, true));
                if (right.isPresent() && right.get().view() != null) {
                    return rewritePitJoin(join, right.get(), select, spine);
                } else {
                    join.setRight(rewriteFrom(join.getRight(), select, true));
                }
                return join;
            }
            case AS -> {
                SqlCall as = (SqlCall) from;
                SqlNode inner = as.operand(0);
                String alias = ((SqlIdentifier) as.operand(1)).getSimple();
                as.setOperand(0, rewriteRelation(inner, alias, select, inJoin));
                return as;
            }
            case IDENTIFIER, SNAPSHOT -> {
                String alias = defaultAlias(from);
                return Nodes.as(rewriteRelation(from, alias, select, inJoin), alias);
            }
            default -> {
                return rewriteQuery(from);
            }
        }
    }

    /** True when every relation of the join is a feature view without AS OF. */
    private boolean onlyViewsNow(SqlNode from) {
        if (from instanceof SqlJoin join) {
            return onlyViewsNow(join.getLeft()) && onlyViewsNow(join.getRight());
        }
        SqlNode relation = from.getKind() == SqlKind.AS ? ((SqlCall) from).operand(0) : from;
        return relation instanceof SqlIdentifier id && registryObject(id).filter(FeatureView.class::isInstance).isPresent();
    }

    private void rewriteViewsNow(SqlJoin join) {
        for (int side = 0; side < 2; side++) {
            SqlNode from = side == 0 ? join.getLeft() : join.getRight();
            SqlNode rewritten;
            if (from instanceof SqlJoin inner) {
                rewriteViewsNow(inner);
                rewritten = inner;
            } else {
                String alias = defaultAlias(from);
                SqlNode relation = from.getKind() == SqlKind.AS ? ((SqlCall) from).operand(0) : from;
                rewritten = Nodes.as(rewriteRelation(relation, alias, null, false), alias);
            }
            if (side == 0) {
                join.setLeft(rewritten);
            } else {
                join.setRight(rewritten);
            }
        }
    }

    private SqlNode rewriteRelation(SqlNode relation, String alias, SqlSelect select, boolean inJoin) {
        if (relation instanceof SqlIdentifier id) {
            Optional<CatalogObject> object = registryObject(id);
            if (object.isEmpty()) {
                return relation;
            }
            CatalogObject o = object.get();
            if (o instanceof Source s) {
                return sourceRelation(s);
            }
            if (o instanceof Entity e) {
                throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(id)
                        + "entity '" + e.name() + "' has no rows of its own; query a feature view keyed by it");
            }
            FeatureView v = (FeatureView) o;
            if (inJoin) {
                throw leakage(id, v, alias);
            }
            return snapshot(v, SqlStdOperatorTable.CURRENT_TIMESTAMP.createCall(POS), JDBCType.TIMESTAMP_WITH_TIMEZONE, false,
                    alias, select, inJoin);
        }
        if (relation instanceof SqlSnapshot snap) {
            AsOfRef ref = asOfRef(snap).orElseThrow();
            if (ref.view() == null) {
                throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(snap)
                        + "AS OF applies to feature views; '" + defaultAlias(snap) + "' is not one");
            }
            if (!referencedAliases(ref.time()).isEmpty()) {
                throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(ref.time())
                        + "an AS OF time that refers to other rows needs a join: "
                        + "LEFT JOIN " + ref.view().name() + " AS OF <spine time> " + alias + " ON " + alias + ".<key> = <spine key>");
            }
            return snapshot(ref.view(), ref.time(), timeType(ref.time()), ref.exclusive(), alias, select, inJoin);
        }
        return rewriteQuery(relation);
    }

    /** The join with the view's relation in place of the view: {@code join} itself, or a new as-of join node. */
    private SqlNode rewritePitJoin(SqlJoin join, AsOfRef ref, SqlSelect select,
            Optional<List<SpineUnionJoin.SpineRelation>> spine) {
        FeatureView view = ref.view();
        String alias = ref.alias();
        if (join.getJoinType() != JoinType.LEFT && join.getJoinType() != JoinType.INNER) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(join.getRight())
                    + "an AS OF join must be LEFT JOIN or JOIN ... ON, not " + join.getJoinType());
        }
        SqlNode on = join.getCondition();
        if (on == null) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(join.getRight())
                    + "an AS OF join needs ON " + alias + ".<key> = <spine key>");
        }
        Entity entity = entityOf(view);
        Map<String, SqlNode> keyExprs = new HashMap<>();
        boolean onlyKeyEqualities = true;
        for (SqlNode conjunct : Nodes.conjuncts(on)) {
            if (conjunct.getKind() != SqlKind.EQUALS) {
                onlyKeyEqualities = false;
                continue;
            }
            int before = keyExprs.size();
            SqlCall eq = (SqlCall) conjunct;
            for (int side = 0; side < 2; side++) {
                SqlNode mine = eq.operand(side);
                SqlNode other = eq.operand(1 - side);
                if (mine instanceof SqlIdentifier id && id.names.size() == 2
                        && id.names.get(0).equalsIgnoreCase(alias)
                        && !referencedAliases(other).contains(alias.toLowerCase(Locale.ROOT))) {
                    for (var key : entity.keys()) {
                        if (key.name().equalsIgnoreCase(id.names.get(1))) {
                            keyExprs.put(key.name().toLowerCase(Locale.ROOT), other);
                        }
                    }
                }
            }
            onlyKeyEqualities &= keyExprs.size() == before + 1;
        }
        List<SqlNode> spineKeys = new ArrayList<>();
        for (var key : entity.keys()) {
            SqlNode expr = keyExprs.get(key.name().toLowerCase(Locale.ROOT));
            if (expr == null) {
                throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(on)
                        + "the ON clause of the AS OF join with '" + view.name() + "' must match every key of entity '"
                        + entity.name() + "': add " + alias + "." + key.name() + " = <spine column>");
            }
            spineKeys.add(expr);
        }
        if (referencedAliases(ref.time()).contains(alias.toLowerCase(Locale.ROOT))) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(ref.time())
                    + "the AS OF time must come from the spine, not from '" + alias + "' itself");
        }

        // Probe points: distinct (key, t) of the smallest left part that defines what they use,
        // filtered by the WHERE conjuncts that only concern that part.
        Set<String> used = new LinkedHashSet<>(referencedAliases(ref.time()));
        spineKeys.forEach(k -> used.addAll(referencedAliases(k)));
        SqlNode probeFrom = join.getLeft();
        while (probeFrom instanceof SqlJoin inner && aliasesOf(inner.getLeft()).containsAll(used)) {
            probeFrom = inner.getLeft();
        }
        Set<String> probeAliases = aliasesOf(probeFrom);
        List<SqlNode> pushed = new ArrayList<>();
        if (select.getWhere() != null) {
            for (SqlNode c : Nodes.conjuncts(select.getWhere())) {
                if (!Nodes.contains(c, call -> call instanceof SqlSelect || call.getKind() == SqlKind.SCALAR_QUERY) && probeAliases.containsAll(referencedAliases(c))) {
                    pushed.add(c.clone(POS));
                }
            }
        }
        // The engine's as-of join compares a spine column with the view's instant: a time that names
        // no spine column (AS OF TIMESTAMP '…', a snapshot joined to a snapshot) has nothing to compare.
        if (dialect instanceof AsofJoinDialect asofJoin && join.getJoinType() == JoinType.LEFT && !view.windowed()
                && onlyKeyEqualities && namesAColumn(ref.time())) {
            if (sourceOf(view).createdTime().isPresent()) {
                Optional<SpineColumns> carried = SpineColumns.of(select, join);
                if (carried.isPresent()) {
                    CarriedLatestJoin plan = new CarriedLatestJoin(
                            new ViewSource(dialect, view, entity, sourceOf(view)), asofJoin);
                    return carriedJoin(plan, join, ref, entity, spineKeys, pushed, carried.get());
                }
            }
            return nativeAsofJoin(asofJoin, join, ref, entity, spineKeys, probeFrom, pushed);
        }
        if (!(dialect instanceof AsofJoinDialect) && !view.windowed() && onlyKeyEqualities && spine.isPresent()) {
            return spineUnionJoin(join, ref, select, entity, spineKeys, spine.get());
        }
        ViewRelation relation = ViewRelation.of(dialect, view, entity, sourceOf(view));
        if (relation instanceof WindowRelation windows && join.getJoinType() == JoinType.LEFT && onlyKeyEqualities) {
            Optional<SpineColumns> carried = SpineColumns.of(select, join);
            if (carried.isPresent()) {
                return carriedJoin(windows, join, ref, entity, spineKeys, pushed, carried.get());
            }
        }
        List<SqlNode> probeItems = new ArrayList<>();
        List<String> keyAliases = relation.keyAliases();
        for (int i = 0; i < spineKeys.size(); i++) {
            probeItems.add(Nodes.as(Nodes.cast(spineKeys.get(i).clone(POS),
                    SqlTypes.sqlTypeName(entity.keys().get(i).jdbcType())), keyAliases.get(i)));
        }
        probeItems.add(Nodes.as(ref.time().clone(POS), ViewSource.PROBE_TIME));
        SqlNode probes = Nodes.select(probeItems, probeFrom.clone(POS), pushed.isEmpty() ? null : Nodes.and(pushed), true);

        // LEFT: every spine row with a key and a time gets the windows' values (COUNT 0 when
        // empty); JOIN: only rows for which the view has the key at that time.
        SqlNode pit = relation.build(probes, timeType(ref.time()), ref.exclusive(), true,
                join.getJoinType() == JoinType.LEFT);
        join.setRight(Nodes.as(pit, alias));
        join.setOperand(5, Nodes.and(List.of(on,
                Nodes.eq(Nodes.id(alias, ViewRelation.TIME_COLUMN), ref.time().clone(POS)))));
        return join;
    }

    /**
     * A latest-value AS OF join on an engine without a native as-of join: the spine's rows carried
     * through one union with the source rows ({@link SpineUnionJoin}). WHERE conjuncts over the
     * spine alone also filter the spine rows before the union when the join's rows all come from
     * the spine (no RIGHT or FULL join above it) and they are deterministic; they stay in the outer
     * WHERE as well.
     */
    private SqlNode spineUnionJoin(SqlJoin join, AsOfRef ref, SqlSelect select, Entity entity, List<SqlNode> spineKeys,
            List<SpineUnionJoin.SpineRelation> spine) {
        Set<String> spineAliases = new LinkedHashSet<>();
        spine.forEach(r -> spineAliases.add(r.alias().toLowerCase(Locale.ROOT)));
        List<SqlNode> pushed = new ArrayList<>();
        if (select.getWhere() != null && spineRowsPreserved(select.getFrom(), join)) {
            for (SqlNode c : Nodes.conjuncts(select.getWhere())) {
                if (!Nodes.contains(c, call -> call instanceof SqlSelect || call.getKind() == SqlKind.SCALAR_QUERY
                                || !call.getOperator().isDeterministic())
                        && spineAliases.containsAll(referencedAliases(c))) {
                    pushed.add(c.clone(POS));
                }
            }
        }
        ViewSource vs = new ViewSource(dialect, ref.view(), entity, sourceOf(ref.view()));
        return new SpineUnionJoin(vs).build(join.getLeft(), spine, spineKeys, ref.time(), timeType(ref.time()),
                ref.exclusive(), join.getJoinType() == JoinType.INNER, pushed, ref.alias());
    }

    /**
     * Whether every row of {@code target} is a row of the FROM clause: it is reached from the
     * root through the left sides of inner, left and cross joins only.
     */
    private static boolean spineRowsPreserved(SqlNode from, SqlJoin target) {
        SqlNode node = from;
        while (node instanceof SqlJoin j) {
            if (j == target) {
                return true;
            }
            if (j.getJoinType() == JoinType.RIGHT || j.getJoinType() == JoinType.FULL) {
                return false;
            }
            node = j.getLeft();
        }
        return false;
    }

    /**
     * The relations a join's left side defines and their columns, from the validator; empty when
     * some part is not a plain named relation (NATURAL or USING joins, unnamed columns), which
     * then keeps the probe-point plan.
     */
    private Optional<List<SpineUnionJoin.SpineRelation>> spineRelations(SqlNode from) {
        List<SpineUnionJoin.SpineRelation> out = new ArrayList<>();
        try {
            return collectSpineRelations(from, out) ? Optional.of(out) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty(); // not validated as expected: the probe-point plan does not need this
        }
    }

    private boolean collectSpineRelations(SqlNode from, List<SpineUnionJoin.SpineRelation> out) {
        switch (from.getKind()) {
            case JOIN -> {
                SqlJoin join = (SqlJoin) from;
                return !join.isNatural() && join.getConditionType() != JoinConditionType.USING
                        && collectSpineRelations(join.getLeft(), out) && collectSpineRelations(join.getRight(), out);
            }
            case AS, IDENTIFIER, SNAPSHOT -> {
                String alias = from.getKind() == SqlKind.AS
                        ? ((SqlIdentifier) ((SqlCall) from).operand(1)).getSimple()
                        : defaultAlias(from);
                SqlValidatorNamespace ns = validator.validator().getNamespace(from);
                if (ns == null) {
                    return false;
                }
                List<String> columns = ns.getRowType().getFieldNames();
                if (columns.isEmpty() || columns.stream().anyMatch(c -> c.startsWith("EXPR$"))) {
                    return false;
                }
                out.add(new SpineUnionJoin.SpineRelation(alias, columns));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * {@code spine LEFT JOIN view AS OF t s ON s.key = k} as one derived table {@code s}: the
     * spine's rows carried through {@code plan}'s pass over the source (a windowed view's window
     * pass, {@link WindowRelation#carried}; one window over spine and source rows for latest
     * values with a CREATED TIME, {@link CarriedLatestJoin}), the spine columns the query reads
     * above the join redirected to it. The source is restricted to probed keys only when WHERE
     * conditions filter the spine.
     */
    private SqlNode carriedJoin(SpineCarryingPlan plan, SqlJoin join, AsOfRef ref, Entity entity,
            List<SqlNode> spineKeys, List<SqlNode> pushed, SpineColumns spine) {
        List<SqlNode> keys = new ArrayList<>();
        for (int i = 0; i < spineKeys.size(); i++) {
            keys.add(Nodes.cast(SpineColumns.detached(spineKeys.get(i)),
                    SqlTypes.sqlTypeName(entity.keys().get(i).jdbcType())));
        }
        // Evaluated inside the derived table, over the spine as it is: not redirected.
        List<SqlNode> filter = pushed.stream().map(SpineColumns::detached).toList();
        SqlNode carried = plan.carried(join.getLeft(), filter.isEmpty() ? null : Nodes.and(filter), spine.columns(),
                keys, SpineColumns.detached(ref.time()), timeType(ref.time()), ref.exclusive(), !pushed.isEmpty());
        spine.redirect(ref.alias());
        return Nodes.as(carried, ref.alias());
    }

    /** Whether {@code expression} names a column anywhere in it. */
    private static boolean namesAColumn(SqlNode expression) {
        Boolean found = expression.accept(new SqlBasicVisitor<Boolean>() {
            @Override
            public Boolean visit(SqlIdentifier id) {
                return true;
            }

            @Override
            public Boolean visit(SqlCall call) {
                for (SqlNode operand : call.getOperandList()) {
                    if (operand != null && Boolean.TRUE.equals(operand.accept(this))) {
                        return true;
                    }
                }
                return false;
            }
        });
        return Boolean.TRUE.equals(found);
    }

    /**
     * {@code spine LEFT JOIN view AS OF t p ON p.key = k} on an engine with a native as-of join:
     * {@code spine ASOF LEFT JOIN <candidates> __asof_p ON __asof_p.__k = k AND t >= __asof_p.__asof_r
     * LEFT JOIN LATERAL (<the matched row's values>) p ON <TTL, else TRUE>} ({@link AsofTable}), the spine's
     * rows carried through both joins as they are (no distinct probe points, no join back). The
     * source is restricted to probed keys only when WHERE conditions filter the spine.
     */
    private SqlNode nativeAsofJoin(AsofJoinDialect asofJoin, SqlJoin join, AsOfRef ref, Entity entity,
            List<SqlNode> spineKeys, SqlNode probeFrom, List<SqlNode> pushed) {
        ViewSource vs = new ViewSource(dialect, ref.view(), entity, sourceOf(ref.view()));
        AsofTable table = new AsofTable(vs);
        List<String> keyAliases = table.keyAliases();
        Optional<SqlNode> keyFilter = Optional.empty();
        if (!pushed.isEmpty()) {
            List<SqlNode> probeKeys = new ArrayList<>();
            for (int i = 0; i < spineKeys.size(); i++) {
                probeKeys.add(Nodes.as(Nodes.cast(spineKeys.get(i).clone(POS),
                        SqlTypes.sqlTypeName(entity.keys().get(i).jdbcType())), keyAliases.get(i)));
            }
            keyFilter = Optional.of(vs.probeKeysExist(
                    Nodes.select(probeKeys, probeFrom.clone(POS), Nodes.and(pushed), true)));
        }
        String candidate = "__asof_" + ref.alias();
        List<SqlNode> equalities = new ArrayList<>();
        for (int i = 0; i < spineKeys.size(); i++) {
            equalities.add(Nodes.eq(Nodes.id(candidate, keyAliases.get(i)), Nodes.cast(spineKeys.get(i).clone(POS),
                    SqlTypes.sqlTypeName(entity.keys().get(i).jdbcType()))));
        }
        JDBCType timeType = timeType(ref.time());
        SqlNode matched = asofJoin.asofLeftJoin(join.getLeft(), Nodes.as(table.candidates(keyFilter), candidate),
                Nodes.and(equalities), table.probe(ref.time().clone(POS), timeType),
                Nodes.id(candidate, AsofTable.ORDERING), ref.exclusive());
        SqlNode values = Nodes.as(SqlStdOperatorTable.LATERAL.createCall(POS, table.resolved(candidate)), ref.alias());
        return new SqlJoin(POS, matched, SqlLiteral.createBoolean(false, POS), JoinType.LEFT.symbol(POS), values,
                JoinConditionType.ON.symbol(POS), table.live(candidate, ref.time().clone(POS), timeType));
    }

    /**
     * The view at a fixed time for every key. When the view is the query's only relation, WHERE
     * conjuncts that test nothing but its key columns ({@code customer_id = ?}, {@code IN (…)})
     * also select the probe keys, so a lookup reads that key's source rows only. (Inside a join a
     * predicate such as {@code p.k IS NULL} can hold on null-extended rows, so nothing is pushed.)
     */
    private SqlNode snapshot(FeatureView view, SqlNode time, JDBCType timeType, boolean exclusive,
            String alias, SqlSelect select, boolean inJoin) {
        ViewRelation relation = ViewRelation.of(dialect, view, entityOf(view), sourceOf(view));
        List<SqlNode> keyFilters = new ArrayList<>();
        if (!inJoin && select != null && select.getWhere() != null) {
            Entity entity = entityOf(view);
            for (SqlNode c : Nodes.conjuncts(select.getWhere())) {
                if (onlyKeysOf(c, alias, entity)) {
                    keyFilters.add(c.clone(POS).accept(new SqlShuttle() {
                        @Override
                        public SqlNode visit(SqlIdentifier id) {
                            return relation.source().sourceKey(id.names.get(1));
                        }
                    }));
                }
            }
        }
        return relation.build(relation.source().allKeysAt(time, keyFilters), timeType, exclusive, !keyFilters.isEmpty(),
                false);
    }

    /** True when every column the conjunct reads is a key column of {@code alias}, and it has no sub-query. */
    private static boolean onlyKeysOf(SqlNode conjunct, String alias, Entity entity) {
        if (Nodes.contains(conjunct, call -> call instanceof SqlSelect || call.getKind() == SqlKind.SCALAR_QUERY)) {
            return false;
        }
        boolean[] ok = {true};
        boolean[] any = {false};
        conjunct.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                boolean key = id.names.size() == 2 && id.names.get(0).equalsIgnoreCase(alias)
                        && entity.keys().stream().anyMatch(k -> k.name().equalsIgnoreCase(id.names.get(1)));
                ok[0] &= key;
                any[0] = true;
                return null;
            }
        });
        return ok[0] && any[0];
    }

    private SqlNode sourceRelation(Source source) {
        return Nodes.relation(source.location(), dialect);
    }

    /** A table reference, possibly under AS OF and an alias, that names a feature view. */
    private record AsOfRef(FeatureView view, SqlNode time, boolean exclusive, String alias) {}

    private Optional<AsOfRef> asOfRef(SqlNode node) {
        String alias = null;
        SqlNode inner = node;
        if (node.getKind() == SqlKind.AS) {
            alias = ((SqlIdentifier) ((SqlCall) node).operand(1)).getSimple();
            inner = ((SqlCall) node).operand(0);
        }
        if (!(inner instanceof SqlSnapshot snap)) {
            return Optional.empty();
        }
        SqlNode table = snap.getTableRef();
        if (table.getKind() == SqlKind.AS) {
            table = ((SqlCall) table).operand(0); // the validator names the table inside AS OF
        }
        FeatureView view = null;
        if (table instanceof SqlIdentifier id && registryObject(id).orElse(null) instanceof FeatureView v) {
            view = v;
        }
        boolean exclusive = snap instanceof SqlAsOf a && a.exclusive();
        return Optional.of(new AsOfRef(view, snap.getPeriod(), exclusive, alias != null ? alias : defaultAlias(table)));
    }

    private Optional<CatalogObject> registryObject(SqlIdentifier id) {
        List<String> names = id.names.stream().filter(n -> !n.isEmpty()).toList();
        if (names.size() != 1) {
            return Optional.empty();
        }
        return catalog.object(names.get(0));
    }

    private Entity entityOf(FeatureView view) {
        return PitRelation.entityOf(catalog, view);
    }

    private Source sourceOf(FeatureView view) {
        return PitRelation.sourceOf(catalog, view);
    }

    private JDBCType timeType(SqlNode time) {
        RelDataType type = validator.typeOf(time);
        return switch (type.getSqlTypeName()) {
            case TIMESTAMP -> JDBCType.TIMESTAMP;
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ -> JDBCType.TIMESTAMP_WITH_TIMEZONE;
            case DATE -> JDBCType.DATE;
            default -> throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(time)
                    + "AS OF needs a timestamp or date, not " + type.getSqlTypeName());
        };
    }

    private AsofException leakage(SqlIdentifier id, FeatureView view, String alias) {
        return new AsofException(ErrorCode.PIT_JOIN_REQUIRED, Nodes.position(id)
                + "feature view '" + view.name() + "' is joined without AS OF, which would leak values from after each "
                + "row's time. Write: LEFT JOIN " + view.name() + " AS OF <spine>.<event time> " + alias
                + " ON " + alias + ".<key> = <spine>.<key>");
    }

    private static String defaultAlias(SqlNode table) {
        SqlNode t = table instanceof SqlSnapshot s ? s.getTableRef() : table;
        if (t.getKind() == SqlKind.AS) {
            t = ((SqlCall) t).operand(0);
        }
        if (t instanceof SqlIdentifier id) {
            return id.names.get(id.names.size() - 1);
        }
        return "t";
    }

    /** Lower-cased first parts of qualified column references in an expression. */
    static Set<String> referencedAliases(SqlNode expression) {
        Set<String> aliases = new LinkedHashSet<>();
        expression.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                if (id.names.size() >= 2) {
                    aliases.add(id.names.get(0).toLowerCase(Locale.ROOT));
                }
                return null;
            }

            @Override
            public Void visit(SqlNodeList list) {
                return super.visit(list);
            }
        });
        return aliases;
    }

    /** Lower-cased aliases a FROM item defines. */
    static Set<String> aliasesOf(SqlNode from) {
        Set<String> aliases = new LinkedHashSet<>();
        switch (from.getKind()) {
            case JOIN -> {
                aliases.addAll(aliasesOf(((SqlJoin) from).getLeft()));
                aliases.addAll(aliasesOf(((SqlJoin) from).getRight()));
            }
            case AS -> aliases.add(((SqlIdentifier) ((SqlCall) from).operand(1)).getSimple().toLowerCase(Locale.ROOT));
            case IDENTIFIER, SNAPSHOT -> aliases.add(defaultAlias(from).toLowerCase(Locale.ROOT));
            default -> {}
        }
        return aliases;
    }

}
