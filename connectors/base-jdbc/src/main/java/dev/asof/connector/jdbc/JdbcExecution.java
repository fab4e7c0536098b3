package dev.asof.connector.jdbc;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.warehouse.QueryControl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running statement: the pooled connection it holds, its statement and result set once they
 * exist, and why it was stopped. Owned by the caller that started it (a cursor, an Arrow export)
 * until {@link #close()}; the cancel and timeout hooks read it from other threads.
 */
public final class JdbcExecution implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcExecution.class);

    private final Connection connection;
    private final QueryControl control;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Statement statement;
    private volatile ResultSet resultSet;
    private volatile String queryId;
    private volatile boolean timedOut;
    private volatile ScheduledFuture<?> deadline;

    JdbcExecution(Connection connection, QueryControl control) {
        this.connection = requireNonNull(connection, "connection");
        this.control = requireNonNull(control, "control");
    }

    /** The pooled connection; returned to the pool by {@link #close()}. */
    public Connection connection() {
        return connection;
    }

    public QueryControl control() {
        return control;
    }

    /** The statement, once created. */
    public Optional<Statement> statement() {
        return Optional.ofNullable(statement);
    }

    /** The result set, once the engine started the query. */
    public Optional<ResultSet> resultSet() {
        return Optional.ofNullable(resultSet);
    }

    /** The engine's id of the running query, when the engine has one and told it. */
    public Optional<String> queryId() {
        return Optional.ofNullable(queryId);
    }

    /** Records the engine's id of the running query (for engines that cancel by id). */
    public void queryId(String id) {
        this.queryId = requireNonNull(id, "id");
    }

    /** True when the statement's time limit passed (the timeout hook then cancelled it). */
    public boolean timedOut() {
        return timedOut;
    }

    /** True when the caller cancelled the statement or its time ran out. */
    public boolean stopped() {
        return timedOut || control.isCancelled();
    }

    public boolean isClosed() {
        return closed.get();
    }

    void statement(Statement statement) {
        this.statement = statement;
    }

    void resultSet(ResultSet resultSet) {
        this.resultSet = resultSet;
    }

    void markTimedOut() {
        timedOut = true;
    }

    void deadline(ScheduledFuture<?> deadline) {
        this.deadline = deadline;
        if (closed.get()) {
            deadline.cancel(false);
        }
    }

    /**
     * Stops watching for cancel and timeout, closes the result set and the statement (which ends
     * a query that is still running) and returns the connection to the pool. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        control.onCancel(() -> {}); // finished: a later cancel has nothing to stop
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
        closeQuietly(resultSet);
        closeQuietly(statement);
        closeQuietly(connection);
    }

    static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            // The statement is over either way; the pool replaces a broken connection.
            LOG.debug("closing {} failed", resource.getClass().getSimpleName(), e);
        }
    }
}
