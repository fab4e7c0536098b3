package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Changes to the registry database: each one serializable transaction, one at a time, after which
 * every in-memory snapshot (definitions, users, grants) is read again. One lock for all of them,
 * because one change may touch several (dropping a feature view drops its grants).
 */
final class Transactions {
    /** The work of one transaction. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Re-reads one snapshot on the connection of the transaction that just ended. */
    interface Snapshot {
        void reload(Connection c) throws SQLException;
    }

    private final DataSource pool;
    private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();

    Transactions(DataSource pool) {
        this.pool = requireNonNull(pool, "pool");
    }

    /** Adds a snapshot read again after every change. */
    void register(Snapshot snapshot) {
        snapshots.add(requireNonNull(snapshot, "snapshot"));
    }

    /**
     * Runs {@code work} in one transaction; a failure rolls it back. {@code what} names the change
     * in the error a database failure becomes, e.g. {@code registry update}.
     */
    synchronized <T> T run(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
                for (Snapshot s : snapshots) {
                    s.reload(c);
                }
            }
        } catch (SQLException e) {
            throw new AsofException(ErrorCode.INTERNAL_ERROR, what + " failed: " + e.getMessage(), e);
        }
    }
}
