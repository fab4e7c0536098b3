package dev.asof.planner.pit;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.sql.Nodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * The spine columns a query reads above one of its joins, so that the join can be replaced by a
 * derived table that carries them: {@code FROM spine l LEFT JOIN v AS OF l.ts s ON …} becomes
 * {@code FROM (…) AS s}, and every {@code l.col} of the query (select list, WHERE, GROUP BY,
 * HAVING, ORDER BY, the ON clauses and AS OF times of later joins) becomes {@code s.__sp<i>}. The
 * validator has qualified every column, so a reference is an identifier {@code alias.col}.
 * Select items keep their names.
 */
final class SpineColumns {
    private final SqlSelect select;
    private final SqlJoin join;
    private final Set<String> spineAliases;
    /** Lower-cased {@code alias.column} to the identifiers of the query that read it. */
    private final Map<String, List<SqlIdentifier>> references = new LinkedHashMap<>();

    private SpineColumns(SqlSelect select, SqlJoin join) {
        this.select = requireNonNull(select, "select");
        this.join = requireNonNull(join, "join");
        this.spineAliases = PitRewriter.aliasesOf(join.getLeft());
    }

    /**
     * The spine columns {@code select} reads above {@code join} (one of its FROM joins), or empty
     * when they cannot all be found that way: sub-queries in expressions (they may read the spine
     * under another scope), LATERAL, or an unexpanded {@code *}.
     */
    static Optional<SpineColumns> of(SqlSelect select, SqlJoin join) {
        SpineColumns c = new SpineColumns(select, join);
        if (c.spineAliases.isEmpty() || namesColumnsUnqualified(select.getFrom())) {
            return Optional.empty();
        }
        for (int i = 0; i < select.getOperandList().size(); i++) {
            SqlNode operand = select.getOperandList().get(i);
            if (operand == null) {
                continue;
            }
            if (operand == select.getFrom()) {
                if (!c.collectFrom(operand)) {
                    return Optional.empty();
                }
            } else if (!c.collect(operand)) {
                return Optional.empty();
            }
        }
        return Optional.of(c);
    }

    /** The spine's columns as the query reads them, in a stable order; the i-th is carried as {@code __sp<i>}. */
    List<SqlNode> columns() {
        List<SqlNode> out = new ArrayList<>();
        references.values().forEach(ids -> out.add(Nodes.id(ids.get(0).names.subList(0, 2))));
        return out;
    }

    /**
     * Points every reference at the derived table {@code alias}: {@code l.col} becomes
     * {@code alias.__sp<i>}, in place (the validator's types stay attached to the nodes), and a
     * select item that was such a reference keeps its name with an {@code AS}.
     */
    void redirect(String alias) {
        SqlNodeList items = select.getSelectList();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof SqlIdentifier id && key(id) != null) {
                items.set(i, Nodes.as(id, id.names.get(id.names.size() - 1)));
            }
        }
        int i = 0;
        for (Map.Entry<String, List<SqlIdentifier>> e : references.entrySet()) {
            String carried = WindowRelation.carriedAlias(i++);
            for (SqlIdentifier id : e.getValue()) {
                List<String> names = new ArrayList<>();
                names.add(alias);
                names.add(carried);
                names.addAll(id.names.subList(2, id.names.size()));
                id.setNames(names, null);
            }
        }
    }

    /**
     * A copy of an expression with identifiers of its own, so that {@link #redirect} leaves it
     * alone ({@code SqlNode.clone} shares a call's operands).
     */
    static SqlNode detached(SqlNode expression) {
        return expression.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlIdentifier id) {
                return id.clone(id.getParserPosition());
            }
        });
    }

    /** Whether a join of the FROM tree is NATURAL or USING: its columns are read without an alias. */
    private static boolean namesColumnsUnqualified(SqlNode from) {
        if (from instanceof SqlJoin j) {
            return j.isNatural() || j.getConditionType() == JoinConditionType.USING
                    || namesColumnsUnqualified(j.getLeft()) || namesColumnsUnqualified(j.getRight());
        }
        return false;
    }

    /** The FROM tree outside {@code join}: ON clauses and AS OF times. */
    private boolean collectFrom(SqlNode from) {
        if (from == join) {
            return true;
        }
        if (from instanceof SqlJoin j) {
            return collectFrom(j.getLeft()) && collectFrom(j.getRight())
                    && (j.getCondition() == null || collect(j.getCondition()));
        }
        if (from.getKind() == SqlKind.LATERAL) {
            return false;
        }
        if (from.getKind() == SqlKind.AS) {
            return collectFrom(((SqlCall) from).operand(0));
        }
        if (from instanceof SqlSnapshot snapshot) {
            return collect(snapshot.getPeriod());
        }
        return true; // a table or a derived table: no reference to the spine's aliases
    }

    private boolean collect(SqlNode expression) {
        if (Nodes.contains(expression, call -> call instanceof SqlSelect || call.getKind() == SqlKind.SCALAR_QUERY
                || call.getKind() == SqlKind.LATERAL)) {
            return false;
        }
        boolean[] ok = {true};
        expression.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                String key = key(id);
                if (key != null) {
                    if (id.isStar() || id.names.size() < 2) {
                        ok[0] = false;
                    } else {
                        references.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
                    }
                }
                return null;
            }
        });
        return ok[0];
    }

    /** {@code alias.column} lower-cased when {@code id} reads a spine column, else null. */
    private String key(SqlIdentifier id) {
        if (id.names.size() < 2 || !spineAliases.contains(id.names.get(0).toLowerCase(Locale.ROOT))) {
            return null;
        }
        return (id.names.get(0) + "." + id.names.get(1)).toLowerCase(Locale.ROOT);
    }
}
