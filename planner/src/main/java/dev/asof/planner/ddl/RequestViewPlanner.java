package dev.asof.planner.ddl;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.online.LookupPlanner;
import dev.asof.planner.online.expression.LookupExpressionCompiler;
import dev.asof.planner.online.expression.ProjectionValues;
import dev.asof.planner.parser.SqlCreateFeatureView;
import dev.asof.planner.parser.SqlEntityColumn;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.request.RequestViewExpander;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.NameSuggestions;
import dev.asof.planner.validate.QueryValidator;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.warehouse.EngineDialect;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Checks {@code CREATE FEATURE VIEW name ENTITY e FROM view REQUEST (column type, …) AS SELECT
 * item, …} and builds the {@link RequestView}: {@code view} is a stored feature view of entity
 * {@code e}; the items are expressions over its columns and the request columns, typed by
 * Calcite as the gateway evaluates them. With ONLINE, the lookup the view answers must be one
 * the gateway evaluates over the online store (checked here with the lookup path's own
 * compiler, so the reason is the one EXPLAIN would give).
 */
final class RequestViewPlanner {
    /** What a request column may be: the types a request value is bound as, online and offline alike. */
    private static final List<JDBCType> REQUEST_TYPES = List.of(JDBCType.BIGINT, JDBCType.INTEGER,
            JDBCType.SMALLINT, JDBCType.DOUBLE, JDBCType.DECIMAL, JDBCType.BOOLEAN, JDBCType.VARCHAR);

    private final Catalog catalog;
    private final EngineDialect dialect;

    RequestViewPlanner(Catalog catalog, EngineDialect dialect) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.dialect = requireNonNull(dialect, "dialect");
    }

    PlannedStatement.CreateRequestView plan(SqlCreateFeatureView node, String ddl) {
        String name = node.name().getSimple();
        FeatureView stored = storedView(node.source());
        Entity entity = entity(node.entity());
        if (!stored.entity().equalsIgnoreCase(entity.name())) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(node.entity()) + "feature view '"
                    + stored.name() + "' is keyed by entity '" + stored.entity() + "', not '" + entity.name() + "'");
        }
        refuseStorageClauses(node, stored);

        List<ColumnMetadata> request = requestColumns(node, stored);
        List<ColumnMetadata> keys = new ArrayList<>();
        for (ColumnMetadata key : entity.keys()) {
            keys.add(stored.columns().stream().filter(c -> c.name().equalsIgnoreCase(key.name())).findFirst()
                    .orElse(key));
        }

        List<String> names = new ArrayList<>();
        List<SqlNode> expressions = new ArrayList<>();
        List<SqlNode> featureItems = new ArrayList<>();
        for (SqlNode item : node.selectList()) {
            NamedItem named = NamedItem.of(item);
            SqlNode expr = named.expression();
            String column = named.name();
            if (keys.stream().anyMatch(k -> k.name().equalsIgnoreCase(column))) {
                if (!(expr instanceof SqlIdentifier id) || !id.names.get(id.names.size() - 1).equalsIgnoreCase(column)) {
                    throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(item) + "'" + column
                            + "' is a key of entity '" + entity.name() + "'; it is always a column of the view, as itself");
                }
                continue; // keys are columns of the view anyway
            }
            if (request.stream().anyMatch(c -> c.name().equalsIgnoreCase(column))) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(item) + "'" + column
                        + "' is a request column, which is a column of the view already; name this feature otherwise");
            }
            if (names.stream().anyMatch(column::equalsIgnoreCase)) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(item) + "column '" + column
                        + "' appears twice");
            }
            if (Nodes.contains(expr, call -> call.getKind().belongsTo(SqlKind.QUERY) || call.getKind() == SqlKind.OVER
                    || call.getOperator().isAggregator()) || WindowedItem.aggregateWithoutOver(expr).isPresent()) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(item) + "a request-time feature"
                        + " is computed from one lookup's values: no aggregates, windows or sub-queries (windows belong"
                        + " to the feature view it reads, '" + stored.name() + "')");
            }
            checkNames(expr, stored, request);
            names.add(column);
            expressions.add(unqualified(expr));
            featureItems.add(item);
        }
        if (names.isEmpty()) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(node.selectList())
                    + "a request-time view computes at least one feature besides the keys");
        }

        // Printed before validation, which may change nodes in place.
        List<String> canonical = expressions.stream().map(Expressions::print).toList();
        // The lookup the view answers: its expressions over the stored view, request values as
        // parameters 0..r-1, then the keys. Typed by the validator; with ONLINE, compiled.
        List<SqlNode> items = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            items.add(Nodes.as(withRequestParameters(expressions.get(i), stored, request), names.get(i)));
        }
        List<SqlNode> keyFilters = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            keyFilters.add(Nodes.eq(Nodes.id(stored.name(), keys.get(k).name()),
                    new SqlDynamicParam(request.size() + k, Nodes.POS)));
        }
        QueryValidator validator = new QueryValidator(catalog);
        SqlNode validated;
        try {
            validated = validator.validate(Nodes.select(items, Nodes.as(Nodes.id(stored.name()), stored.name()),
                    Nodes.and(keyFilters), false));
        } catch (AsofException e) {
            throw e.code() == ErrorCode.INVALID_QUERY ? new AsofException(ErrorCode.INVALID_DEFINITION, e.getMessage(), e) : e;
        }
        RelDataType row = validator.typeOf(validated);
        List<Feature> features = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            ColumnMetadata type = ProjectionValues.column(names.get(i), row.getFieldList().get(i).getType());
            if (type.jdbcType() == JDBCType.OTHER) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(featureItems.get(i))
                        + "feature '" + names.get(i) + "' has type " + row.getFieldList().get(i).getType()
                        + "; request-time features are numbers, BOOLEAN or character strings");
            }
            features.add(new Feature(canonical.get(i), type));
        }
        if (node.online()) {
            checkServedOnline(name, stored, validator, validated);
        }
        return new PlannedStatement.CreateRequestView(new RequestView(name, entity.name(), stored.name(), keys, request,
                features, node.online(), ddl), node.ifNotExists());
    }

    private FeatureView storedView(SqlIdentifier id) {
        String name = id.getSimple();
        Optional<CatalogObject> o = catalog.object(name);
        if (o.isPresent() && o.get() instanceof FeatureView v) {
            return v;
        }
        if (o.isPresent() && o.get() instanceof Source) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(id) + "'" + o.get().name()
                    + "' is a source; a request-time view (REQUEST …) reads a feature view: define one over the source"
                    + " and name it after FROM");
        }
        if (o.isPresent() && o.get() instanceof RequestView) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(id) + "'" + o.get().name()
                    + "' is a request-time view; a request-time view reads a feature view that stores values");
        }
        List<String> known = catalog.visibleObjects().stream().filter(FeatureView.class::isInstance)
                .map(CatalogObject::name).toList();
        throw new AsofException(ErrorCode.UNKNOWN_OBJECT, Nodes.position(id) + "feature view '" + name + "' not found"
                + NameSuggestions.hint(name, known));
    }

    private Entity entity(SqlIdentifier id) {
        String name = id.getSimple();
        Optional<CatalogObject> o = catalog.object(name);
        if (o.isPresent() && o.get() instanceof Entity e) {
            return e;
        }
        List<String> known = catalog.visibleObjects().stream().filter(Entity.class::isInstance)
                .map(CatalogObject::name).toList();
        throw new AsofException(ErrorCode.UNKNOWN_OBJECT, Nodes.position(id) + "entity '" + name + "' not found"
                + NameSuggestions.hint(name, known));
    }

    /** TTL, HOP and LOG SAMPLE belong to the stored view: a request-time view stores nothing. */
    private static void refuseStorageClauses(SqlCreateFeatureView node, FeatureView stored) {
        SqlNode clause = node.ttl() != null ? node.ttl() : node.hop() != null ? node.hop() : node.logSample();
        if (clause != null) {
            String what = node.ttl() != null ? "TTL" : node.hop() != null ? "HOP" : "LOG SAMPLE";
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(clause) + what + " belongs to the"
                    + " feature view a request-time view reads ('" + stored.name() + "'); a request-time view stores"
                    + " nothing of its own");
        }
    }

    private static List<ColumnMetadata> requestColumns(SqlCreateFeatureView node, FeatureView stored) {
        List<ColumnMetadata> columns = new ArrayList<>();
        for (SqlEntityColumn c : node.request()) {
            String column = c.name().getSimple();
            if (columns.stream().anyMatch(x -> x.name().equalsIgnoreCase(column))) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(c.name()) + "request column '"
                        + column + "' is declared twice");
            }
            Optional<ColumnMetadata> shadowed = stored.columns().stream()
                    .filter(x -> x.name().equalsIgnoreCase(column)).findFirst();
            if (shadowed.isPresent()) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(c.name()) + "request column '"
                        + column + "' has the name of column '" + shadowed.get().name() + "' of feature view '"
                        + stored.name() + "', which it would hide; give the request column another name");
            }
            columns.add(DeclaredColumns.of(column, c, REQUEST_TYPES, "request column"));
        }
        return columns;
    }

    /** Every name an item reads is a column of the stored view or a request column. */
    private static void checkNames(SqlNode expr, FeatureView stored, List<ColumnMetadata> request) {
        expr.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                if (id.isStar()) {
                    throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(id)
                            + "name the columns a request-time feature reads; * is not allowed");
                }
                if (id.names.size() > 2 || id.names.size() == 2 && !id.names.get(0).equalsIgnoreCase(stored.name())) {
                    throw new AsofException(ErrorCode.UNKNOWN_OBJECT, Nodes.position(id) + "'" + String.join(".", id.names)
                            + "' is not a column of feature view '" + stored.name() + "'; write its columns and the"
                            + " request columns by name");
                }
                String column = id.names.get(id.names.size() - 1);
                boolean known = stored.columns().stream().anyMatch(c -> c.name().equalsIgnoreCase(column))
                        || request.stream().anyMatch(c -> c.name().equalsIgnoreCase(column));
                if (!known) {
                    List<String> candidates = new ArrayList<>();
                    request.forEach(c -> candidates.add(c.name()));
                    stored.columns().forEach(c -> candidates.add(c.name()));
                    throw new AsofException(ErrorCode.UNKNOWN_OBJECT, Nodes.position(id) + "column '" + column
                            + "' is neither a request column nor a column of feature view '" + stored.name() + "'"
                            + NameSuggestions.hint(column, candidates));
                }
                return null;
            }
        });
    }

    /** The expression over the stored view's columns (qualified by its name) with request columns as typed parameters. */
    private static SqlNode withRequestParameters(SqlNode expr, FeatureView stored, List<ColumnMetadata> request) {
        return expr.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlIdentifier id) {
                String column = id.names.get(id.names.size() - 1);
                for (int i = 0; i < request.size(); i++) {
                    if (request.get(i).name().equalsIgnoreCase(column)) {
                        return RequestViewExpander.castTo(new SqlDynamicParam(i, id.getParserPosition()), request.get(i));
                    }
                }
                return new SqlIdentifier(List.of(stored.name(), column), id.getParserPosition());
            }
        });
    }

    /** ONLINE: the stored view is ONLINE and the lookup's expressions are evaluated in the gateway. */
    private void checkServedOnline(String name, FeatureView stored, QueryValidator validator, SqlNode validated) {
        if (!stored.online()) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, "request-time view '" + name + "' is declared"
                    + " ONLINE but feature view '" + stored.name() + "', which it reads, is not ONLINE; make that one"
                    + " ONLINE, or drop ONLINE here to let the warehouse answer this view's lookups");
        }
        LookupPlanner.Decision decision = new LookupPlanner(catalog,
                Optional.of(new LookupExpressionCompiler(validator, dialect.name()))).decide(validated);
        if (decision.plan().isEmpty()) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, "request-time view '" + name + "' cannot be served"
                    + " online: " + decision.warehouseReason().orElse("its lookup is not a key lookup")
                    + "; change the expression, or drop ONLINE to let the warehouse answer its lookups");
        }
    }

    /** Drops qualifiers: expressions are stored over the stored view's and the request's column names. */
    private static SqlNode unqualified(SqlNode expr) {
        return expr.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlIdentifier id) {
                return id.names.size() > 1
                        ? new SqlIdentifier(id.names.get(id.names.size() - 1), id.getParserPosition()) : id;
            }
        });
    }
}
