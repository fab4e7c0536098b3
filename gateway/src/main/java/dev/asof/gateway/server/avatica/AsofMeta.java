package dev.asof.gateway.server.avatica;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.execution.ClientErrors;
import dev.asof.gateway.execution.PreparedQuery;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementOwner;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import java.time.Duration;
import java.util.ArrayList;
import java.sql.JDBCType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.security.SecureRandom;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.proto.Requests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avatica's server-side {@link Meta} for asof: the protocol half of the JDBC endpoint. It keeps
 * per-connection and per-statement state (prepared plans, open cursors) and translates between
 * Avatica's frames and the gateway's {@link StatementExecutor}; planning and execution live there.
 *
 * <p>Errors reach clients as their asof message and SQLSTATE, with no server stack trace.
 *
 * <p>Each request runs as the principal {@link AvaticaHttpServer} authenticated
 * ({@link RequestIdentity}). A connection belongs to the user who opened it: another user's
 * request naming it is answered as if it did not exist.
 */
final class AsofMeta implements ProtobufMeta {
    private static final Logger LOG = LoggerFactory.getLogger(AsofMeta.class);
    /**
     * Least rows per frame. Avatica clients ask for 100 by default, which makes an extract one
     * HTTP round trip per 100 rows; larger frames keep round trips rare and memory bounded.
     */
    private static final int MIN_FRAME_ROWS = 10_000;
    /**
     * How statement signatures describe rows. Frames hold {@code Object[]} rows, but a remote client
     * always receives LIST (Avatica's {@code LocalService} rewrites any other style, copying the
     * signature on every execute); saying LIST from the start avoids that copy and makes the prepared
     * signature exactly what an execute would return ({@link AsofService} relies on it).
     */
    private static final CursorFactory ROWS = CursorFactory.LIST;

    private final StatementExecutor executor;
    private final RequestIdentity identity;
    private final JdbcCatalogMetadata metadata;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<Integer, Statement> statements = new ConcurrentHashMap<>();
    /**
     * Source of statement ids. Avatica's ids are ints; they are random (and never reused while
     * live) so that one connection cannot guess another's, and every request is checked against
     * the statement's own connection anyway ({@link #statement}).
     */
    private final SecureRandom random = new SecureRandom();

    /** With the default idle timeouts ({@link GatewayConfig.Timeouts#defaults()}). */
    AsofMeta(StatementExecutor executor, RequestIdentity identity) {
        this(executor, identity, GatewayConfig.DEFAULT_RESULT_IDLE_TIMEOUT, GatewayConfig.DEFAULT_JDBC_IDLE_TIMEOUT);
    }

    /**
     * @param resultIdleTimeout an open result not fetched from for this long is closed (its
     *     warehouse connection returns to the pool); a later fetch fails with {@link ErrorCode#RESULT_EXPIRED}
     * @param connectionIdleTimeout a connection without a request for this long is closed with its
     *     statements
     */
    AsofMeta(StatementExecutor executor, RequestIdentity identity, Duration resultIdleTimeout,
            Duration connectionIdleTimeout) {
        this.executor = executor;
        this.identity = identity;
        this.metadata = new JdbcCatalogMetadata(executor, identity::current);
        this.resultIdleTimeout = resultIdleTimeout;
        executor.metrics().sessions("jdbc", connections::size);
        this.connectionIdleTimeout = connectionIdleTimeout;
        // Several looks per timeout, at most one a second: a result is closed within a second of
        // its timeout (a quarter of a short one), for a look at each statement.
        long period = Math.max(50, Math.min(1000, Math.min(resultIdleTimeout.toMillis(),
                connectionIdleTimeout.toMillis()) / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Closes what clients abandoned. A client that dies between requests says nothing (Avatica over
     * HTTP has no socket per connection), so idleness is the signal: an open result no one fetched
     * from for {@link #resultIdleTimeout} holds a warehouse connection, and is closed; a connection
     * without a request for {@link #connectionIdleTimeout} is closed with its statements. Work in
     * service (an execute or a fetch running now) is never touched here.
     */
    private void sweep() {
        try {
            long now = System.nanoTime();
            for (Statement s : statements.values()) {
                if (s.busy == 0 && s.cursor != null && now - s.lastUsedNanos > resultIdleTimeout.toNanos()) {
                    expire(s, now);
                }
            }
            connections.forEach((id, c) -> {
                if (now - c.lastUsedNanos > connectionIdleTimeout.toNanos() && !busy(id)) {
                    LOG.info("closing JDBC connection {} of user {} after {} without a request", shortId(id), c.user,
                            connectionIdleTimeout);
                    removeConnection(id);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("closing idle JDBC results failed", e); // the next sweep tries again
        }
    }

    /** Closes {@code s}'s result for idleness unless a request started using it meanwhile. */
    private void expire(Statement s, long now) {
        synchronized (s) {
            if (s.busy != 0 || s.cursor == null || now - s.lastUsedNanos <= resultIdleTimeout.toNanos()) {
                return;
            }
            s.expired = true;
            s.closeCursor();
        }
        LOG.info("closed the result of JDBC statement {} (connection {}): not fetched for {}", s.id,
                shortId(s.connectionId), resultIdleTimeout);
    }

    private boolean busy(String connectionId) {
        for (Statement s : statements.values()) {
            if (s.connectionId.equals(connectionId) && s.busy != 0) {
                return true;
            }
        }
        return false;
    }

    /** A duration as a client reads it: {@code 300 s}, {@code 500 ms}. */
    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A client-chosen connection id, at most 64 characters of it, for the log. */
    private static String shortId(String id) {
        return id.length() <= 64 ? id : id.substring(0, 64) + "…";
    }

    private final Duration resultIdleTimeout;
    private final Duration connectionIdleTimeout;

    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "asof-jdbc-idle-sweeper");
        t.setDaemon(true);
        return t;
    });

    private static final class Connection {
        final ConnectionPropertiesImpl properties = new ConnectionPropertiesImpl();
        /** The user who opened it (lower case). */
        final String user;
        /** What {@code sys.statements} shows for its statements: this connection's id and user. */
        final StatementOwner owner;
        /** How this connection's timestamps travel (the asof driver asks for microseconds). */
        final AvaticaTypes.TimeWire times;
        /** Whether its result frames travel as {@link CompactFrames} (the asof driver asks for them). */
        final boolean compactFrames;
        volatile long lastUsedNanos = System.nanoTime();

        Connection(String user, StatementOwner owner, AvaticaTypes.TimeWire times, boolean compactFrames) {
            this.user = user;
            this.owner = owner;
            this.times = times;
            this.compactFrames = compactFrames;
        }
    }

    private static final class Statement {
        final String connectionId;
        final int id;
        /** Its connection's timestamp format. */
        final AvaticaTypes.TimeWire times;
        final boolean compactFrames;
        volatile PreparedQuery prepared;
        volatile RowCursor cursor;
        volatile List<ColumnMetadata> columns = List.of();
        /**
         * The result signature sent with the last execution's rows, kept while executions return
         * the same columns: a prepared lookup executed thousands of times a second describes its
         * result once, not on every execute.
         */
        volatile ResultSignature resultSignature;
        /** The signature returned by {@code prepare}; null when the statement was not prepared. */
        volatile Signature preparedSignature;
        volatile QueryControl control = QueryControl.none();
        volatile long maxRowCount;
        volatile long rowsSent;
        /** Set when the client closed (or cancelled) the statement; a running execute then stops. */
        volatile boolean closed;
        /** When a request last used it (or its result last produced a frame). */
        volatile long lastUsedNanos = System.nanoTime();
        /** Requests using it now (execute, fetch); changed under the statement's lock. */
        volatile int busy;
        /** Set when its result was closed for idleness: a fetch then fails instead of ending quietly. */
        volatile boolean expired;

        Statement(String connectionId, int id, AvaticaTypes.TimeWire times, boolean compactFrames) {
            this.connectionId = connectionId;
            this.id = id;
            this.times = times;
            this.compactFrames = compactFrames;
        }

        synchronized void closeCursor() {
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
        }

        /** Marks a request using the statement; {@link #release} when it ends. */
        synchronized void acquire() {
            busy++;
            lastUsedNanos = System.nanoTime();
        }

        synchronized void release() {
            busy--;
            lastUsedNanos = System.nanoTime();
        }
    }

    // Connections and statements.

    @Override
    public void openConnection(ConnectionHandle ch, Map<String, String> info) {
        Principal caller = identity.current();
        // Connection ids are the client's random UUIDs; opening one that is live would take it over.
        StatementOwner owner = new StatementOwner(ch.id, caller.user(), "jdbc");
        if (connections.putIfAbsent(ch.id, new Connection(owner(caller), owner, AvaticaTypes.TimeWire.requested(info),
                CompactFrames.requested(info))) != null) {
            throw clientError(new AsofException(ErrorCode.INVALID_QUERY, "connection id already in use"), null);
        }
        identity.connectionOpened(caller, ch.id);
    }

    private static String owner(Principal p) {
        return p.user().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void closeConnection(ConnectionHandle ch) {
        if (ownedByCaller(ch.id)) {
            removeConnection(ch.id);
        }
    }

    /** Whether connection {@code id} is absent or the caller's (others' are left alone). */
    private boolean ownedByCaller(String id) {
        Connection c = connections.get(id);
        return c == null || c.user.equals(owner(identity.current()));
    }

    private void removeConnection(String id) {
        connections.remove(id);
        statements.values().removeIf(s -> {
            if (s.connectionId.equals(id)) {
                s.control.cancel();
                s.closeCursor();
                return true;
            }
            return false;
        });
    }

    @Override
    public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties props) {
        Connection c = connection(ch.id);
        c.properties.merge(props);
        return c.properties;
    }

    @Override
    public StatementHandle createStatement(ConnectionHandle ch) {
        Connection c = connection(ch.id);
        Statement s;
        do {
            s = new Statement(ch.id, nextId(), c.times, c.compactFrames);
        } while (statements.putIfAbsent(s.id, s) != null);
        return new StatementHandle(ch.id, s.id, null);
    }

    @Override
    public void closeStatement(StatementHandle h) {
        Statement s = statements.get(h.id);
        if (s != null && (!s.connectionId.equals(h.connectionId) || !ownedByCaller(s.connectionId))) {
            throw noSuchStatement(h); // another connection's or user's: refused, left running
        }
        if (s != null && statements.remove(h.id, s)) {
            // The JDBC driver also sends this on Statement.cancel() (a separate HTTP call while the
            // execute call waits): the running warehouse query is cancelled.
            s.closed = true;
            s.control.cancel();
            s.closeCursor();
        }
    }

    // Prepare and execute.

    @Override
    public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
        StatementHandle h = createStatement(ch);
        Statement s = statements.get(h.id);
        try {
            s.prepared = executor.prepare(identity.current(), sql);
            s.maxRowCount = maxRowCount;
            h.signature = signature(s.prepared, s.times, executor.parameterTypes(s.prepared));
            s.preparedSignature = h.signature;
            return h;
        } catch (RuntimeException e) {
            statements.remove(h.id);
            throw clientError(e, sql);
        }
    }

    @Override
    public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, PrepareCallback callback)
            throws NoSuchStatementException {
        return prepareAndExecute(h, sql, maxRowCount, -1, callback);
    }

    @Override
    public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame,
            PrepareCallback callback) throws NoSuchStatementException {
        Statement s = statement(h);
        s.acquire();
        try {
            s.preparedSignature = null;
            // Runs at once: not described first; the result signature is built from the cursor.
            s.prepared = executor.plan(identity.current(), sql);
            s.maxRowCount = maxRowCount;
            return run(s, List.of(), maxRowsInFirstFrame);
        } catch (RuntimeException e) {
            throw clientError(e, sql);
        } finally {
            s.release();
        }
    }

    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, long maxRowCount)
            throws NoSuchStatementException {
        Statement s = statement(h);
        s.maxRowCount = maxRowCount;
        return execute(s, parameterValues, -1);
    }

    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        return execute(statement(h), parameterValues, maxRowsInFirstFrame);
    }

    /**
     * Runs a prepared statement. The handle's signature is never read: the asof driver leaves it
     * out of its execute requests ({@link AsofService}); only the handle's id matters.
     */
    private ExecuteResult execute(Statement s, List<TypedValue> parameterValues, int maxRowsInFirstFrame) {
        if (s.prepared == null) {
            throw clientError(new AsofException(ErrorCode.INVALID_QUERY, "statement was not prepared"), null);
        }
        s.acquire();
        try {
            List<Object> params = new ArrayList<>(parameterValues.size());
            for (TypedValue v : parameterValues) {
                params.add(AvaticaTypes.parameter(v, s.times));
            }
            return run(s, params, maxRowsInFirstFrame);
        } catch (RuntimeException e) {
            throw clientError(e, s.prepared.sql());
        } finally {
            s.release();
        }
    }

    private ExecuteResult run(Statement s, List<Object> params, int maxRowsInFirstFrame) {
        s.closeCursor();
        s.expired = false;
        QueryControl control = new QueryControl(Optional.empty());
        s.control = control;
        if (s.closed) {
            control.cancel(); // cancelled while it was being planned
        }
        // A client that goes away while this request is in service (its HTTP connection closes:
        // killed, timed out, gone) takes its query with it.
        identity.onClientGone(control::cancel);
        StatementResult result = executor.execute(identity.current(), s.prepared, params, control,
                connection(s.connectionId).owner);
        if (control.isCancelled()) {
            if (result instanceof StatementResult.Rows rows) {
                rows.cursor().close();
            }
            throw new AsofException(ErrorCode.CANCELLED, "statement cancelled or timed out");
        }
        if (result instanceof StatementResult.UpdateCount count) {
            return new ExecuteResult(List.of(MetaResultSet.count(s.connectionId, s.id, Math.max(count.count(), 0))));
        }
        RowCursor cursor = ((StatementResult.Rows) result).cursor();
        s.cursor = cursor;
        s.columns = cursor.columns();
        s.rowsSent = 0;
        Signature signature = resultSignature(s, s.columns);
        Frame first = nextFrame(s, 0, maxRowsInFirstFrame);
        return new ExecuteResult(List.of(MetaResultSet.create(s.connectionId, s.id, true, signature, first)));
    }

    /**
     * The signature of rows with {@code columns}: the one returned by {@code prepare} when the
     * columns are the prepared ones (so that {@link #isPreparedSignature} recognizes it), else the
     * statement's last result signature when it matches, else a new one.
     */
    private static Signature resultSignature(Statement s, List<ColumnMetadata> columns) {
        Signature prepared = s.preparedSignature;
        if (prepared != null && s.prepared.columns().isPresent() && s.prepared.columns().get().equals(columns)) {
            return prepared;
        }
        ResultSignature last = s.resultSignature;
        if (last != null && last.prepared() == s.prepared && last.columns().equals(columns)) {
            return last.signature();
        }
        Signature signature = Signature.create(AvaticaTypes.columns(columns, s.times), s.prepared.sql(),
                prepared != null ? prepared.parameters : AvaticaTypes.parameters(s.prepared.parameterCount()), ROWS,
                StatementType.SELECT);
        s.resultSignature = new ResultSignature(s.prepared, columns, signature);
        return signature;
    }

    /** A result signature and what it was made from; compared by plan identity and column equality. */
    private record ResultSignature(PreparedQuery prepared, List<ColumnMetadata> columns, Signature signature) {}

    @Override
    public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
            throws NoSuchStatementException, MissingResultsException {
        Statement s = statement(h);
        s.acquire();
        try {
            if (s.cursor == null) {
                if (s.expired) {
                    throw new AsofException(ErrorCode.RESULT_EXPIRED, "the result was closed after " + text(resultIdleTimeout)
                            + " without a fetch (" + GatewayConfig.RESULT_IDLE_TIMEOUT_KEY
                            + "); run the statement again");
                }
                return Frame.create(offset, true, List.of());
            }
            return nextFrame(s, offset, fetchMaxRowCount);
        } catch (RuntimeException e) {
            s.closeCursor();
            throw clientError(e, null);
        } finally {
            s.release();
        }
    }

    private Frame nextFrame(Statement s, long offset, int requested) {
        int limit = Math.max(requested, MIN_FRAME_ROWS);
        if (s.maxRowCount > 0) {
            limit = (int) Math.min(limit, s.maxRowCount - s.rowsSent);
        }
        RowCursor cursor = s.cursor;
        if (cursor == null) {
            // closed meanwhile: by the client's cancel, or for idleness
            throw new AsofException(s.expired ? ErrorCode.RESULT_EXPIRED : ErrorCode.CANCELLED, s.expired
                    ? "the result was closed after " + text(resultIdleTimeout) + " without a fetch ("
                            + GatewayConfig.RESULT_IDLE_TIMEOUT_KEY + "); run the statement again"
                    : "statement cancelled");
        }
        List<ColumnMetadata> columns = s.columns;
        // Sized for a lookup's handful of rows; an extract's frame grows as it fills.
        List<Object> rows = new ArrayList<>(Math.min(limit, 16));
        boolean done = false;
        synchronized (s) {
            while (rows.size() < limit) {
                if (!cursor.next()) {
                    done = true;
                    break;
                }
                Object[] row = new Object[columns.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = AvaticaTypes.wireValue(cursor.value(i), columns.get(i).jdbcType(), s.times);
                }
                rows.add(row);
            }
            s.rowsSent += rows.size();
            if (s.maxRowCount > 0 && s.rowsSent >= s.maxRowCount) {
                done = true;
            }
            if (done) {
                s.closeCursor();
            }
        }
        return s.compactFrames && !rows.isEmpty() ? new Frame(offset, done, CompactFrames.encode(rows, columns.size()))
                : Frame.create(offset, done, rows);
    }

    private static Signature signature(PreparedQuery prepared, AvaticaTypes.TimeWire times, List<JDBCType> parameters) {
        List<ColumnMetadata> columns = prepared.columns().orElse(List.of());
        StatementType type = prepared.columns().isPresent() ? StatementType.SELECT : StatementType.OTHER_DDL;
        return Signature.create(AvaticaTypes.columns(columns, times), prepared.sql(),
                AvaticaTypes.parameters(parameters), ROWS, type);
    }

    /**
     * Whether executing statement {@code statementId} of connection {@code connectionId} now only
     * reads memory and an in-process online store ({@link StatementExecutor#runsInProcess}): the
     * HTTP server may then serve the request on its network thread.
     */
    boolean runsInProcess(String connectionId, int statementId) {
        Statement s = statements.get(statementId);
        if (s == null || !s.connectionId.equals(connectionId)) {
            return false;
        }
        PreparedQuery prepared = s.prepared;
        return prepared != null && s.preparedSignature != null && executor.runsInProcess(prepared);
    }

    /**
     * Whether {@code signature} is the very signature statement {@code statementId} returned when it
     * was prepared: a client that kept that one need not receive it again ({@link AsofService}).
     */
    boolean isPreparedSignature(String connectionId, int statementId, Signature signature) {
        Statement s = statements.get(statementId);
        return s != null && signature != null && s.connectionId.equals(connectionId) && s.preparedSignature == signature;
    }

    // Batches.

    @Override
    public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
            throws NoSuchStatementException {
        Statement s = statement(h);
        long[] counts = new long[sqlCommands.size()];
        s.preparedSignature = null;
        for (int i = 0; i < counts.length; i++) {
            try {
                s.prepared = executor.plan(identity.current(), sqlCommands.get(i));
                counts[i] = updateCount(executor.execute(identity.current(), s.prepared, List.of(), QueryControl.none(),
                        connection(s.connectionId).owner));
            } catch (RuntimeException e) {
                throw clientError(e, sqlCommands.get(i));
            }
        }
        return new ExecuteBatchResult(counts);
    }

    @Override
    public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues)
            throws NoSuchStatementException {
        Statement s = statement(h);
        List<List<Object>> sets = new ArrayList<>(parameterValues.size());
        for (List<TypedValue> values : parameterValues) {
            List<Object> params = new ArrayList<>(values.size());
            values.forEach(v -> params.add(AvaticaTypes.parameter(v, s.times)));
            sets.add(params);
        }
        try {
            // One call: an INSERT into a push source makes every set durable with one log sync.
            return new ExecuteBatchResult(executor.executeBatch(identity.current(), s.prepared, sets, QueryControl.none(),
                    connection(s.connectionId).owner));
        } catch (RuntimeException e) {
            throw clientError(e, s.prepared.sql());
        }
    }

    @Override
    public ExecuteBatchResult executeBatchProtobuf(StatementHandle h, List<Requests.UpdateBatch> parameterValues)
            throws NoSuchStatementException {
        List<List<TypedValue>> values = new ArrayList<>();
        for (Requests.UpdateBatch batch : parameterValues) {
            List<TypedValue> row = new ArrayList<>();
            batch.getParameterValuesList().forEach(p -> row.add(TypedValue.fromProto(p)));
            values.add(row);
        }
        return executeBatch(h, values);
    }

    private static long updateCount(StatementResult result) {
        if (result instanceof StatementResult.Rows rows) {
            rows.cursor().close();
            return 0;
        }
        return Math.max(0, ((StatementResult.UpdateCount) result).count());
    }

    // Transactions: the gateway is read-mostly and autocommit; nothing to do.

    @Override
    public void commit(ConnectionHandle ch) {}

    @Override
    public void rollback(ConnectionHandle ch) {}

    @Override
    public boolean syncResults(StatementHandle sh, QueryState state, long offset) throws NoSuchStatementException {
        statement(sh); // refuses another connection's statement like every other request
        return false;
    }

    @Override
    public Iterable<Object> createIterable(StatementHandle stmt, QueryState state, Signature signature,
            List<TypedValue> parameters, Frame firstFrame) {
        throw new UnsupportedOperationException("client-side iteration is not used by the remote protocol");
    }

    // Metadata.

    /**
     * Answered without an open connection: the asof driver asks before it opens one, to learn that
     * it talks to a gateway (and may ask for {@link AvaticaTypes.TimeWire#MICROS}).
     */
    @Override
    public Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle ch) {
        return metadata.databaseProperties();
    }

    @Override
    public MetaResultSet getTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
            List<String> typeList) {
        return guarded(() -> metadata.tables(ch.id, nextId(), catalog, schemaPattern,
                tableNamePattern, typeList));
    }

    @Override
    public MetaResultSet getColumns(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
            Pat columnNamePattern) {
        return guarded(() -> metadata.columns(ch.id, nextId(), catalog, schemaPattern,
                tableNamePattern, columnNamePattern));
    }

    @Override
    public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
        return guarded(() -> metadata.schemas(ch.id, nextId(), catalog, schemaPattern));
    }

    @Override
    public MetaResultSet getCatalogs(ConnectionHandle ch) {
        return guarded(() -> metadata.catalogs(ch.id, nextId()));
    }

    @Override
    public MetaResultSet getTableTypes(ConnectionHandle ch) {
        return metadata.tableTypes(ch.id, nextId());
    }

    @Override
    public MetaResultSet getProcedures(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat procedureNamePattern) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getProcedureColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
            Pat procedureNamePattern, Pat columnNamePattern) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getColumnPrivileges(ConnectionHandle ch, String catalog, String schema, String table,
            Pat columnNamePattern) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getTablePrivileges(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getBestRowIdentifier(ConnectionHandle ch, String catalog, String schema, String table,
            int scope, boolean nullable) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getVersionColumns(ConnectionHandle ch, String catalog, String schema, String table) {
        return empty(ch);
    }

    /**
     * The listing's keys. Avatica's remote protocol has no request for primary keys (its client
     * answers them empty without asking), so the asof driver reads them from
     * {@code sys.primary_keys} instead; this answers in-process callers of the Meta.
     */
    @Override
    public MetaResultSet getPrimaryKeys(ConnectionHandle ch, String catalog, String schema, String table) {
        return guarded(() -> metadata.primaryKeys(ch.id, nextId(), catalog, schema, table));
    }

    @Override
    public MetaResultSet getImportedKeys(ConnectionHandle ch, String catalog, String schema, String table) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getExportedKeys(ConnectionHandle ch, String catalog, String schema, String table) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getCrossReference(ConnectionHandle ch, String parentCatalog, String parentSchema,
            String parentTable, String foreignCatalog, String foreignSchema, String foreignTable) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getTypeInfo(ConnectionHandle ch) {
        return metadata.typeInfo(ch.id, nextId());
    }

    @Override
    public MetaResultSet getIndexInfo(ConnectionHandle ch, String catalog, String schema, String table, boolean unique,
            boolean approximate) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getUDTs(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat typeNamePattern,
            int[] types) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getSuperTypes(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat typeNamePattern) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getSuperTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getAttributes(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat typeNamePattern,
            Pat attributeNamePattern) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getClientInfoProperties(ConnectionHandle ch) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getFunctions(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat functionNamePattern) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getFunctionColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
            Pat functionNamePattern, Pat columnNamePattern) {
        return empty(ch);
    }

    @Override
    public MetaResultSet getPseudoColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
            Pat tableNamePattern, Pat columnNamePattern) {
        return empty(ch);
    }

    private MetaResultSet empty(ConnectionHandle ch) {
        return metadata.empty(ch.id, nextId());
    }

    // Helpers.

    private Connection connection(String id) {
        Connection c = connections.get(id);
        if (c == null) {
            // Closed for idleness or the gateway restarted: Avatica's client may reopen it.
            throw new NoSuchConnectionException(id);
        }
        if (!c.user.equals(owner(identity.current()))) {
            throw new NoSuchConnectionException(id); // another user's connection: as if it did not exist
        }
        c.lastUsedNanos = System.nanoTime();
        return c;
    }

    /**
     * The statement {@code h} names, if it belongs to {@code h}'s connection.
     *
     * <p>An id that names no live statement (closed, cancelled, closed for idleness, or never
     * created) is Avatica's {@link NoSuchStatementException}: the Avatica client answers it by
     * creating a new statement and running its request again, which is how a {@code Statement}
     * stays usable after {@code cancel()} (the driver cancels by closing the server's statement).
     * A live statement of another connection is refused with {@link #noSuchStatement} (08003)
     * instead, and left as it is: re-creating it would not give the caller anything of the owner's,
     * but the refusal must not touch the owner's statement either.
     */
    private Statement statement(StatementHandle h) throws NoSuchStatementException {
        Statement s = statements.get(h.id);
        if (s == null) {
            throw new NoSuchStatementException(h);
        }
        if (!s.connectionId.equals(h.connectionId)) {
            throw noSuchStatement(h);
        }
        connection(s.connectionId);
        s.lastUsedNanos = System.nanoTime();
        return s;
    }

    /**
     * The refusal of a request naming a live statement that another connection owns: SQLSTATE 08003
     * with the message "no such statement". Not Avatica's {@link NoSuchStatementException}: its
     * client would silently create a statement under the same id and run the request again.
     */
    private static RuntimeException noSuchStatement(StatementHandle h) {
        AvaticaRuntimeException e = new AvaticaRuntimeException("no such statement " + h.id + " on connection "
                + h.connectionId, ErrorCode.NO_SUCH_STATEMENT.code(), ErrorCode.NO_SUCH_STATEMENT.sqlState(),
                AvaticaSeverity.ERROR);
        e.setStackTrace(new StackTraceElement[0]);
        return e;
    }

    /** A random statement id (metadata results too: none is sequential). */
    private int nextId() {
        int id;
        do {
            id = random.nextInt() & Integer.MAX_VALUE;
        } while (id == 0 || statements.containsKey(id));
        return id;
    }

    private interface Work<T> {
        T run();
    }

    private static <T> T guarded(Work<T> work) {
        try {
            return work.run();
        } catch (RuntimeException e) {
            throw clientError(e, null);
        }
    }

    /**
     * The exception Avatica turns into an error response: the asof message and SQLSTATE, and an
     * empty stack trace so that none is serialized to the client.
     */
    static RuntimeException clientError(RuntimeException e, String sql) {
        if (e instanceof AvaticaRuntimeException || e instanceof NoSuchConnectionException) {
            return e; // already what Avatica's protocol expects
        }
        AsofException error = ClientErrors.of(e, sql);
        AvaticaRuntimeException out = new AvaticaRuntimeException(error.getMessage(), error.code().code(),
                error.code().sqlState(), AvaticaSeverity.ERROR);
        out.setStackTrace(new StackTraceElement[0]);
        return out;
    }

    void close() {
        sweeper.shutdownNow();
        statements.values().forEach(s -> {
            s.control.cancel();
            s.closeCursor();
        });
        statements.clear();
        connections.clear();
    }
}
