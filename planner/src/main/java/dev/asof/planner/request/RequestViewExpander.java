package dev.asof.planner.request;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.NameSuggestions;
import dev.asof.planner.validate.SqlTypes;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Replaces request-time views in a parsed query by the stored feature view they read, with each
 * computed column's expression in place of its name, so that the rest of planning (the online
 * lookup with its compiled expressions, or the PIT rewrite of an extract) sees the same query a
 * user would write by hand.
 *
 * <p>A request column's value comes, per use of the view in a FROM clause:
 *
 * <ul>
 *   <li>when the view is joined {@code AS OF s.col}, from the column of the same name of the
 *       relation {@code s} (the spine);
 *   <li>otherwise from a conjunct {@code column = value} of the WHERE clause ({@code value} a
 *       parameter or a literal), which is removed from the WHERE clause.
 * </ul>
 *
 * Every use of a request column reads {@code CAST(value AS declared type)}. Runs on the tree as
 * parsed (names not yet resolved), after access is worked out on the original tree: reading a
 * request view needs SELECT on it, not on the view it reads.
 */
public final class RequestViewExpander {
    private final Catalog catalog;
    private final List<String> explained = new ArrayList<>();

    /** An expander for one statement: {@link #explained()} collects what it expanded. */
    public RequestViewExpander(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog");
    }

    /**
     * One line per request-time view expanded so far, for EXPLAIN: the feature view it reads and
     * where each request value comes from, e.g. {@code request-time view payment_risk reads
     * customer_spend; amount = ?2}.
     */
    public List<String> explained() {
        return List.copyOf(explained);
    }

    /** Whether the query names a request-time view anywhere. */
    public boolean uses(SqlNode query) {
        boolean[] found = {false};
        query.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                if (id.names.size() == 1 && requestView(id).isPresent()) {
                    found[0] = true;
                }
                return null;
            }
        });
        return found[0];
    }

    /**
     * Expands every request-time view of {@code query} in place.
     *
     * @throws AsofException {@link ErrorCode#INVALID_QUERY} when a request column has no value,
     *     {@link ErrorCode#UNKNOWN_OBJECT} when the spine lacks a request column
     */
    public SqlNode expand(SqlNode query) {
        if (!uses(query)) {
            return query;
        }
        List<SqlSelect> selects = new ArrayList<>();
        query.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call instanceof SqlSelect select) {
                    selects.add(select);
                }
                return super.visit(call);
            }
        });
        for (SqlSelect select : selects) {
            expand(select);
        }
        return query;
    }

    /** One relation of a FROM clause, and where it sits. */
    private record Leaf(SqlNode node, String alias, boolean aliased, Optional<SqlIdentifier> table,
            Optional<SqlSnapshot> snapshot) {}

    /** A request view used in a FROM clause under {@code alias}, with its request values. */
    private record Use(RequestView view, String alias, Map<String, SqlNode> values, Map<String, String> origins) {}

    private void expand(SqlSelect select) {
        if (select.getFrom() == null) {
            return;
        }
        List<Leaf> leaves = new ArrayList<>();
        collect(select.getFrom(), leaves);
        List<Use> uses = new ArrayList<>();
        for (Leaf leaf : leaves) {
            Optional<RequestView> view = leaf.table().flatMap(this::requestView);
            if (view.isPresent()) {
                uses.add(new Use(view.get(), leaf.alias(), new LinkedHashMap<>(), new LinkedHashMap<>()));
            }
        }
        if (uses.isEmpty()) {
            return;
        }
        // Request values: from the spine of an AS OF join, else from WHERE.
        for (int i = 0, u = 0; i < leaves.size(); i++) {
            Leaf leaf = leaves.get(i);
            if (leaf.table().flatMap(this::requestView).isEmpty()) {
                continue;
            }
            Use use = uses.get(u++);
            Optional<Leaf> spine = leaf.snapshot().flatMap(s -> spine(s, leaves, leaf));
            if (spine.isPresent()) {
                bindFromSpine(use, spine.get(), leaf);
            }
        }
        bindFromWhere(select, uses);
        for (Use use : uses) {
            List<String> missing = use.view().request().stream().map(ColumnMetadata::name)
                    .filter(c -> !use.values().containsKey(lower(c))).toList();
            if (!missing.isEmpty()) {
                SqlNode at = leaves.stream().filter(l -> l.alias().equalsIgnoreCase(use.alias())).findFirst()
                        .map(Leaf::node).orElse(select.getFrom());
                throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(at) + "request view '"
                        + use.view().name() + "' needs a value for its request column(s) " + String.join(", ", missing)
                        + ": give each in WHERE (" + missing.get(0) + " = ?) for a lookup, or join the view AS OF a"
                        + " spine that has columns of those names (LEFT JOIN " + use.view().name() + " AS OF l.ts r ON"
                        + " r.<key> = l.<key>)" + unboundHint(select.getWhere(), use, missing));
            }
        }
        for (Use use : uses) {
            explained.add("request-time view " + use.view().name() + " reads feature view " + use.view().view() + "; "
                    + String.join(", ", use.view().request().stream().map(c -> c.name() + " = "
                            + use.origins().get(lower(c.name())) + " (" + c.typeName() + ")").toList()));
        }
        // The stored view in place of the request view, under the same alias (its own name when
        // none was given, so that references qualified by that name keep resolving).
        for (Leaf leaf : leaves) {
            Optional<RequestView> view = leaf.table().flatMap(this::requestView);
            if (view.isPresent()) {
                SqlIdentifier table = leaf.table().get();
                table.setNames(List.of(view.get().view()), List.of(table.getParserPosition()));
                if (!leaf.aliased()) {
                    replaceLeaf(select, leaf.node(), Nodes.as(leaf.node(), leaf.alias()));
                }
            }
        }
        ColumnRewriter rewriter = new ColumnRewriter(uses);
        select.setSelectList(selectList(select.getSelectList(), leaves, uses, rewriter));
        if (select.getWhere() != null) {
            select.setWhere(select.getWhere().accept(rewriter));
        }
        if (select.getGroup() != null) {
            select.setGroupBy((SqlNodeList) select.getGroup().accept(rewriter));
        }
        if (select.getHaving() != null) {
            select.setHaving(select.getHaving().accept(rewriter));
        }
        rewriteJoinConditions(select.getFrom(), rewriter);
    }

    private Optional<RequestView> requestView(SqlIdentifier id) {
        if (id.names.size() != 1 || id.isStar()) {
            return Optional.empty();
        }
        return catalog.object(id.getSimple()).filter(RequestView.class::isInstance).map(RequestView.class::cast);
    }

    /** The relations of a FROM clause, left to right. */
    private static void collect(SqlNode from, List<Leaf> leaves) {
        if (from instanceof SqlJoin join) {
            collect(join.getLeft(), leaves);
            collect(join.getRight(), leaves);
            return;
        }
        SqlNode relation = from;
        String alias = null;
        if (from.getKind() == SqlKind.AS) {
            relation = ((SqlCall) from).operand(0);
            alias = ((SqlIdentifier) ((SqlCall) from).operand(1)).getSimple();
        }
        SqlSnapshot snapshot = relation instanceof SqlSnapshot s ? s : null;
        SqlNode table = snapshot != null ? snapshot.getTableRef() : relation;
        if (table.getKind() == SqlKind.AS && snapshot != null) {
            alias = alias != null ? alias : ((SqlIdentifier) ((SqlCall) table).operand(1)).getSimple();
            table = ((SqlCall) table).operand(0);
        }
        SqlIdentifier id = table instanceof SqlIdentifier i && !i.isStar() ? i : null;
        boolean aliased = alias != null;
        if (alias == null) {
            alias = id != null ? id.names.get(id.names.size() - 1) : "";
        }
        leaves.add(new Leaf(from, alias, aliased, Optional.ofNullable(id), Optional.ofNullable(snapshot)));
    }

    /** The relation named by the AS OF expression's qualifier ({@code AS OF l.ts}: l), if another of this FROM. */
    private static Optional<Leaf> spine(SqlSnapshot snapshot, List<Leaf> leaves, Leaf self) {
        if (!(snapshot.getPeriod() instanceof SqlIdentifier time) || time.names.size() < 2) {
            return Optional.empty();
        }
        String qualifier = time.names.get(time.names.size() - 2);
        return leaves.stream().filter(l -> l != self && l.alias().equalsIgnoreCase(qualifier)).findFirst();
    }

    private void bindFromSpine(Use use, Leaf spine, Leaf leaf) {
        Optional<List<ColumnMetadata>> columns = spineColumns(spine);
        for (ColumnMetadata c : use.view().request()) {
            if (columns.isPresent() && columns.get().stream().noneMatch(s -> s.name().equalsIgnoreCase(c.name()))) {
                throw new AsofException(ErrorCode.UNKNOWN_OBJECT, Nodes.position(leaf.node()) + "request column '"
                        + c.name() + "' of request view '" + use.view().name() + "' is not a column of the spine '"
                        + spine.alias() + "': a request view joined AS OF a spine reads its request values from the"
                        + " spine's columns of the same names (rename one in a sub-query: SELECT …, x AS " + c.name()
                        + " FROM …)" + NameSuggestions.hint(c.name(), columns.get().stream().map(ColumnMetadata::name).toList()));
            }
            use.values().put(lower(c.name()), castTo(Nodes.id(spine.alias(), c.name()), c));
            use.origins().put(lower(c.name()), spine.alias() + "." + c.name());
        }
    }

    /** The spine's columns when it is a registry object or a warehouse table asof can name; else empty. */
    private Optional<List<ColumnMetadata>> spineColumns(Leaf spine) {
        if (spine.table().isEmpty() || spine.snapshot().isPresent()) {
            return Optional.empty();
        }
        List<String> names = spine.table().get().names;
        if (names.size() == 1) {
            Optional<CatalogObject> object = catalog.object(names.get(0));
            if (object.isPresent()) {
                return Optional.of(object.get().columns());
            }
        }
        List<String> qualified = new ArrayList<>(names);
        List<String> schema = catalog.defaultSchema();
        while (qualified.size() < 3 && qualified.size() - names.size() < schema.size()) {
            qualified.add(0, schema.get(schema.size() - 1 - (qualified.size() - names.size())));
        }
        if (qualified.size() != 3) {
            return Optional.empty();
        }
        try {
            return catalog.warehouseColumns(TableName.of(qualified));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Takes {@code column = value} conjuncts naming request columns out of WHERE, as those columns' values. */
    private static void bindFromWhere(SqlSelect select, List<Use> uses) {
        if (select.getWhere() == null) {
            return;
        }
        List<SqlNode> kept = new ArrayList<>();
        for (SqlNode conjunct : Nodes.conjuncts(select.getWhere())) {
            if (!bind(conjunct, uses)) {
                kept.add(conjunct);
            }
        }
        select.setWhere(kept.isEmpty() ? null : Nodes.and(kept));
    }

    private static boolean bind(SqlNode conjunct, List<Use> uses) {
        if (conjunct.getKind() != SqlKind.EQUALS) {
            return false;
        }
        SqlCall eq = (SqlCall) conjunct;
        for (int side = 0; side < 2; side++) {
            if (!(eq.operand(side) instanceof SqlIdentifier id) || !isValue(eq.operand(1 - side))) {
                continue;
            }
            Optional<Use> use = requestUse(id, uses);
            if (use.isPresent() && !use.get().values().containsKey(lower(last(id)))) {
                ColumnMetadata c = use.get().view().requestColumn(last(id)).orElseThrow();
                SqlNode value = eq.operand(1 - side);
                use.get().values().put(lower(c.name()), castTo(value, c));
                use.get().origins().put(lower(c.name()), value instanceof SqlDynamicParam p
                        ? "?" + (p.getIndex() + 1) : value.toString());
                return true;
            }
        }
        return false;
    }

    /** A parameter or literal, possibly cast. */
    private static boolean isValue(SqlNode node) {
        SqlNode value = node.getKind() == SqlKind.CAST ? ((SqlCall) node).operand(0) : node;
        return value instanceof SqlDynamicParam || value instanceof SqlLiteral
                || value.getKind() == SqlKind.MINUS_PREFIX && ((SqlCall) value).operand(0) instanceof SqlLiteral;
    }

    /** The use whose request column {@code id} names ({@code alias.column}, or a column only one use has). */
    private static Optional<Use> requestUse(SqlIdentifier id, List<Use> uses) {
        if (id.names.size() == 2) {
            return uses.stream().filter(u -> u.alias().equalsIgnoreCase(id.names.get(0))
                    && u.view().requestColumn(id.names.get(1)).isPresent()).findFirst();
        }
        if (id.names.size() == 1) {
            List<Use> having = uses.stream().filter(u -> u.view().requestColumn(id.names.get(0)).isPresent()).toList();
            return having.size() == 1 ? Optional.of(having.get(0)) : Optional.empty();
        }
        return Optional.empty();
    }

    /** "did you mean" for WHERE conjuncts {@code name = value} that named no request column. */
    private static String unboundHint(SqlNode where, Use use, List<String> missing) {
        if (where == null) {
            return "";
        }
        for (SqlNode conjunct : Nodes.conjuncts(where)) {
            if (conjunct.getKind() == SqlKind.EQUALS) {
                for (SqlNode operand : ((SqlCall) conjunct).getOperandList()) {
                    if (operand instanceof SqlIdentifier id && use.view().columns().stream()
                            .noneMatch(c -> c.name().equalsIgnoreCase(last(id)))) {
                        String hint = NameSuggestions.hint(last(id), missing);
                        if (!hint.isEmpty()) {
                            return "; WHERE names '" + last(id) + "'" + hint;
                        }
                    }
                }
            }
        }
        return "";
    }

    /** Puts {@code replacement} where {@code old} is in the FROM clause. */
    private static void replaceLeaf(SqlSelect select, SqlNode old, SqlNode replacement) {
        if (select.getFrom() == old) {
            select.setFrom(replacement);
        } else {
            replaceInJoins(select.getFrom(), old, replacement);
        }
    }

    private static void replaceInJoins(SqlNode node, SqlNode old, SqlNode replacement) {
        if (node instanceof SqlJoin join) {
            if (join.getLeft() == old) {
                join.setLeft(replacement);
            } else if (join.getRight() == old) {
                join.setRight(replacement);
            } else {
                replaceInJoins(join.getLeft(), old, replacement);
                replaceInJoins(join.getRight(), old, replacement);
            }
        }
    }

    /** The select list with {@code *} and {@code alias.*} of request views spelled out, and computed columns named. */
    private static SqlNodeList selectList(SqlNodeList items, List<Leaf> leaves, List<Use> uses, ColumnRewriter rewriter) {
        List<SqlNode> out = new ArrayList<>();
        for (SqlNode item : items) {
            if (item instanceof SqlIdentifier id && id.isStar()) {
                if (id.names.size() == 1) {
                    for (Leaf leaf : leaves) {
                        Optional<Use> use = uses.stream().filter(u -> u.alias().equalsIgnoreCase(leaf.alias())).findFirst();
                        if (use.isPresent()) {
                            out.addAll(allColumns(use.get(), rewriter));
                        } else {
                            out.add(new SqlIdentifier(List.of(leaf.alias(), ""), id.getParserPosition()));
                        }
                    }
                    continue;
                }
                Optional<Use> use = uses.stream().filter(u -> u.alias().equalsIgnoreCase(id.names.get(0))).findFirst();
                if (use.isPresent()) {
                    out.addAll(allColumns(use.get(), rewriter));
                    continue;
                }
                out.add(item);
                continue;
            }
            if (item instanceof SqlIdentifier id && rewriter.rewrites(id)) {
                out.add(Nodes.as(id.accept(rewriter), rewriter.columnName(id)));
                continue;
            }
            if (item.getKind() == SqlKind.AS) {
                SqlCall as = (SqlCall) item;
                out.add(Nodes.as(as.operand(0).accept(rewriter), ((SqlIdentifier) as.operand(1)).getSimple()));
                continue;
            }
            out.add(item.accept(rewriter));
        }
        return new SqlNodeList(out, items.getParserPosition());
    }

    private static List<SqlNode> allColumns(Use use, ColumnRewriter rewriter) {
        List<SqlNode> out = new ArrayList<>();
        for (ColumnMetadata c : use.view().columns()) {
            SqlIdentifier id = Nodes.id(use.alias(), c.name());
            out.add(use.view().isKey(c.name()) ? id : Nodes.as(id.accept(rewriter), c.name()));
        }
        return out;
    }

    private static void rewriteJoinConditions(SqlNode from, ColumnRewriter rewriter) {
        if (from instanceof SqlJoin join) {
            rewriteJoinConditions(join.getLeft(), rewriter);
            rewriteJoinConditions(join.getRight(), rewriter);
            if (join.getCondition() != null && !(join.getCondition() instanceof SqlNodeList)) {
                join.setOperand(5, join.getCondition().accept(rewriter));
            }
        }
    }

    /**
     * Replaces references to a request view's request columns and computed columns (qualified by
     * its alias, or unqualified when only one request view of this FROM has that column) with
     * their values and expressions. Does not enter sub-queries, which are expanded on their own.
     */
    private static final class ColumnRewriter extends SqlShuttle {
        private final List<Use> uses;

        ColumnRewriter(List<Use> uses) {
            this.uses = uses;
        }

        Optional<Use> use(SqlIdentifier id) {
            if (id.isStar()) {
                return Optional.empty();
            }
            if (id.names.size() == 2) {
                return uses.stream().filter(u -> u.alias().equalsIgnoreCase(id.names.get(0))
                        && isComputedOrRequest(u, id.names.get(1))).findFirst();
            }
            if (id.names.size() == 1) {
                List<Use> having = uses.stream().filter(u -> isComputedOrRequest(u, id.names.get(0))).toList();
                return having.size() == 1 ? Optional.of(having.get(0)) : Optional.empty();
            }
            return Optional.empty();
        }

        boolean rewrites(SqlIdentifier id) {
            return use(id).isPresent();
        }

        String columnName(SqlIdentifier id) {
            Use use = use(id).orElseThrow();
            String name = last(id);
            return use.view().columns().stream().map(ColumnMetadata::name).filter(name::equalsIgnoreCase)
                    .findFirst().orElse(name);
        }

        private static boolean isComputedOrRequest(Use use, String column) {
            return use.view().requestColumn(column).isPresent() || use.view().feature(column).isPresent();
        }

        @Override
        public SqlNode visit(SqlIdentifier id) {
            Optional<Use> use = use(id);
            if (use.isEmpty()) {
                return id;
            }
            String column = last(id);
            Optional<ColumnMetadata> request = use.get().view().requestColumn(column);
            if (request.isPresent()) {
                return copy(use.get().values().get(lower(request.get().name())));
            }
            Feature feature = use.get().view().feature(column).orElseThrow();
            return expression(feature, use.get(), id.getParserPosition());
        }

        @Override
        public SqlNode visit(SqlCall call) {
            if (call instanceof SqlSelect || call.getKind() == SqlKind.WITH) {
                return call; // a sub-query: expanded on its own
            }
            return super.visit(call);
        }

        /** A computed column's stored expression over the alias's columns and the request values. */
        private static SqlNode expression(Feature feature, Use use, SqlParserPos pos) {
            SqlNode parsed = Expressions.parse(feature.expression());
            return parsed.accept(new SqlShuttle() {
                @Override
                public SqlNode visit(SqlIdentifier id) {
                    String column = last(id);
                    Optional<ColumnMetadata> request = use.view().requestColumn(column);
                    if (request.isPresent()) {
                        return copy(use.values().get(lower(request.get().name())));
                    }
                    return new SqlIdentifier(List.of(use.alias(), column), pos);
                }
            });
        }
    }

    /**
     * {@code CAST(value AS type)} for a request column's declared type: every use of a request
     * column reads its value as that type, online and offline alike.
     */
    public static SqlNode castTo(SqlNode value, ColumnMetadata column) {
        SqlTypeName type = SqlTypes.sqlTypeName(column.jdbcType());
        if (column.jdbcType() == JDBCType.DECIMAL) {
            return Nodes.cast(value, type, column.precision(), column.scale());
        }
        return Nodes.cast(value, type);
    }

    /**
     * A copy of a request value's tree for one more place in the query: the rewrites after this
     * one may change a node in place, which must not change it elsewhere.
     */
    private static SqlNode copy(SqlNode value) {
        return value.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlIdentifier id) {
                return id.clone(id.getParserPosition());
            }

            @Override
            public SqlNode visit(SqlDynamicParam param) {
                return new SqlDynamicParam(param.getIndex(), param.getParserPosition());
            }
        });
    }

    private static String last(SqlIdentifier id) {
        return id.names.get(id.names.size() - 1);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
