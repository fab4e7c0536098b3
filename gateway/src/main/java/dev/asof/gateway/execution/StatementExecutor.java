package dev.asof.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.audit.AuditEvent;
import dev.asof.gateway.admission.AdmissionSettings;
import dev.asof.gateway.admission.AdmittedWarehouse;
import dev.asof.gateway.admission.WarehouseAdmission;
import dev.asof.gateway.audit.AuditLog;
import dev.asof.gateway.auth.PasswordHasher;
import dev.asof.gateway.auth.UserAdministration;
import dev.asof.gateway.metadata.MetadataListing;
import dev.asof.gateway.observability.StatementMetrics;
import dev.asof.gateway.metadata.UploadSchemas;
import dev.asof.gateway.metadata.WarehouseMetadataCache;
import dev.asof.gateway.online.OnlineServing;
import dev.asof.gateway.push.PushIngest;
import dev.asof.gateway.push.PushStatements;
import dev.asof.gateway.quality.FeatureQuality;
import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.security.AccessControl;
import dev.asof.gateway.security.GrantAdministration;
import dev.asof.gateway.security.ReadPolicy;
import dev.asof.gateway.security.SecurityAudit;
import dev.asof.gateway.security.SourceDirectories;
import dev.asof.gateway.session.Principal;
import dev.asof.gateway.system.SystemTableQueries;
import dev.asof.planner.Planner;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.ddl.DefinitionPlanner;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.plan.Secret;
import dev.asof.planner.validate.NameSuggestions;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.ArrowExport;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Plans and runs statements for every protocol endpoint: the one place where a planned statement
 * meets the registry and the engines. Thread-safe; holds no per-session state.
 *
 * <p>Protocol endpoints call the methods that take a {@link Principal}: who is asking decides
 * what may run (user statements are admin-only). The methods without one are for callers inside
 * the gateway process (the demo's setup, tools) and act as {@link Principal#GATEWAY}.
 *
 * <p>Warehouse metadata (tables and their columns) comes from one {@link WarehouseMetadataCache}
 * shared by all statements and listings; a statement passed through to the warehouse as an update
 * (DDL, DML) invalidates it when it ends.
 */
public final class StatementExecutor {
    private final Registry registry;
    private final WarehouseConnector warehouse;
    private final EngineDialect dialect;
    private final List<String> defaultSchema;
    private final OnlineServing online;
    private final SystemTableQueries systemTables;
    private final UserAdministration users;
    private final WarehouseMetadataCache metadataCache;
    private final SourceDrift sourceDrift;
    private final RunningStatements running = new RunningStatements();
    private final AccessControl access;
    private final GrantAdministration grants;
    private final SecurityAudit audit;
    private final SourceDirectories sourceDirectories;
    private final WarehouseAdmission admission;
    private volatile PushIngest pushIngest;
    private final PushStatements pushes;
    private final FeatureQuality quality;
    private final StatementMetrics metrics;

    /**
     * As {@link #StatementExecutor(Registry, WarehouseConnector, OnlineServing, Duration, UserAdministration)}
     * with the default metadata TTL, {@link GatewayConfig#DEFAULT_METADATA_TTL}; user statements hash
     * with the default BCrypt cost and are not audited.
     */
    public StatementExecutor(Registry registry, WarehouseConnector warehouse, OnlineServing online) {
        this(registry, warehouse, online, GatewayConfig.DEFAULT_METADATA_TTL);
    }

    /** As above with metadata TTL {@code metadataTtl}. */
    public StatementExecutor(Registry registry, WarehouseConnector warehouse, OnlineServing online,
            Duration metadataTtl) {
        this(registry, warehouse, online, metadataTtl, new UserAdministration(registry.users(),
                PasswordHasher.bcrypt(), AuditLog.none(), Clock.systemUTC(), user -> { }));
    }

    /** As above with the default metadata TTL; {@code users} runs the user statements. */
    public StatementExecutor(Registry registry, WarehouseConnector warehouse, OnlineServing online,
            UserAdministration users) {
        this(registry, warehouse, online, GatewayConfig.DEFAULT_METADATA_TTL, users);
    }

    /**
     * Plans in the warehouse's own dialect; unqualified names resolve in its default schema.
     *
     * @param metadataTtl how long warehouse metadata is cached at most (a duration; zero: not cached)
     * @param users runs the user statements (CREATE/ALTER/DROP USER, SHOW USERS)
     */
    public StatementExecutor(Registry registry, WarehouseConnector warehouse, OnlineServing online,
            Duration metadataTtl, UserAdministration users) {
        this(registry, warehouse, online, metadataTtl, users, AuditLog.none(), Clock.systemUTC(),
                SourceDirectories.unrestricted(), AdmissionSettings.defaults());
    }

    /**
     * As above, writing definition and grant changes and refused statements to {@code auditLog};
     * file sources may be read from {@code sourceDirectories} only; statements of clients are
     * admitted to the warehouse within {@code admission}'s limits, those not set sized from the
     * warehouse's {@link WarehouseConnector#maxConcurrentStatements()}.
     */
    public StatementExecutor(Registry registry, WarehouseConnector warehouse, OnlineServing online,
            Duration metadataTtl, UserAdministration users, AuditLog auditLog, Clock clock,
            SourceDirectories sourceDirectories, AdmissionSettings admission) {
        this(registry, warehouse, online, metadataTtl, users, auditLog, clock, sourceDirectories, admission,
                new SimpleMeterRegistry());
    }

    /** As above, recording statement metrics in {@code meters} ({@link StatementMetrics}). */
    public StatementExecutor(Registry registry, WarehouseConnector warehouse, OnlineServing online,
            Duration metadataTtl, UserAdministration users, AuditLog auditLog, Clock clock,
            SourceDirectories sourceDirectories, AdmissionSettings admission, MeterRegistry meters) {
        this.metrics = new StatementMetrics(meters);
        metrics.runningStatements(() -> running.list().size());
        this.admission = new WarehouseAdmission(admission.limitsFor(warehouse.maxConcurrentStatements()));
        this.users = requireNonNull(users, "users");
        this.audit = new SecurityAudit(auditLog, clock);
        this.access = new AccessControl(registry, audit);
        this.grants = new GrantAdministration(registry, this::resolveTable);
        this.sourceDirectories = requireNonNull(sourceDirectories, "sourceDirectories");
        this.registry = requireNonNull(registry, "registry");
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.dialect = warehouse.dialect();
        this.defaultSchema = List.copyOf(warehouse.defaultSchema());
        this.online = requireNonNull(online, "online");
        this.systemTables = new SystemTableQueries(registry, online.storeName(), running, online::pushStatus, clock);
        this.metadataCache = new WarehouseMetadataCache(warehouse, metadataTtl);
        this.sourceDrift = new SourceDrift(warehouse, metadataCache);
        this.pushes = new PushStatements(registry, () -> Optional.ofNullable(pushIngest));
        this.quality = new FeatureQuality(registry, online.featureLog(), metadataCache::invalidate, clock);
    }

    /** Lets push sources be created and pushed to, through {@code ingest} (the gateway's, started at its start). */
    public void enablePush(PushIngest ingest) {
        this.pushIngest = requireNonNull(ingest, "ingest");
    }

    /**
     * Runs a prepared statement once per parameter set (JDBC {@code executeBatch}); returns each
     * execution's update count. An INSERT into a push source pushes the rows of every set
     * together: converted and checked first (a bad row fails the batch and stores nothing), then
     * made durable with one log sync. Anything else runs set by set.
     */
    public long[] executeBatch(Principal principal, PreparedQuery prepared, List<List<Object>> parameterSets,
            QueryControl control, StatementOwner owner) {
        if (!(prepared.plan() instanceof PlannedStatement.Push p)) {
            long[] counts = new long[parameterSets.size()];
            for (int i = 0; i < counts.length; i++) {
                StatementResult result = execute(principal, prepared, parameterSets.get(i), control, owner);
                if (result instanceof StatementResult.Rows rows) {
                    rows.cursor().close();
                } else {
                    counts[i] = Math.max(0, ((StatementResult.UpdateCount) result).count());
                }
            }
            return counts;
        }
        for (List<Object> parameters : parameterSets) {
            if (parameters.size() != p.parameterCount()) {
                throw new AsofException(ErrorCode.INVALID_PARAMETER, "the statement has " + p.parameterCount()
                        + " parameter(s) but " + parameters.size() + " value(s) were given");
            }
        }
        access.check(principal, p, prepared.sql());
        RunningStatements.Running r = running.start(owner, "push", prepared.sql(), control);
        try {
            return pushes.insert(p, parameterSets);
        } finally {
            running.finish(r);
        }
    }

    /**
     * Pushes rows into push source {@code source} for {@code principal} (Flight SQL ingest), who
     * needs INSERT on it; each row has a value per name of {@code columns}.
     *
     * @return the rows stored
     */
    public long ingest(Principal principal, String source, List<String> columns, List<Object[]> rows,
            StatementOwner owner) {
        Source target = pushes.pushSource(source).orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT,
                "push source '" + source + "' not found"));
        String text = "INGEST INTO " + target.name();
        access.check(principal, new PlannedStatement.Push(target.name(), List.of(), List.of(), List.of()), text);
        RunningStatements.Running r = running.start(owner, "push", text, QueryControl.none());
        try {
            return pushes.ingest(target.name(), columns, rows);
        } finally {
            running.finish(r);
        }
    }

    /** The push source {@code name}, if it names one: Flight SQL ingest routes those to {@link #ingest}. */
    public Optional<Source> pushSource(String name) {
        return pushes.pushSource(name);
    }

    public Registry registry() {
        return registry;
    }

    /**
     * The warehouse metadata shared by planning and listings. Endpoints that change the warehouse
     * without a statement (bulk loads, session schemas) {@linkplain WarehouseMetadataCache#invalidate()
     * invalidate} it.
     */
    public WarehouseMetadataCache metadataCache() {
        return metadataCache;
    }

    /**
     * The metadata listing a session sees; {@code sessionSchemas} are its own upload schemas (none
     * for JDBC sessions).
     */
    public MetadataListing metadata(List<SchemaName> sessionSchemas) {
        return metadata(Principal.GATEWAY, sessionSchemas);
    }

    /** {@link #metadata(List)} for {@code principal}: only what it may read is listed. */
    public MetadataListing metadata(Principal principal, List<SchemaName> sessionSchemas) {
        return new MetadataListing(registry, metadataCache, defaultSchema.stream().findFirst(), sessionSchemas,
                access.readPolicy(principal));
    }

    /** Plans a statement and works out its result columns, without running it; as the gateway itself. */
    public PreparedQuery prepare(String sql) {
        return prepare(Principal.GATEWAY, sql, List.of());
    }

    /** Plans a statement for {@code principal}; fails at once when it may not run it. */
    public PreparedQuery prepare(Principal principal, String sql) {
        return prepare(principal, sql, List.of());
    }

    /**
     * Plans a statement for a session that owns warehouse schemas (e.g. tables a Flight SQL client
     * uploaded) and works out its result columns, without running it: for clients that ask for
     * them before executing (JDBC {@code prepareStatement}, Flight SQL prepared statements). A
     * warehouse query is described once here; its executions do not describe it again.
     * Unqualified table names resolve in {@code sessionSchemas} first, in order.
     */
    public PreparedQuery prepare(String sql, List<SchemaName> sessionSchemas) {
        return prepare(Principal.GATEWAY, sql, sessionSchemas);
    }

    /**
     * {@link #prepare(String, List)} for {@code principal}: fails at once when it may not run the
     * statement (user statements are admin-only); a statement with a password keeps only its
     * masked text.
     */
    public PreparedQuery prepare(Principal principal, String sql, List<SchemaName> sessionSchemas) {
        requireNonNull(principal, "principal");
        return counted(() -> {
            PlannedStatement plan = planned(principal, sql, sessionSchemas);
            return new PreparedQuery(textOf(plan, sql), plan,
                    engine(() -> plan.accept(new ResultColumns(warehouse, systemTables))), true);
        });
    }

    /** Plans a statement to run at once, as the gateway itself; see {@link #plan(Principal, String, List)}. */
    public PreparedQuery plan(String sql) {
        return plan(Principal.GATEWAY, sql, List.of());
    }

    /** {@link #plan(Principal, String, List)} as the gateway itself. */
    public PreparedQuery plan(String sql, List<SchemaName> sessionSchemas) {
        return plan(Principal.GATEWAY, sql, sessionSchemas);
    }

    /** {@link #plan(Principal, String, List)} without session schemas. */
    public PreparedQuery plan(Principal principal, String sql) {
        return plan(principal, sql, List.of());
    }

    /**
     * Plans a statement that runs at once (JDBC {@code Statement.execute}, Flight SQL
     * {@code CommandStatementQuery}) for {@code principal} without working out its result columns:
     * those come with the running cursor ({@link dev.asof.spi.RowCursor#columns()}), so a warehouse
     * query is not described first. On a warm metadata cache, the warehouse then receives the query
     * and nothing else. Fails at once when {@code principal} may not run the statement; a statement
     * with a password keeps only its masked text.
     */
    public PreparedQuery plan(Principal principal, String sql, List<SchemaName> sessionSchemas) {
        requireNonNull(principal, "principal");
        PlannedStatement plan = counted(() -> planned(principal, sql, sessionSchemas));
        return new PreparedQuery(textOf(plan, sql), plan, Optional.empty(), false);
    }

    /** {@code work}'s result; a failure is counted under its SQLSTATE first. */
    private <T> T counted(Work<T> work) {
        try {
            return work.run();
        } catch (RuntimeException e) {
            metrics.failed(ClientErrors.codeOf(e));
            throw e;
        }
    }

    /** The statement metrics (endpoints add their sessions; other parts may record in its registry). */
    public StatementMetrics metrics() {
        return metrics;
    }

    private PlannedStatement planned(Principal principal, String sql, List<SchemaName> sessionSchemas) {
        if (principal != Principal.GATEWAY) {
            // Clients never reach another session's uploads; the gateway's own work (tools, set-up) may.
            UploadSchemas.requireOwn(sql, sessionSchemas);
        }
        PlannedStatement plan;
        try {
            plan = engine(() -> new Planner(catalog(principal, sessionSchemas), dialect).plan(sql));
        } catch (AsofException e) {
            // SET, PRAGMA, USE…: refused for everyone; for a user who is not an admin first of all
            // because it is a warehouse statement asof does not plan.
            if (!principal.admin() && e.code() == ErrorCode.NOT_SUPPORTED && Planner.changesSessionState(sql)) {
                access.check(principal, new PlannedStatement.PassThrough(sql, false, 0), sql);
            }
            throw e;
        }
        if (PlannedStatement.managesUsers(plan)) {
            users.requireAdmin(principal, plan);
        }
        access.check(principal, plan, textOf(plan, sql));
        return plan;
    }

    /** The text a prepared statement keeps: a user statement's password is masked (it is echoed in signatures and errors). */
    private static String textOf(PlannedStatement plan, String sql) {
        return PlannedStatement.managesUsers(plan) ? Secret.maskPasswords(sql) : sql;
    }

    /** Runs a prepared statement with the given parameter values, as the gateway's own work. */
    public StatementResult execute(PreparedQuery prepared, List<Object> parameters, QueryControl control) {
        return execute(Principal.GATEWAY, prepared, parameters, control, StatementOwner.INTERNAL);
    }

    /** Runs a prepared statement for {@code principal}, checking again that it may, as the gateway's own work. */
    public StatementResult execute(Principal principal, PreparedQuery prepared, List<Object> parameters,
            QueryControl control) {
        return execute(principal, prepared, parameters, control, StatementOwner.INTERNAL);
    }

    /**
     * Runs a prepared statement for {@code principal} (checking again that it may), on behalf of
     * {@code owner}. It is listed in {@link #running()} until it ends: for rows, until their cursor
     * is closed. Its warehouse work is admitted within the owner's limits ({@link WarehouseAdmission}).
     */
    public StatementResult execute(Principal principal, PreparedQuery prepared, List<Object> parameters,
            QueryControl control, StatementOwner owner) {
        requireNonNull(principal, "principal");
        requireNonNull(owner, "owner");
        long start = System.nanoTime();
        String route = prepared.plan().accept(ROUTES);
        counted(() -> {
            if (parameters.size() != prepared.parameterCount()) {
                throw new AsofException(ErrorCode.INVALID_PARAMETER, "the statement has " + prepared.parameterCount()
                        + " parameter(s) but " + parameters.size() + " value(s) were given");
            }
            // Again at each execution: grants may have changed since it was prepared (cached while they have not).
            access.check(principal, prepared.plan(), prepared.sql());
            return null;
        });
        RunningStatements.Running r = running.start(owner, route, prepared.sql(), control);
        boolean handedOver = false;
        try {
            StatementResult result = engine(() -> prepared.plan().accept(new Runner(principal, parameters, control, owner,
                    new AdmittedWarehouse(warehouse, admission, owner))));
            prepared.plan().accept(new AuditedChanges()).ifPresent(c -> audit.changed(principal, c.event(), c.detail()));
            if (result instanceof StatementResult.Rows rows) {
                if (r.timedOut().isPresent()) {
                    rows.cursor().close(); // stopped at the limit while it started: never a partial result
                    throw timedOut(r);
                }
                handedOver = true;
                metrics.executed(route, owner.protocol(), System.nanoTime() - start);
                // Listed until its rows are closed; a failure because the limit cancelled it says so.
                return new StatementResult.Rows(AfterClose.cursor(metrics.counting(rows.cursor(), owner.protocol()),
                        () -> running.finish(r), e -> countedFailure(stopped(e, r))));
            }
            metrics.executed(route, owner.protocol(), System.nanoTime() - start);
            return result;
        } catch (RuntimeException e) {
            throw countedFailure(stopped(e, r));
        } finally {
            if (!handedOver) {
                running.finish(r);
            }
        }
    }

    /**
     * Whether executing {@code prepared} now would only read memory and an in-process online store
     * (an online lookup of materialized views on an embedded store): an endpoint may then run it on
     * its network thread, without handing it to a worker thread. A hint, not a promise: execution
     * rechecks everything.
     */
    public boolean runsInProcess(PreparedQuery prepared) {
        return prepared.plan() instanceof PlannedStatement.Lookup l && online.looksUpInProcess(l.lookup());
    }

    /** {@code e}, counted under its SQLSTATE. */
    private RuntimeException countedFailure(RuntimeException e) {
        metrics.failed(ClientErrors.codeOf(e));
        return e;
    }

    /** {@code e}, or the timeout error when {@code r} failed because its statement limit cancelled it. */
    private static RuntimeException stopped(RuntimeException e, RunningStatements.Running r) {
        boolean cancelled = e instanceof AsofException ae ? ae.code() == ErrorCode.CANCELLED
                : e instanceof ConnectorException ce && ce.cancelled();
        return cancelled && r.timedOut().isPresent() ? timedOut(r) : e;
    }

    private static AsofException timedOut(RunningStatements.Running r) {
        Duration limit = r.timedOut().orElseThrow();
        String text = limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
        return new AsofException(ErrorCode.CANCELLED, "statement timed out after " + text
                + " (the gateway's statement limit, " + GatewayConfig.STATEMENT_TIMEOUT_KEY + ") and was cancelled");
    }

    /** Admission of clients' warehouse statements (limits, running and queued counts). */
    public WarehouseAdmission admission() {
        return admission;
    }

    /** The statements running now, on every protocol. */
    public RunningStatements running() {
        return running;
    }

    /** Route names for the statement listing. */
    private static final PlannedStatement.Visitor<String> ROUTES = new PlannedStatement.DefaultVisitor<>("ddl") {
        @Override
        public String visit(PlannedStatement.Query statement) {
            return "offline";
        }

        @Override
        public String visit(PlannedStatement.PassThrough statement) {
            return "warehouse";
        }

        @Override
        public String visit(PlannedStatement.Lookup statement) {
            return "online";
        }

        @Override
        public String visit(PlannedStatement.Materialize statement) {
            return "materialize";
        }

        @Override
        public String visit(PlannedStatement.SystemQuery statement) {
            return "system";
        }

        @Override
        public String visit(PlannedStatement.Explain statement) {
            return "explain";
        }

        @Override
        public String visit(PlannedStatement.Kill statement) {
            return "kill";
        }

        @Override
        public String visit(PlannedStatement.Push statement) {
            return "push";
        }

        @Override
        public String visit(PlannedStatement.FeatureQuality statement) {
            return statement.statement().changesSettings() ? "ddl" : "offline";
        }
    };

    /**
     * Runs a warehouse query and returns its result as Arrow batches when the warehouse can export
     * them ({@link ArrowExport}); empty when it cannot or the statement is not a warehouse query,
     * and the caller then uses {@link #execute}. {@code allocator} is an Arrow
     * {@code BufferAllocator}; the batches' reader is an Arrow {@code ArrowReader}.
     */
    public Optional<ArrowExport.ArrowBatches> executeArrow(PreparedQuery prepared, List<Object> parameters,
            QueryControl control, Object allocator, int batchRows) {
        return executeArrow(Principal.GATEWAY, prepared, parameters, control, allocator, batchRows);
    }

    /** {@link #executeArrow(PreparedQuery, List, QueryControl, Object, int)} for {@code principal}. */
    public Optional<ArrowExport.ArrowBatches> executeArrow(Principal principal, PreparedQuery prepared,
            List<Object> parameters, QueryControl control, Object allocator, int batchRows) {
        return executeArrow(principal, prepared, parameters, control, allocator, batchRows, StatementOwner.INTERNAL);
    }

    /**
     * {@link #executeArrow(PreparedQuery, List, QueryControl, Object, int)} for {@code principal}
     * on behalf of {@code owner}: admitted within the owner's limits, and listed in
     * {@link #running()} until the batches are closed.
     */
    public Optional<ArrowExport.ArrowBatches> executeArrow(Principal principal, PreparedQuery prepared,
            List<Object> parameters, QueryControl control, Object allocator, int batchRows, StatementOwner owner) {
        requireNonNull(principal, "principal");
        requireNonNull(owner, "owner");
        ArrowExport export = new AdmittedWarehouse(warehouse, admission, owner);
        if (!export.arrowExportAvailable()) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        Optional<WarehouseQuery> query = counted(() -> {
            if (parameters.size() != prepared.parameterCount()) {
                throw new AsofException(ErrorCode.INVALID_PARAMETER, "the statement has " + prepared.parameterCount()
                        + " parameter(s) but " + parameters.size() + " value(s) were given");
            }
            access.check(principal, prepared.plan(), prepared.sql());
            return prepared.plan().accept(new WarehouseQueries(parameters));
        });
        if (query.isEmpty()) {
            return Optional.empty();
        }
        String route = prepared.plan().accept(ROUTES);
        RunningStatements.Running r = running.start(owner, route, prepared.sql(), control);
        try {
            ArrowExport.ArrowBatches batches = engine(() -> export.executeArrow(query.get().sql(),
                    query.get().parameters(), control, allocator, batchRows));
            metrics.executed(route, owner.protocol(), System.nanoTime() - start);
            return Optional.of(AfterClose.batches(batches, () -> running.finish(r)));
        } catch (RuntimeException e) {
            running.finish(r);
            throw countedFailure(stopped(e, r));
        }
    }

    /** A warehouse query with its bound values. */
    private record WarehouseQuery(String sql, List<Object> parameters) {}

    /** The warehouse query a statement runs as, when it is one (planned or passed through). */
    private static final class WarehouseQueries extends PlannedStatement.DefaultVisitor<Optional<WarehouseQuery>> {
        private final List<Object> parameters;

        WarehouseQueries(List<Object> parameters) {
            super(Optional.empty());
            this.parameters = parameters;
        }

        @Override
        public Optional<WarehouseQuery> visit(PlannedStatement.Query q) {
            return Optional.of(new WarehouseQuery(q.query().sql(), q.query().bind(parameters)));
        }

        @Override
        public Optional<WarehouseQuery> visit(PlannedStatement.PassThrough p) {
            return p.query() ? Optional.of(new WarehouseQuery(p.sql(), parameters)) : Optional.empty();
        }
    }


    /** Runs one statement with its parameter values. */
    private final class Runner implements PlannedStatement.Visitor<StatementResult> {
        private final Principal principal;
        private final List<Object> parameters;
        private final QueryControl control;
        /**
         * Shadows the executor's warehouse on purpose: every statement's warehouse work goes
         * through its owner's admission.
         */
        private final WarehouseConnector warehouse;

        private final StatementOwner owner;

        Runner(Principal principal, List<Object> parameters, QueryControl control, StatementOwner owner,
                WarehouseConnector warehouse) {
            this.principal = principal;
            this.owner = owner;
            this.parameters = parameters;
            this.control = control;
            this.warehouse = warehouse;
        }

        @Override
        public StatementResult visit(PlannedStatement.CreateUser c) {
            users.create(principal, c);
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.AlterUser a) {
            users.alter(principal, a);
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.DropUser d) {
            users.drop(principal, d);
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.ShowUsers s) {
            return new StatementResult.Rows(new ListCursor(ResultColumns.USER_COLUMNS, users.show(principal, s)));
        }

        @Override
        public StatementResult visit(PlannedStatement.CreateRole c) {
            grants.createRole(c);
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.DropRole d) {
            grants.dropRole(d);
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.GrantPrivilege g) {
            grants.grantPrivilege(g);
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.GrantRole g) {
            grants.grantRole(g);
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.ShowGrants s) {
            return new StatementResult.Rows(new ListCursor(GrantAdministration.COLUMNS, grants.show(principal, s)));
        }

        @Override
        public StatementResult visit(PlannedStatement.Lookup l) {
            Optional<List<List<Object>>> rows = onlineStore(() -> online.lookup(l.lookup(), parameters));
            metrics.lookup(rows.isPresent());
            if (rows.isPresent()) {
                return new StatementResult.Rows(new ListCursor(l.lookup().columns(), rows.get()));
            }
            // Not materialized yet: the warehouse computes the same values, more slowly.
            return new StatementResult.Rows(warehouse.executeQuery(l.offline().sql(), l.offline().bind(parameters), control));
        }

        @Override
        public StatementResult visit(PlannedStatement.Materialize m) {
            FeatureView view = registry.get(m.view()).filter(FeatureView.class::isInstance).map(FeatureView.class::cast)
                    .orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT, "feature view '" + m.view() + "' not found"));
            OnlineServing.RunSummary summary = onlineStore(() -> online.materialize(view, catalog(), m.from(), m.to(), control));
            return new StatementResult.Rows(MaterializeResults.cursor(summary));
        }

        @Override
        public StatementResult visit(PlannedStatement.SystemQuery q) {
            ReadPolicy policy = access.readPolicy(principal);
            // A user sees what it may read, and only its own running statements (their text may hold
            // values); admins see everything, the runs of views dropped since included.
            SystemTableQueries.Visibility visibility = principal.admin() ? SystemTableQueries.Visibility.ALL
                    : new SystemTableQueries.Visibility(name -> registry.get(name).map(policy::object).orElse(false),
                            user -> user.equalsIgnoreCase(principal.user()));
            SystemTableQueries.Result r = systemTables.execute(q.sql(), parameters, visibility);
            return new StatementResult.Rows(new ListCursor(r.columns(), r.rows()));
        }

        @Override
        public StatementResult visit(PlannedStatement.Query q) {
            return new StatementResult.Rows(warehouse.executeQuery(q.query().sql(), q.query().bind(parameters), control));
        }

        @Override
        public StatementResult visit(PlannedStatement.PassThrough p) {
            if (p.query()) {
                return new StatementResult.Rows(warehouse.executeQuery(p.sql(), parameters, control));
            }
            if (!parameters.isEmpty()) {
                throw new AsofException(ErrorCode.NOT_SUPPORTED, "parameters are supported in queries only");
            }
            try {
                return new StatementResult.UpdateCount(warehouse.executeUpdate(p.sql(), control));
            } finally {
                // Any user statement may have changed tables (even a failed one, part-way); after
                // it ends, nothing cached before it is used again.
                metadataCache.invalidate();
            }
        }

        @Override
        public StatementResult visit(PlannedStatement.Explain e) {
            return new StatementResult.Rows(new ListCursor(List.of(ResultColumns.EXPLAIN_TEXT), e.accept(new ExplainText(warehouse.engineName(), online.storeName()))));
        }

        @Override
        public StatementResult visit(PlannedStatement.Push p) {
            return new StatementResult.UpdateCount(pushes.insert(p, List.of(parameters))[0]);
        }

        @Override
        public StatementResult visit(PlannedStatement.Kill k) {
            Optional<RunningStatements.Running> target = running.get(k.statementId());
            boolean killed = target.isPresent() && running.kill(k.statementId(), principal);
            // Who stopped whose statement; a refused attempt on another user's statement too.
            target.ifPresent(t -> users.auditLog().record(new AuditEvent(Instant.now(), "kill", principal.user(),
                    principal.peer(), killed ? AuditEvent.Outcome.OK : AuditEvent.Outcome.REFUSED,
                    "statement " + t.id() + " of user " + t.owner().user() + " (" + t.owner().protocol() + " "
                            + t.owner().owner() + ", route " + t.route() + ")")));
            if (!killed) {
                throw new AsofException(ErrorCode.NO_SUCH_STATEMENT, "no running statement '" + k.statementId()
                        + "' (see sys.statements)");
            }
            return new StatementResult.UpdateCount(1);
        }

        @Override
        public StatementResult visit(PlannedStatement.Show s) {
            ReadPolicy policy = access.readPolicy(principal);
            return new StatementResult.Rows(RegistryListings.show(s.kind(),
                    registry.objects().stream().filter(policy::object).toList()));
        }

        @Override
        public StatementResult visit(PlannedStatement.Describe d) {
            return new StatementResult.Rows(describe(principal, d));
        }

        @Override
        public StatementResult visit(PlannedStatement.CreateEntity c) {
            registry.create(c.entity(), c.ifNotExists());
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.CreateSource c) {
            if (c.push().isPresent()) {
                try {
                    pushes.create(c, new DefinitionPlanner(catalog(), dialect));
                } finally {
                    metadataCache.invalidate(); // the source's table is new
                }
                return new StatementResult.UpdateCount(0);
            }
            if (c.location() instanceof SourceLocation.File f) {
                sourceDirectories.check(f.path());
            }
            List<ColumnMetadata> columns = sourceColumns(c);
            Source source = new DefinitionPlanner(catalog(), dialect).source(c, columns);
            registry.create(source, c.ifNotExists());
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.CreateFeatureView c) {
            List<ColumnMetadata> types = warehouse.describeQuery(c.describeSql());
            FeatureView view = new DefinitionPlanner(catalog(), dialect).featureView(c.draft(), types);
            if (registry.create(view, c.ifNotExists())) {
                c.logSample().ifPresent(fraction -> quality.setLogSample(view.name(), fraction));
            }
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.CreateRequestView c) {
            registry.create(c.view(), c.ifNotExists());
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.FeatureQuality q) {
            return quality.execute(q.statement(), StatementExecutor.this::catalog, warehouse, control)
                    .<StatementResult>map(r -> new StatementResult.Rows(new ListCursor(r.columns(), r.rows())))
                    .orElseGet(() -> new StatementResult.UpdateCount(0));
        }

        @Override
        public StatementResult visit(PlannedStatement.Drop d) {
            registry.drop(d.kind(), d.name(), d.ifExists(), access.readPolicy(principal)::object);
            return new StatementResult.UpdateCount(0);
        }

        @Override
        public StatementResult visit(PlannedStatement.AlterSourceRefresh a) {
            ReadPolicy policy = access.readPolicy(principal);
            Source old = registry.get(a.name()).filter(Source.class::isInstance).map(Source.class::cast)
                    .orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT, "source '" + a.name() + "' not found"
                            + NameSuggestions.hint(a.name(), registry.objects().stream()
                                    .filter(Source.class::isInstance).filter(policy::object)
                                    .map(CatalogObject::name).toList())));
            if (old.location() instanceof SourceLocation.File f) {
                sourceDirectories.check(f.path());
            }
            List<ColumnMetadata> now = sourceDrift.current(old, true);
            // The time columns are checked as at CREATE SOURCE.
            Source refreshed = new DefinitionPlanner(catalog(), dialect).source(new PlannedStatement.CreateSource(
                    old.name(), old.location(), old.eventTime(), old.createdTime(), old.ddl(), false), now);
            for (CatalogObject o : registry.objects()) {
                if (o instanceof FeatureView v && v.source().equalsIgnoreCase(old.name())) {
                    checkStillServes(v, old, now);
                }
            }
            registry.replace(refreshed);
            return new StatementResult.UpdateCount(0);
        }
    }

    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * A refreshed source keeps serving {@code view} if every declared column the view's expressions
     * mention (by name, conservatively: any word of the expression text) is still there with its type.
     */
    private static void checkStillServes(FeatureView view, Source old, List<ColumnMetadata> now) {
        java.util.Set<String> words = new java.util.HashSet<>();
        view.features().forEach(f -> {
            java.util.regex.Matcher m = WORD.matcher(f.expression());
            while (m.find()) {
                words.add(m.group().toLowerCase(java.util.Locale.ROOT));
            }
            f.aggregate().flatMap(w -> w.argument()).ifPresent(arg -> {
                java.util.regex.Matcher am = WORD.matcher(arg);
                while (am.find()) {
                    words.add(am.group().toLowerCase(java.util.Locale.ROOT));
                }
            });
        });
        for (ColumnMetadata declared : old.columns()) {
            if (!words.contains(declared.name().toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            Optional<ColumnMetadata> current = SourceDrift.find(now, declared.name());
            if (current.isEmpty() || !SourceDrift.sameType(declared, current.get())) {
                throw new AsofException(ErrorCode.INVALID_SOURCE, "cannot refresh source '" + old.name() + "': feature view '"
                        + view.name() + "' uses column '" + declared.name() + "' (" + declared.typeName() + "), which "
                        + current.map(c -> "is now " + c.typeName()).orElse("is gone") + "; drop or redefine the view first");
            }
        }
    }

    private List<ColumnMetadata> sourceColumns(PlannedStatement.CreateSource c) {
        if (c.location() instanceof SourceLocation.File f) {
            try {
                return warehouse.describeFile(f.path(), f.format());
            } catch (ConnectorException e) {
                throw new AsofException(ErrorCode.INVALID_SOURCE, e.getMessage());
            }
        }
        TableName table = ((SourceLocation.Table) c.location()).name();
        return warehouse.describeTable(table).orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT,
                "table '" + table + "' not found in " + warehouse.engineName()
                        + NameSuggestions.hint(table.toString(),
                                sharedTables().stream().map(TableName::toString).toList())));
    }

    /** Warehouse tables outside every session's upload schema: candidates a "did you mean" may name. */
    private List<TableName> sharedTables() {
        return metadataCache.tables().stream()
                .filter(t -> !t.isQualified() || !UploadSchemas.isUploadSchema(t.schemaName().schema()))
                .toList();
    }

    /**
     * DESCRIBE: a registry object or warehouse table the principal may read; one it may not is
     * refused naming it, and close names offered for a name not found are readable ones only.
     */
    private ListCursor describe(Principal principal, PlannedStatement.Describe d) {
        List<String> name = d.name();
        ReadPolicy policy = access.readPolicy(principal);
        if (name.size() == 1) {
            Optional<CatalogObject> o = registry.get(name.get(0));
            if (o.isPresent()) {
                if (!policy.object(o.get())) {
                    access.requireRead(principal, d, o.get().tableType().toLowerCase(java.util.Locale.ROOT) + " "
                            + o.get().name());
                }
                return RegistryListings.describe(o.get(), registry.objects());
            }
        }
        Optional<TableName> resolved = resolveTable(name);
        if (resolved.isPresent() && !policy.table(resolved.get())) {
            access.requireRead(principal, d, "table " + resolved.get());
        }
        Optional<List<ColumnMetadata>> table = warehouse.describeTable(resolved.orElse(TableName.of(name)));
        if (table.isPresent()) {
            List<List<Object>> rows = new ArrayList<>();
            for (ColumnMetadata c : table.get()) {
                rows.add(java.util.Arrays.asList(c.name(), c.typeName(), "column", null));
            }
            return new ListCursor(RegistryListings.DESCRIBE_COLUMNS, rows);
        }
        String joined = String.join(".", name);
        List<String> known = new ArrayList<>(registry.objects().stream().filter(policy::object)
                .map(CatalogObject::name).toList());
        sharedTables().stream().filter(policy::table).forEach(t -> known.add(t.table()));
        throw new AsofException(ErrorCode.UNKNOWN_OBJECT, "'" + joined + "' not found"
                + NameSuggestions.hint(joined, known));
    }

    private GatewayCatalog catalog() {
        return catalog(Principal.GATEWAY, List.of());
    }

    private GatewayCatalog catalog(Principal principal, List<SchemaName> sessionSchemas) {
        return new GatewayCatalog(registry, metadataCache, defaultSchema, List.copyOf(sessionSchemas), sourceDrift,
                access.readPolicy(principal));
    }

    /**
     * The warehouse table a name as written resolves to (one to three parts, the missing leading
     * parts from the default schema), ignoring case; empty when there is none.
     */
    private Optional<TableName> resolveTable(List<String> name) {
        if (name.isEmpty() || name.size() > 3) {
            return Optional.empty();
        }
        List<String> full = new ArrayList<>(defaultSchema.subList(0, Math.max(0, Math.min(defaultSchema.size(),
                3 - name.size()))));
        full.addAll(name);
        if (full.size() != 3) {
            return Optional.empty();
        }
        for (TableName t : metadataCache.tables()) {
            List<String> parts = t.parts();
            if (parts.size() == 3 && parts.get(0).equalsIgnoreCase(full.get(0)) && parts.get(1).equalsIgnoreCase(full.get(1))
                    && parts.get(2).equalsIgnoreCase(full.get(2))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The warehouse, for endpoints that load data into it (bulk ingest) or manage session schemas;
     * they invalidate {@link #metadataCache()} after changing it.
     */
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
        if (n == 0) {
            return List.of();
        }
        try {
            return prepared.plan().accept(new ParameterTypes(warehouse, n));
        } catch (ConnectorException e) {
            // unknown types: callers fall back to a generic type
            return java.util.Collections.nCopies(n, JDBCType.OTHER);
        }
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
            if (e.kind() == ConnectorException.Kind.DATETIME_OVERFLOW) {
                throw new AsofException(ErrorCode.DATETIME_OVERFLOW, warehouse.engineName() + ": " + e.getMessage());
            }
            if (e.kind() == ConnectorException.Kind.CONNECTION_LOST) {
                throw new AsofException(ErrorCode.CONNECTION_LOST, warehouse.engineName() + ": " + e.getMessage());
            }
            throw new AsofException(ErrorCode.ENGINE_ERROR, warehouse.engineName() + ": " + e.getMessage());
        }
    }
}
