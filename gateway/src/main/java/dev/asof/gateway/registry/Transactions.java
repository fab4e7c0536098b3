package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
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

    /** How many times a transaction is tried when concurrent changes abort it. */
    static final int ATTEMPTS = 5;

    private final DataSource pool;
    private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
    private final List<Runnable> remoteChangeListeners = new CopyOnWriteArrayList<>();
    /** The registry version this gateway's snapshots reflect (guarded by this). */
    private long seenVersion = -1;

    Transactions(DataSource pool) {
        this.pool = requireNonNull(pool, "pool");
    }

    /** Adds a snapshot read again after every change. */
    void register(Snapshot snapshot) {
        snapshots.add(requireNonNull(snapshot, "snapshot"));
    }

    /**
     * Adds what runs after the snapshots were read again because another gateway changed the
     * registry (for caches kept outside it, such as which runs lookups serve).
     */
    void onRemoteChange(Runnable listener) {
        remoteChangeListeners.add(requireNonNull(listener, "listener"));
    }

    /**
     * Reads every snapshot again if another gateway changed the registry since this one last read
     * it; returns whether it did.
     */
    synchronized boolean refreshIfChanged() {
        try (Connection c = pool.getConnection()) {
            long version = version(c, false);
            if (version == seenVersion) {
                return false;
            }
            for (Snapshot s : snapshots) {
                s.reload(c);
            }
            seenVersion = version;
        } catch (SQLException e) {
            throw new AsofException(ErrorCode.INTERNAL_ERROR, "cannot read the registry: " + e.getMessage(), e);
        }
        remoteChangeListeners.forEach(Runnable::run);
        return true;
    }

    /**
     * Runs {@code work} in one transaction; a failure rolls it back. A transaction that the
     * database aborts because another one (on this or another gateway sharing the registry) changed
     * the same rows at the same time is run again, up to {@value #ATTEMPTS} times in all. {@code what}
     * names the change in the error a database failure becomes, e.g. {@code registry update}.
     */
    synchronized <T> T run(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(work);
            } catch (SQLException e) {
                if (!isConflict(e) || attempt == ATTEMPTS) {
                    throw new AsofException(ErrorCode.INTERNAL_ERROR, what + " failed: " + e.getMessage(), e);
                }
                backOff(attempt);
            }
        }
    }

    private <T> T attempt(Work<T> work) throws SQLException {
        boolean remoteChange = false;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            try {
                // Locks the version row first: changes from all gateways are serialized on it.
                long before = version(c, true);
                T result = work.run(c);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE asof_registry_version SET version = ? WHERE id = 1")) {
                    ps.setLong(1, before + 1);
                    ps.executeUpdate();
                }
                c.commit();
                remoteChange = seenVersion != -1 && before != seenVersion;
                seenVersion = before + 1;
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
                for (Snapshot s : snapshots) {
                    s.reload(c);
                }
                if (remoteChange) {
                    remoteChangeListeners.forEach(Runnable::run);
                }
            }
        }
    }

    private static long version(Connection c, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM asof_registry_version WHERE id = 1"
                + (forUpdate ? " FOR UPDATE" : ""));
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the registry has no version row; was it migrated?");
            }
            return rs.getLong(1);
        }
    }

    /** Serialization failure or deadlock (SQLSTATE class 40): the same work may succeed when run again. */
    private static boolean isConflict(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("40")) {
                return true;
            }
        }
        return false;
    }

    /** Waits a random few milliseconds, more after each attempt, so that colliding gateways spread out. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsofException(ErrorCode.INTERNAL_ERROR, "registry update interrupted", e);
        }
    }
}
