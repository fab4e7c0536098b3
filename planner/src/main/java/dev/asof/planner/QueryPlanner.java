package dev.asof.planner;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.pit.PitRewriter;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.QueryValidator;
import java.util.List;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlString;

/**
 * Turns a parsed query into warehouse SQL: validate against the catalog, rewrite PIT constructs on
 * the tree, unparse in the engine's dialect. Pure: the catalog answers name questions, nothing
 * else is read or written.
 */
public final class QueryPlanner {
    private final Catalog catalog;
    private final EngineDialect dialect;

    public QueryPlanner(Catalog catalog, EngineDialect dialect) {
        this.catalog = catalog;
        this.dialect = dialect;
    }

    /** True when the query names a registry object, so asof must plan it (else it passes through). */
    public boolean usesRegistry(SqlNode query) {
        boolean[] found = {false};
        query.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                if (id.names.size() == 1 && catalog.object(id.names.get(0)).isPresent()) {
                    found[0] = true;
                }
                return null;
            }
        });
        return found[0];
    }

    /** True when the query has an AS OF clause (which only feature views take). */
    public static boolean usesAsOf(SqlNode query) {
        return Nodes.contains(query, call -> call.getKind() == SqlKind.SNAPSHOT);
    }

    /**
     * For a query that goes to the warehouse as written: report unknown tables and columns with
     * close candidates, as for asof's own queries. Other validation problems are left to the
     * engine, whose functions and typing rules may differ from Calcite's.
     */
    public void checkNames(SqlNode query) {
        try {
            new QueryValidator(catalog).validate(query.clone(query.getParserPosition()));
        } catch (AsofException e) {
            if (e.code() == ErrorCode.UNKNOWN_OBJECT) {
                throw e;
            }
        }
    }

    public GeneratedQuery plan(SqlNode query) {
        int parameterCount = parameterCount(query);
        return unparse(rewrite(query), parameterCount);
    }

    /**
     * The query validated and rewritten for the warehouse, as a tree (PIT constructs replaced by
     * plain SQL), for callers that build on it before {@link #unparse}.
     */
    public SqlNode rewrite(SqlNode query) {
        QueryValidator validator = new QueryValidator(catalog);
        SqlNode validated = validator.validate(query);
        return hoistOrderBy(new PitRewriter(catalog, dialect, validator).rewrite(validated));
    }

    /** A rewritten tree as the engine's SQL, identifiers quoted. */
    public GeneratedQuery unparse(SqlNode rewritten, int parameterCount) {
        SqlString sql = rewritten.toSqlString(c -> c.withDialect(dialect.sqlDialect())
                .withQuoteAllIdentifiers(true)
                .withAlwaysUseParentheses(false)
                .withIndentation(2));
        List<Integer> order = sql.getDynamicParameters() == null ? List.of() : sql.getDynamicParameters();
        return new GeneratedQuery(sql.getSql(), order, parameterCount, dialect.name());
    }

    /**
     * {@code WITH w AS (…) <query ORDER BY …>} unparses with the body in parentheses, and engines
     * may ignore ORDER BY inside parentheses (Trino does). Lifting ORDER BY/OFFSET/FETCH over the
     * WITH gives {@code WITH w AS (…) SELECT … ORDER BY …}, the same query without that ambiguity.
     */
    private static SqlNode hoistOrderBy(SqlNode query) {
        if (query instanceof SqlWith with && with.body instanceof SqlOrderBy orderBy) {
            with.body = orderBy.query;
            return new SqlOrderBy(orderBy.getParserPosition(), with, orderBy.orderList, orderBy.offset, orderBy.fetch);
        }
        // The validator folds ORDER BY/OFFSET/FETCH into the SELECT itself.
        if (query instanceof SqlWith with && with.body instanceof SqlSelect select
                && (select.getOrderList() != null || select.getFetch() != null || select.getOffset() != null)) {
            SqlNodeList order = select.getOrderList() == null ? SqlNodeList.EMPTY : select.getOrderList();
            SqlOrderBy lifted = new SqlOrderBy(select.getParserPosition(), with, order, select.getOffset(), select.getFetch());
            select.setOrderBy(null);
            select.setOffset(null);
            select.setFetch(null);
            return lifted;
        }
        return query;
    }

    /** Number of {@code ?} markers in a statement. */
    public static int parameterCount(SqlNode node) {
        int[] max = {-1};
        node.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlDynamicParam param) {
                max[0] = Math.max(max[0], param.getIndex());
                return null;
            }
        });
        return max[0] + 1;
    }
}
