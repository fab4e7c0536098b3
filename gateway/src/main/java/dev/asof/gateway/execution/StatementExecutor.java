package dev.asof.gateway.execution;

import dev.asof.gateway.online.OnlineServing;
import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.system.SystemTableQueries;
import dev.asof.planner.Planner;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.ddl.DefinitionPlanner;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.LookupPlan;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.EngineDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.warehouse.ArrowExport;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plans and runs statements for every protocol endpoint: the one place where a planned statement
 * meets the registry and the engines. Thread-safe; holds no per-session state.
 */
public final class StatementExecutor {
    private static final ColumnMetadata TEXT = ColumnMetadata.of("plan", JDBCType.VARCHAR);

    private final Registry registry;
    private final WarehouseConnector warehouse;
    private final EngineDialect dialect;
    private final List<String> defaultSchema;
    private final OnlineServing online;
    private final SystemTableQueries systemTables;

    public StatementExecutor(Registry registry, WarehouseConnector warehouse, EngineDialect dialect,
            List<String> defaultSchema, OnlineServing online) {
        this.registry = registry;
        this.warehouse = warehouse;
        this.dialect = dialect;
        this.defaultSchema = List.copyOf(defaultSchema);
        this.online = online;
        this.systemTables = new SystemTableQueries(registry, online.storeName());
    }

    public Registry registry() {
        return registry;
    }

    /** Warehouse tables as {@code [catalog, schema, table]}, for JDBC metadata. */
    public List<List<String>> warehouseTables() {
        return engine(warehouse::listTables);
    }

    /** Columns of a warehouse table, for JDBC metadata. */
    public Optional<List<ColumnMetadata>> warehouseColumns(List<String> table) {
        return engine(() -> warehouse.describeTable(table));
    }

    /** Plans a statement and works out its result columns, without running it. */
    public PreparedQuery prepare(String sql) {
        return prepare(sql, List.of());
    }

    /**
     * Plans a statement for a session that owns warehouse schemas (e.g. tables a Flight SQL client
     * uploaded): unqualified table names resolve in {@code sessionSchemas} first, in order.
     */
    public PreparedQuery prepare(String sql, List<List<String>> sessionSchemas) {
        PlannedStatement plan = engine(() -> new Planner(catalog(sessionSchemas), dialect).plan(sql));
        return new PreparedQuery(sql, plan, engine(() -> columnsOf(plan)));
    }

    /** Runs a prepared statement with the given parameter values. */
    public StatementResult execute(PreparedQuery prepared, List<Object> parameters, QueryControl control) {
        if (parameters.size() != prepared.parameterCount()) {
            throw new AsofException(ErrorCode.INVALID_PARAMETER, "the statement has " + prepared.parameterCount()
                    + " parameter(s) but " + parameters.size() + " value(s) were given");
        }
        return engine(() -> run(prepared.plan(), parameters, control));
    }

    /**
     * Runs a warehouse query and returns its result as Arrow batches when the warehouse can export
     * them ({@link ArrowExport}); empty when it cannot or the statement is not a warehouse query,
     * and the caller then uses {@link #execute}. {@code allocator} is an Arrow
     * {@code BufferAllocator}; the batches' reader is an Arrow {@code ArrowReader}.
     */
    public Optional<ArrowExport.ArrowBatches> executeArrow(PreparedQuery prepared, List<Object> parameters,
            QueryControl control, Object allocator, int batchRows) {
        if (!(warehouse instanceof ArrowExport export) || !export.arrowExportAvailable()) {
            return Optional.empty();
        }
        if (parameters.size() != prepared.parameterCount()) {
            throw new AsofException(ErrorCode.INVALID_PARAMETER, "the statement has " + prepared.parameterCount()
                    + " parameter(s) but " + parameters.size() + " value(s) were given");
        }
        if (prepared.plan() instanceof PlannedStatement.Query q) {
            return Optional.of(engine(() -> export.executeArrow(q.query().sql(), q.query().bind(parameters), control,
                    allocator, batchRows)));
        }
        if (prepared.plan() instanceof PlannedStatement.PassThrough p && p.query()) {
            return Optional.of(engine(() -> export.executeArrow(p.sql(), parameters, control, allocator, batchRows)));
        }
        return Optional.empty();
    }

    private Optional<List<ColumnMetadata>> columnsOf(PlannedStatement plan) {
        if (plan instanceof PlannedStatement.Lookup l) {
            return Optional.of(l.lookup().columns());
        }
        if (plan instanceof PlannedStatement.Materialize) {
            return Optional.of(MaterializeResults.COLUMNS);
        }
        if (plan instanceof PlannedStatement.SystemQuery q) {
            return Optional.of(systemTables.describe(q.sql()));
        }
        if (plan instanceof PlannedStatement.Query q) {
            return Optional.of(warehouse.describeQuery(q.query().sql()));
        }
        if (plan instanceof PlannedStatement.PassThrough p) {
            return p.query() ? Optional.of(warehouse.describeQuery(p.sql())) : Optional.empty();
        }
        if (plan instanceof PlannedStatement.Explain) {
            return Optional.of(List.of(TEXT));
        }
        if (plan instanceof PlannedStatement.Show s) {
            return Optional.of(RegistryListings.showColumns(s.kind()));
        }
        if (plan instanceof PlannedStatement.Describe) {
            return Optional.of(RegistryListings.DESCRIBE_COLUMNS);
        }
        return Optional.empty();
    }

    private StatementResult run(PlannedStatement plan, List<Object> parameters, QueryControl control) {
        if (plan instanceof PlannedStatement.Lookup l) {
            Optional<List<List<Object>>> rows = onlineStore(() -> online.lookup(l.lookup(), parameters));
            if (rows.isPresent()) {
                return new StatementResult.Rows(new ListCursor(l.lookup().columns(), rows.get()));
            }
            // Not materialized yet: the warehouse computes the same values, more slowly.
            return new StatementResult.Rows(warehouse.executeQuery(l.offline().sql(), l.offline().bind(parameters), control));
        }
        if (plan instanceof PlannedStatement.Materialize m) {
            FeatureView view = registry.get(m.view()).filter(FeatureView.class::isInstance).map(FeatureView.class::cast)
                    .orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT, "feature view '" + m.view() + "' not found"));
            OnlineServing.RunSummary summary = onlineStore(() -> online.materialize(view, catalog(), m.from(), m.to(), control));
            return new StatementResult.Rows(MaterializeResults.cursor(summary));
        }
        if (plan instanceof PlannedStatement.SystemQuery q) {
            SystemTableQueries.Result r = systemTables.execute(q.sql(), parameters);
            return new StatementResult.Rows(new ListCursor(r.columns(), r.rows()));
        }
        if (plan instanceof PlannedStatement.Query q) {
            return new StatementResult.Rows(warehouse.executeQuery(q.query().sql(), q.query().bind(parameters), control));
        }
        if (plan instanceof PlannedStatement.PassThrough p) {
            if (p.query()) {
                return new StatementResult.Rows(warehouse.executeQuery(p.sql(), parameters, control));
            }
            if (!parameters.isEmpty()) {
                throw new AsofException(ErrorCode.NOT_SUPPORTED, "parameters are supported in queries only");
            }
            return new StatementResult.UpdateCount(warehouse.executeUpdate(p.sql(), control));
        }
        if (plan instanceof PlannedStatement.Explain e) {
            return new StatementResult.Rows(new ListCursor(List.of(TEXT), explain(e.statement())));
        }
        if (plan instanceof PlannedStatement.Show s) {
            return new StatementResult.Rows(RegistryListings.show(s.kind(), registry.objects()));
        }
        if (plan instanceof PlannedStatement.Describe d) {
            return new StatementResult.Rows(describe(d.name()));
        }
        if (plan instanceof PlannedStatement.CreateEntity c) {
            registry.create(c.entity(), c.ifNotExists());
            return new StatementResult.UpdateCount(0);
        }
        if (plan instanceof PlannedStatement.CreateSource c) {
            List<ColumnMetadata> columns = sourceColumns(c);
            Source source = new DefinitionPlanner(catalog(), dialect).source(c, columns);
            registry.create(source, c.ifNotExists());
            return new StatementResult.UpdateCount(0);
        }
        if (plan instanceof PlannedStatement.CreateFeatureView c) {
            List<ColumnMetadata> types = warehouse.describeQuery(c.describeSql());
            FeatureView view = new DefinitionPlanner(catalog(), dialect).featureView(c.draft(), types);
            registry.create(view, c.ifNotExists());
            return new StatementResult.UpdateCount(0);
        }
        if (plan instanceof PlannedStatement.Drop d) {
            registry.drop(d.kind(), d.name(), d.ifExists());
            return new StatementResult.UpdateCount(0);
        }
        throw new AsofException(ErrorCode.INTERNAL_ERROR, "no executor for " + plan.getClass().getSimpleName());
    }

    private List<ColumnMetadata> sourceColumns(PlannedStatement.CreateSource c) {
        if (c.location() instanceof SourceLocation.File f) {
            try {
                return warehouse.describeFile(f.path(), f.format());
            } catch (ConnectorException e) {
                throw new AsofException(ErrorCode.INVALID_SOURCE, e.getMessage());
            }
        }
        List<String> path = ((SourceLocation.Table) c.location()).path();
        return warehouse.describeTable(path).orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT,
                "table '" + String.join(".", path) + "' not found in " + warehouse.engineName()
                        + dev.asof.planner.validate.NameSuggestions.hint(String.join(".", path),
                                warehouse.listTables().stream().map(t -> String.join(".", t)).toList())));
    }

    private List<List<Object>> explain(PlannedStatement statement) {
        List<List<Object>> rows = new ArrayList<>();
        if (statement instanceof PlannedStatement.Lookup l) {
            rows.add(List.of("online: " + online.storeName() + " (one batched read of "
                    + l.lookup().views().size() * l.lookup().keys().size() + " record(s): "
                    + l.lookup().views().stream().map(FeatureView::name).toList() + " x " + l.lookup().keys().size()
                    + " key(s); TTL applied at lookup time)"));
            rows.add(List.of("until every view has a complete MATERIALIZE run, the warehouse answers with:"));
            statement = new PlannedStatement.Query(l.offline());
        }
        if (statement instanceof PlannedStatement.Materialize m) {
            rows.add(List.of("materialize: " + m.view() + " into " + online.storeName()
                    + m.from().map(f -> ", changes after " + f).orElse(", changes since the last complete run")
                    + ", as of " + m.to().map(Object::toString).orElse("now")));
        }
        if (statement instanceof PlannedStatement.Query q) {
            rows.add(List.of("offline: " + q.query().engine() + " (warehouse SQL below; point-in-time plan)"));
            for (String line : q.query().sql().split("\n")) {
                rows.add(List.of(line));
            }
            if (!q.query().parameterOrder().isEmpty()) {
                rows.add(List.of("parameters (by marker): " + q.query().parameterOrder().stream().map(i -> "?" + (i + 1)).toList()));
            }
        } else if (statement instanceof PlannedStatement.PassThrough p) {
            rows.add(List.of("offline: " + warehouse.engineName() + " (statement sent as written)"));
            for (String line : p.sql().split("\n")) {
                rows.add(List.of(line));
            }
        }
        return rows;
    }

    private ListCursor describe(List<String> name) {
        if (name.size() == 1) {
            Optional<CatalogObject> o = registry.get(name.get(0));
            if (o.isPresent()) {
                return RegistryListings.describe(o.get(), registry.objects());
            }
        }
        Optional<List<ColumnMetadata>> table = warehouse.describeTable(name);
        if (table.isPresent()) {
            List<List<Object>> rows = new ArrayList<>();
            for (ColumnMetadata c : table.get()) {
                rows.add(java.util.Arrays.asList(c.name(), c.typeName(), "column", null));
            }
            return new ListCursor(RegistryListings.DESCRIBE_COLUMNS, rows);
        }
        String joined = String.join(".", name);
        List<String> known = new ArrayList<>(registry.objects().stream().map(CatalogObject::name).toList());
        warehouse.listTables().forEach(t -> known.add(t.get(2)));
        throw new AsofException(ErrorCode.UNKNOWN_OBJECT, "'" + joined + "' not found"
                + dev.asof.planner.validate.NameSuggestions.hint(joined, known));
    }

    private GatewayCatalog catalog() {
        return catalog(List.of());
    }

    private GatewayCatalog catalog(List<List<String>> sessionSchemas) {
        return new GatewayCatalog(registry, warehouse, defaultSchema, List.copyOf(sessionSchemas));
    }

    /** The warehouse, for endpoints that load data into it (bulk ingest) or manage session schemas. */
    public WarehouseConnector warehouse() {
        return warehouse;
    }

    /** The warehouse catalog that unqualified names resolve in, e.g. {@code lake}. */
    public String defaultCatalog() {
        return defaultSchema.get(0);
    }

    /**
     * Parameter types of a prepared statement in the user's marker order, when the engine can tell
     * them; {@code JDBCType.OTHER} where it cannot.
     */
    public List<JDBCType> parameterTypes(PreparedQuery prepared) {
        int n = prepared.parameterCount();
        List<JDBCType> types = new ArrayList<>(java.util.Collections.nCopies(n, JDBCType.OTHER));
        if (n == 0) {
            return types;
        }
        try {
            if (prepared.plan() instanceof PlannedStatement.Query q) {
                List<JDBCType> engineTypes = warehouse.describeParameters(q.query().sql());
                List<Integer> order = q.query().parameterOrder();
                for (int k = 0; k < order.size() && k < engineTypes.size(); k++) {
                    if (types.get(order.get(k)) == JDBCType.OTHER) {
                        types.set(order.get(k), engineTypes.get(k));
                    }
                }
            } else if (prepared.plan() instanceof PlannedStatement.Lookup l) {
                for (List<LookupPlan.KeyValue> tuple : l.lookup().keys()) {
                    for (int k = 0; k < tuple.size(); k++) {
                        if (tuple.get(k) instanceof LookupPlan.Parameter p) {
                            types.set(p.index(), l.lookup().views().get(0).features().get(k).type().jdbcType());
                        }
                    }
                }
            } else if (prepared.plan() instanceof PlannedStatement.PassThrough p && p.query()) {
                List<JDBCType> engineTypes = warehouse.describeParameters(p.sql());
                for (int k = 0; k < n && k < engineTypes.size(); k++) {
                    types.set(k, engineTypes.get(k));
                }
            }
        } catch (ConnectorException e) {
            // unknown types: callers fall back to a generic type
        }
        return types;
    }

    private interface Work<T> {
        T run();
    }

    /** Online store failures become asof errors that name the store. */
    private <T> T onlineStore(Work<T> work) {
        try {
            return work.run();
        } catch (ConnectorException e) {
            if (e.cancelled()) {
                throw new AsofException(ErrorCode.CANCELLED, "statement cancelled or timed out");
            }
            throw new AsofException(ErrorCode.ENGINE_ERROR, "online store " + online.storeName() + ": " + e.getMessage());
        }
    }

    /** Engine failures become asof errors that name the engine and keep its message. */
    private <T> T engine(Work<T> work) {
        try {
            return work.run();
        } catch (ConnectorException e) {
            if (e.cancelled()) {
                throw new AsofException(ErrorCode.CANCELLED, "statement cancelled or timed out");
            }
            throw new AsofException(ErrorCode.ENGINE_ERROR, warehouse.engineName() + ": " + e.getMessage());
        }
    }
}
