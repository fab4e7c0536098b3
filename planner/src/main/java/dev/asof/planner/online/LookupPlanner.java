package dev.asof.planner.online;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.online.expression.LookupExpressionCompiler;
import dev.asof.planner.plan.LookupPlan;
import dev.asof.planner.sql.Nodes;
import dev.asof.spi.ColumnMetadata;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlSelect;

/**
 * Recognises the queries the online store answers: ONLINE feature views read with no AS OF (so
 * "now"), every entity key fixed by {@code key = ?}, {@code key = literal} or
 * {@code key IN (…)}, and plain columns selected. Several views of one entity may be joined on
 * their keys ({@code JOIN … ON a.k = b.k}, {@code USING (k)}, inner or left). With a
 * {@link LookupExpressionCompiler}, the select list may also compute expressions over the features
 * and parameters (request-time expressions) that the compiler accepts. Anything else (other
 * filters, ORDER BY, aggregates) is left to the warehouse, which computes the same values.
 */
public final class LookupPlanner {
    private final Catalog catalog;
    private final Optional<LookupExpressionCompiler> expressions;

    /** A planner for lookups of plain columns only. */
    public LookupPlanner(Catalog catalog) {
        this(catalog, Optional.empty());
    }

    /** @param expressions compiles select lists that compute expressions; empty: plain columns only */
    public LookupPlanner(Catalog catalog, Optional<LookupExpressionCompiler> expressions) {
        this.catalog = catalog;
        this.expressions = expressions;
    }

    /**
     * A key lookup's route: the online plan, or why a query shaped as a key lookup must run in the
     * warehouse (for EXPLAIN); both empty when the query is no key lookup at all.
     */
    public record Decision(Optional<LookupPlan> plan, Optional<String> warehouseReason) {}

    /** As {@link #plan}, with the reason when only its expressions keep it from the online store. */
    public Decision decide(SqlNode validated) {
        return decideInternal(validated);
    }

    /**
     * A lookup plan for a query, or empty when it is not a key lookup.
     *
     * @param validated the query after {@code QueryValidator#validate}: names resolved, {@code *}
     *     expanded, identifiers qualified by their relation's alias
     */
    public Optional<LookupPlan> plan(SqlNode validated) {
        return decideInternal(validated).plan();
    }

    private Decision decideInternal(SqlNode validated) {
        Decision none = new Decision(Optional.empty(), Optional.empty());
        if (!(validated instanceof SqlSelect select)
                || select.getFrom() == null
                || select.getGroup() != null
                || select.getHaving() != null
                || select.getOrderList() != null && !select.getOrderList().isEmpty()
                || select.getFetch() != null
                || select.getOffset() != null
                || select.isDistinct()
                || select.getWhere() == null
                || select.getWindowList() != null && !select.getWindowList().isEmpty()) {
            return none;
        }
        Relations relations = new Relations();
        if (!relations.add(select.getFrom())) {
            return none;
        }
        Optional<List<List<LookupPlan.KeyValue>>> keys = keyTuples(select.getWhere(), relations);
        if (keys.isEmpty()) {
            return none;
        }
        List<LookupPlan.Output> outputs = new ArrayList<>();
        for (SqlNode item : select.getSelectList()) {
            Optional<LookupPlan.Output> output = output(item, relations);
            if (output.isEmpty()) {
                return withExpressions(select, relations, keys.get());
            }
            outputs.add(output.get());
        }
        return new Decision(Optional.of(new LookupPlan(relations.views, keys.get(), outputs, relations.leftJoin)),
                Optional.empty());
    }

    /** A lookup whose select list computes expressions: online when they compile under the engine's rules. */
    private Decision withExpressions(SqlSelect select, Relations relations, List<List<LookupPlan.KeyValue>> keys) {
        if (expressions.isEmpty()) {
            return new Decision(Optional.empty(), Optional.empty());
        }
        LookupExpressionCompiler.Result result = expressions.get().compile(select, relations.views);
        if (result instanceof LookupExpressionCompiler.Refused refused) {
            return new Decision(Optional.empty(), Optional.of(refused.reason()));
        }
        LookupExpressionCompiler.Compiled compiled = (LookupExpressionCompiler.Compiled) result;
        return new Decision(Optional.of(new LookupPlan(relations.views, keys, compiled.inputs(), relations.leftJoin,
                Optional.of(compiled.projection()))), Optional.empty());
    }

    /** The FROM clause's views, by alias, and how they are joined. */
    private final class Relations {
        final List<FeatureView> views = new ArrayList<>();
        final Map<String, Integer> aliases = new LinkedHashMap<>();
        Entity entity;
        boolean leftJoin;
        JoinType joinType;

        boolean add(SqlNode from) {
            if (from instanceof SqlJoin join) {
                if (!add(join.getLeft())) {
                    return false;
                }
                JoinType type = join.getJoinType();
                if (type != JoinType.INNER && type != JoinType.LEFT || join.isNatural()
                        || joinType != null && joinType != type) {
                    return false;
                }
                joinType = type;
                leftJoin = type == JoinType.LEFT;
                int before = views.size();
                if (!add(join.getRight()) || views.size() != before + 1) {
                    return false;
                }
                return joinsOnKeys(join, views.size() - 1);
            }
            String alias;
            SqlNode relation = from;
            if (from.getKind() == SqlKind.AS) {
                SqlCall as = (SqlCall) from;
                relation = as.operand(0);
                alias = ((SqlIdentifier) as.operand(1)).getSimple();
            } else if (from instanceof SqlIdentifier id) {
                alias = id.names.get(id.names.size() - 1);
            } else {
                return false;
            }
            if (!(relation instanceof SqlIdentifier id) || id.names.size() != 1) {
                return false;
            }
            Optional<CatalogObject> object = catalog.object(id.getSimple());
            if (object.isEmpty() || !(object.get() instanceof FeatureView view) || !view.online()) {
                return false;
            }
            Optional<CatalogObject> e = catalog.object(view.entity());
            if (e.isEmpty() || !(e.get() instanceof Entity viewEntity)) {
                return false;
            }
            if (entity != null && !entity.name().equalsIgnoreCase(viewEntity.name())) {
                return false;
            }
            entity = viewEntity;
            for (ColumnMetadata key : entity.keys()) {
                if (KeyTypes.javaType(key.jdbcType()).isEmpty()) {
                    return false;
                }
            }
            if (aliases.putIfAbsent(lower(alias), views.size()) != null) {
                return false;
            }
            views.add(view);
            return true;
        }

        /** True when the join condition equates every key of view {@code right} with an earlier view's. */
        private boolean joinsOnKeys(SqlJoin join, int right) {
            List<String> keyNames = entity.keys().stream().map(k -> lower(k.name())).toList();
            if (join.getConditionType() == JoinConditionType.USING) {
                List<String> using = new ArrayList<>();
                for (SqlNode n : (SqlNodeList) join.getCondition()) {
                    using.add(lower(((SqlIdentifier) n).getSimple()));
                }
                return using.size() == keyNames.size() && using.containsAll(keyNames);
            }
            if (join.getConditionType() != JoinConditionType.ON || join.getCondition() == null) {
                return false;
            }
            Map<String, Boolean> matched = new HashMap<>();
            for (SqlNode conjunct : Nodes.conjuncts(join.getCondition())) {
                if (conjunct.getKind() != SqlKind.EQUALS) {
                    return false;
                }
                SqlCall eq = (SqlCall) conjunct;
                Optional<Column> a = column(eq.operand(0));
                Optional<Column> b = column(eq.operand(1));
                if (a.isEmpty() || b.isEmpty() || !a.get().name.equals(b.get().name)
                        || !keyNames.contains(a.get().name)
                        || Math.max(a.get().view, b.get().view) != right
                        || a.get().view == b.get().view) {
                    return false;
                }
                matched.put(a.get().name, true);
            }
            return matched.keySet().containsAll(keyNames);
        }

        Optional<Column> column(SqlNode node) {
            if (!(node instanceof SqlIdentifier id) || id.names.size() != 2) {
                return Optional.empty();
            }
            Integer view = aliases.get(lower(id.names.get(0)));
            if (view == null) {
                return Optional.empty();
            }
            return Optional.of(new Column(view, lower(id.names.get(1))));
        }
    }

    private record Column(int view, String name) {}

    /** Key tuples from the WHERE clause: one conjunct per key column, the cross product of their values. */
    private Optional<List<List<LookupPlan.KeyValue>>> keyTuples(SqlNode where, Relations relations) {
        List<ColumnMetadata> keys = relations.entity.keys();
        Map<String, List<LookupPlan.KeyValue>> valuesByKey = new HashMap<>();
        for (SqlNode conjunct : Nodes.conjuncts(where)) {
            SqlNode keyRef;
            List<SqlNode> values = new ArrayList<>();
            if (conjunct.getKind() == SqlKind.EQUALS) {
                SqlCall eq = (SqlCall) conjunct;
                boolean leftIsColumn = relations.column(eq.operand(0)).isPresent();
                keyRef = leftIsColumn ? eq.operand(0) : eq.operand(1);
                values.add(leftIsColumn ? eq.operand(1) : eq.operand(0));
            } else if (conjunct.getKind() == SqlKind.IN && ((SqlCall) conjunct).operand(1) instanceof SqlNodeList list) {
                keyRef = ((SqlCall) conjunct).operand(0);
                list.forEach(values::add);
            } else {
                return Optional.empty();
            }
            Optional<Column> column = relations.column(keyRef);
            // With a LEFT JOIN only the first view's keys select rows; a filter on a joined view's
            // key would also drop the rows it has no value for.
            if (column.isEmpty() || relations.leftJoin && column.get().view != 0) {
                return Optional.empty();
            }
            int keyIndex = indexOf(keys, column.get().name);
            if (keyIndex < 0 || valuesByKey.containsKey(keys.get(keyIndex).name())) {
                return Optional.empty();
            }
            List<LookupPlan.KeyValue> bound = new ArrayList<>();
            for (SqlNode v : values) {
                Optional<LookupPlan.KeyValue> value = keyValue(v, keys.get(keyIndex));
                if (value.isEmpty()) {
                    return Optional.empty();
                }
                bound.add(value.get());
            }
            valuesByKey.put(keys.get(keyIndex).name(), bound);
        }
        if (valuesByKey.size() != keys.size()) {
            return Optional.empty();
        }
        List<List<LookupPlan.KeyValue>> tuples = List.of(List.of());
        for (ColumnMetadata key : keys) {
            List<List<LookupPlan.KeyValue>> next = new ArrayList<>();
            for (List<LookupPlan.KeyValue> prefix : tuples) {
                for (LookupPlan.KeyValue v : valuesByKey.get(key.name())) {
                    List<LookupPlan.KeyValue> tuple = new ArrayList<>(prefix);
                    tuple.add(v);
                    next.add(tuple);
                }
            }
            tuples = next;
        }
        return Optional.of(tuples);
    }

    private static Optional<LookupPlan.KeyValue> keyValue(SqlNode node, ColumnMetadata key) {
        SqlNode value = node;
        if (value.getKind() == SqlKind.CAST) {
            value = ((SqlCall) value).operand(0);
        }
        if (value instanceof SqlDynamicParam p) {
            return Optional.of(new LookupPlan.Parameter(p.getIndex()));
        }
        Class<?> type = KeyTypes.javaType(key.jdbcType()).orElseThrow();
        if (type == Long.class && value instanceof SqlNumericLiteral n && n.isExact()) {
            BigDecimal d = n.getValueAs(BigDecimal.class);
            if (d.stripTrailingZeros().scale() <= 0) {
                return Optional.of(new LookupPlan.Constant(d.longValueExact()));
            }
        }
        if (type == String.class && value instanceof SqlCharStringLiteral s) {
            return Optional.of(new LookupPlan.Constant(s.getValueAs(String.class)));
        }
        return Optional.empty();
    }

    private static Optional<LookupPlan.Output> output(SqlNode item, Relations relations) {
        SqlNode expr = item;
        String label = null;
        if (item.getKind() == SqlKind.AS) {
            expr = ((SqlCall) item).operand(0);
            label = ((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple();
        }
        Optional<Column> column = relations.column(expr);
        if (column.isEmpty()) {
            return Optional.empty();
        }
        FeatureView view = relations.views.get(column.get().view);
        for (int i = 0; i < view.features().size(); i++) {
            ColumnMetadata c = view.features().get(i).type();
            if (lower(c.name()).equals(column.get().name)) {
                ColumnMetadata labelled = label == null ? c
                        : new ColumnMetadata(label, c.jdbcType(), c.typeName(), c.precision(), c.scale());
                return Optional.of(new LookupPlan.Output(column.get().view, i, labelled));
            }
        }
        return Optional.empty();
    }

    private static int indexOf(List<ColumnMetadata> keys, String name) {
        for (int i = 0; i < keys.size(); i++) {
            if (lower(keys.get(i).name()).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
