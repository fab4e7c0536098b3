package dev.asof.connector.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.ConnectorException.Kind;
import dev.asof.spi.RowCursor;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warehouse reached through a JDBC driver and a HikariCP pool, as Trino's
 * {@code BaseJdbcClient} is for its JDBC connectors: describing and listing tables, running
 * queries as streaming cursors, cancel and timeout, and turning driver exceptions into
 * {@link ConnectorException}s of the right {@link Kind}. An engine subclasses it and overrides
 * the hooks where its driver differs (type names, value classes, how to stop a running query, how
 * its errors are coded).
 *
 * <p>Cancel and timeout: {@link QueryControl#cancel()} runs {@link #cancel(JdbcExecution)}; a
 * statement with a time limit ({@link #timeout(QueryControl)}) is cancelled the same way by a
 * timer when the limit passes, and the engine may enforce the limit itself too
 * ({@link #applyTimeout}). Either way the caller gets a {@link ConnectorException} whose
 * {@link ConnectorException#cancelled()} is true, whatever the engine reported.
 */
public abstract class BaseJdbcConnector implements WarehouseConnector {
    private static final Logger LOG = LoggerFactory.getLogger(BaseJdbcConnector.class);

    private final String engineName;
    private final EngineDialect dialect;
    private final HikariDataSource pool;
    private final JdbcErrors errors;
    private final ScheduledThreadPoolExecutor timeouts;

    /**
     * @param engineName the engine's name as EXPLAIN shows it
     * @param dialect how the planner spells SQL for this engine
     * @param pool the connections; closed by {@link #close()}
     * @param errors how the engine's driver codes its failures
     */
    protected BaseJdbcConnector(String engineName, EngineDialect dialect, HikariDataSource pool, JdbcErrors errors) {
        this.engineName = requireNonNull(engineName, "engineName");
        this.dialect = requireNonNull(dialect, "dialect");
        this.pool = requireNonNull(pool, "pool");
        this.errors = requireNonNull(errors, "errors");
        this.timeouts = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, engineName + "-statement-timeouts");
            t.setDaemon(true);
            return t;
        });
        this.timeouts.setRemoveOnCancelPolicy(true); // finished statements do not pile up in the queue
    }

    @Override
    public final String engineName() {
        return engineName;
    }

    @Override
    public final EngineDialect dialect() {
        return dialect;
    }

    /** The pool's size: one statement runs per pooled connection. */
    @Override
    public int maxConcurrentStatements() {
        return pool.getMaximumPoolSize();
    }

    /** The connection pool, for engine hooks that need a connection of their own (e.g. to kill a query). */
    protected final HikariDataSource pool() {
        return pool;
    }

    /** How the engine's driver codes its failures. */
    protected final JdbcErrors errors() {
        return errors;
    }

    // ------------------------------------------------------------------ metadata

    /** Prepares {@code SELECT * FROM <table>} and reads its result metadata; nothing runs. */
    @Override
    public Optional<List<ColumnMetadata>> describeTable(TableName table) {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM " + qualifiedName(table.parts()))) {
            return Optional.of(columns(ps.getMetaData()));
        } catch (SQLException e) {
            ConnectorException failure = failure(e);
            if (failure.missingObject()) {
                return Optional.empty();
            }
            throw failure;
        }
    }

    /** Runs {@link #listTablesSql()}: catalog, schema and table name of every table and view. */
    @Override
    public List<TableName> listTables() {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(listTablesSql())) {
            List<TableName> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(TableName.of(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
            return List.copyOf(tables);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * A query whose rows are (catalog, schema, table) of every table and view users may read,
     * ordered; the engine's system objects left out.
     */
    protected abstract String listTablesSql();

    /** Prepares the query and reads its result metadata; nothing runs. */
    @Override
    public List<ColumnMetadata> describeQuery(String sql) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            return columns(ps.getMetaData());
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The driver's parameter metadata; {@code OTHER} for a parameter whose type it does not know. */
    @Override
    public List<JDBCType> describeParameters(String sql) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ParameterMetaData md = ps.getParameterMetaData();
            List<JDBCType> types = new ArrayList<>();
            for (int i = 1; i <= md.getParameterCount(); i++) {
                JDBCType type;
                try {
                    type = JdbcColumns.standard(md.getParameterType(i));
                } catch (SQLException e) {
                    type = JDBCType.OTHER;
                }
                types.add(type);
            }
            return List.copyOf(types);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Columns of a result, with {@link #jdbcType} as type mapping. */
    protected final List<ColumnMetadata> columns(java.sql.ResultSetMetaData md) throws SQLException {
        return JdbcColumns.of(md, this::jdbcType);
    }

    /**
     * Hook: the standard JDBC type of a column the driver reports with {@code jdbcCode} and the
     * engine's {@code typeName}. By default the code as it is ({@code OTHER} for vendor codes).
     */
    protected JDBCType jdbcType(int jdbcCode, String typeName) {
        return JdbcColumns.standard(jdbcCode);
    }

    /**
     * Hook: a {@code TIMESTAMP WITH TIME ZONE} value of the current row, or null. By default
     * {@code getObject(column, OffsetDateTime.class)}; drivers that only hand out
     * {@code ZonedDateTime} override it. The cursor moves the result to offset UTC.
     */
    protected OffsetDateTime readTimestampWithTimeZone(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    // ------------------------------------------------------------------ execution

    @Override
    public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
        JdbcExecution execution = start(sql, parameters, control);
        ResultSet rs = execution.resultSet().orElseThrow();
        try {
            return new JdbcRowCursor(this, execution, rs, columns(rs.getMetaData()));
        } catch (SQLException e) {
            ConnectorException failure = failure(e, execution);
            execution.close();
            throw failure;
        }
    }

    /**
     * Starts a query: takes a pooled connection, binds the parameters, arms cancel and timeout,
     * and runs it until the engine hands out its first results. The caller owns the returned
     * execution and must close it.
     *
     * @param parameters values bound to the {@code ?} markers in order
     * @throws ConnectorException when the engine rejects or fails the query, or it is cancelled
     */
    protected final JdbcExecution start(String sql, List<Object> parameters, QueryControl control) {
        requireNonNull(sql, "sql");
        requireNonNull(parameters, "parameters");
        requireNonNull(control, "control");
        JdbcExecution execution = open(control);
        try {
            Statement statement = newStatement(execution.connection(), sql, parameters);
            execution.statement(statement);
            arm(execution, statement);
            ResultSet rs = statement instanceof PreparedStatement ps ? ps.executeQuery() : statement.executeQuery(sql);
            execution.resultSet(rs);
            started(execution, rs);
            if (execution.stopped()) {
                // Cancelled or timed out while the engine was starting it: make sure it stops.
                cancelQuietly(execution);
                throw stoppedFailure(execution, null);
            }
            return execution;
        } catch (SQLException e) {
            SQLException reported = e;
            if (!execution.stopped()) {
                reported = recoverFailure(execution.connection(), sql, parameters, e);
            }
            ConnectorException failure = failure(reported, execution);
            execution.close();
            throw failure;
        } catch (RuntimeException e) {
            execution.close();
            throw e;
        }
    }

    /**
     * Runs a user's own statement as written. A statement that returns rows runs to its end (its
     * rows are read and dropped) and counts -1.
     */
    @Override
    public long executeUpdate(String sql, QueryControl control) {
        requireNonNull(sql, "sql");
        requireNonNull(control, "control");
        try (JdbcExecution execution = open(control)) {
            try {
                Statement statement = execution.connection().createStatement();
                execution.statement(statement);
                arm(execution, statement);
                if (statement.execute(sql)) {
                    try (ResultSet rs = statement.getResultSet()) {
                        execution.resultSet(rs);
                        while (rs.next()) {
                            // run for its effect
                        }
                    }
                    if (execution.stopped()) {
                        throw stoppedFailure(execution, null);
                    }
                    return -1;
                }
                if (execution.stopped()) {
                    throw stoppedFailure(execution, null);
                }
                return statement.getLargeUpdateCount();
            } catch (SQLException e) {
                throw failure(e, execution);
            }
        }
    }

    /** Runs DDL of the connector's own (e.g. {@code CREATE SCHEMA}) on a pooled connection. */
    protected final void executeDdl(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private JdbcExecution open(QueryControl control) {
        if (control.isCancelled()) {
            throw new ConnectorException("statement cancelled before " + engineName + " started it", null, Kind.CANCELLED);
        }
        try {
            return new JdbcExecution(pool.getConnection(), control);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Registers cancel, applies the time limit, and fails at once when already cancelled. */
    private void arm(JdbcExecution execution, Statement statement) throws SQLException {
        Optional<Duration> limit = timeout(execution.control());
        if (limit.isPresent()) {
            applyTimeout(statement, limit.get());
        }
        execution.control().onCancel(() -> cancelQuietly(execution));
        limit.ifPresent(l -> execution.deadline(timeouts.schedule(() -> {
            execution.markTimedOut();
            cancelQuietly(execution);
        }, Math.max(1, l.toMillis()), TimeUnit.MILLISECONDS)));
        if (execution.stopped()) {
            throw new SQLException("statement cancelled before " + engineName + " started it");
        }
    }

    /**
     * Hook: the statement that runs {@code sql} with {@code parameters} bound. By default a
     * prepared statement with {@code setObject} for each parameter.
     */
    protected Statement newStatement(Connection connection, String sql, List<Object> parameters) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.size(); i++) {
                ps.setObject(i + 1, parameters.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            JdbcExecution.closeQuietly(ps);
            throw e;
        }
        return ps;
    }

    /**
     * Hook: the longest a statement may run; the timer cancels it then. By default the
     * statement's own limit ({@link QueryControl#timeout()}).
     */
    protected Optional<Duration> timeout(QueryControl control) {
        return control.timeout();
    }

    /**
     * Hook: tells the driver or engine about the time limit as well, for engines that enforce it
     * themselves (e.g. server-side, so that it holds even when the gateway goes away). Does
     * nothing by default: the timer enforces it.
     */
    protected void applyTimeout(Statement statement, Duration limit) throws SQLException {}

    /** Hook: the engine started the query and returned its first results (e.g. to learn its id). */
    protected void started(JdbcExecution execution, ResultSet rs) throws SQLException {}

    /**
     * Hook: stops a running statement; called on the thread that cancels (or the timer's), while
     * another thread may be executing it or reading its rows. By default
     * {@link Statement#cancel()}.
     */
    protected void cancel(JdbcExecution execution) throws SQLException {
        Optional<Statement> statement = execution.statement();
        if (statement.isPresent()) {
            statement.get().cancel();
        }
    }

    /**
     * Hook: the failure to report for a query that failed to start, for a driver that loses the
     * engine's error on some path. Called on the failed statement's connection, only when the
     * statement was neither cancelled nor timed out. By default {@code failure} itself.
     */
    protected SQLException recoverFailure(Connection connection, String sql, List<Object> parameters,
            SQLException failure) {
        return failure;
    }

    private void cancelQuietly(JdbcExecution execution) {
        try {
            cancel(execution);
        } catch (SQLException | RuntimeException e) {
            // Usually the statement just finished; the caller still sees it as cancelled.
            LOG.debug("{}: cancelling a statement failed: {}", engineName, errors.message(e));
        }
    }

    // ------------------------------------------------------------------ errors

    /** A failure outside a running statement (metadata, DDL of the connector's own). */
    protected final ConnectorException failure(SQLException e) {
        Kind kind = errors.classify(e);
        if (kind == Kind.ENGINE_ERROR && errors.connectionLost(e)) {
            return connectionLost(e);
        }
        return new ConnectorException(errors.message(e), e, kind);
    }

    private ConnectorException connectionLost(SQLException e) {
        return new ConnectorException("connection lost: " + JdbcErrors.connectionLostMessage(e), e, Kind.CONNECTION_LOST);
    }

    /**
     * A failure of a running statement: cancelled when the caller cancelled it or its time ran
     * out, whatever the engine reported (a cancelled query may fail in many ways); else the kind
     * the engine's codes give.
     */
    final ConnectorException failure(SQLException e, JdbcExecution execution) {
        if (execution.stopped()) {
            return stoppedFailure(execution, e);
        }
        if (errors.classify(e) == Kind.ENGINE_ERROR && !usable(execution.connection())) {
            // Closed underneath the statement (e.g. an embedded engine's connection): drivers that
            // set no code for it still report the connection itself as no longer valid. The pool
            // must not hand it out again, or the next statement would fail the same way.
            pool.evictConnection(execution.connection());
            return connectionLost(e);
        }
        return failure(e);
    }

    /** Whether {@code connection} still works; asked only after a statement on it failed. */
    private static boolean usable(Connection connection) {
        try {
            return !connection.isClosed() && connection.isValid(1);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    final ConnectorException stoppedFailure(JdbcExecution execution, SQLException cause) {
        String message = execution.timedOut()
                ? "statement timed out after " + timeout(execution.control()).map(BaseJdbcConnector::seconds).orElse("its limit")
                : "statement cancelled";
        return new ConnectorException(cause == null ? message : message + ": " + errors.message(cause), cause,
                Kind.CANCELLED);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    // ------------------------------------------------------------------ names

    /** A name part as a double-quoted SQL identifier (standard quoting, quotes doubled). */
    public static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** Dotted, quoted parts: {@code "catalog"."schema"."table"}. */
    public static String qualifiedName(List<String> parts) {
        return parts.stream().map(BaseJdbcConnector::quoteIdentifier).collect(Collectors.joining("."));
    }

    /** Closes {@code resource}, if any, ignoring a failure: for clean-up whose outcome changes nothing. */
    protected static void closeQuietly(AutoCloseable resource) {
        JdbcExecution.closeQuietly(resource);
    }

    /** Closes the pool and stops the timeout timer; subclasses that hold more close it after calling this. */
    @Override
    public void close() {
        timeouts.shutdownNow();
        pool.close();
    }
}
