package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * The push logs of the gateways sharing the registry. Each gateway's write-ahead log (one per data
 * directory) is a node, numbered once and for good, so that the sequence numbers its rows get
 * never collide with another node's in a shared warehouse table; numbers start at 1 and are never
 * reused, 0 is left for logs written before nodes were numbered.
 *
 * <p>On a shared registry each running gateway also publishes how far its rows have reached the
 * warehouse, so that a rebuild of an online view from the warehouse on any gateway can wait for
 * every gateway's rows ({@link #othersAppendedThrough}). These writes do not change the registry
 * version: other gateways do not read the registry again because of them.
 */
public final class PushNodes {
    private final DataSource pool;
    private final Transactions transactions;
    private final String instance;
    private final boolean shared;
    private final Duration lease;

    PushNodes(DataSource pool, Transactions transactions, String instance, boolean shared, Duration lease) {
        this.pool = requireNonNull(pool, "pool");
        this.transactions = requireNonNull(transactions, "transactions");
        this.instance = requireNonNull(instance, "instance");
        this.shared = shared;
        this.lease = requireNonNull(lease, "lease");
    }

    /**
     * Allocates the next node number for the log in {@code dataDir} (recorded with this gateway's
     * instance name and the time, for operators). Registry changes are serialized across
     * gateways, so two gateways never get the same number.
     */
    public long allocate(String dataDir) {
        requireNonNull(dataDir, "dataDir");
        return transactions.run("push node allocation", c -> {
            long next;
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(node_id) FROM asof_push_node");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                next = Math.max(rs.getLong(1), 0) + 1;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO asof_push_node (node_id, instance, data_dir,"
                    + " allocated_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
                ps.setLong(1, next);
                ps.setString(2, truncate(instance, 256));
                ps.setString(3, truncate(dataDir, 1024));
                ps.executeUpdate();
            }
            return next;
        });
    }

    /** Whether other gateways may push into the same warehouse (the registry is shared). */
    public boolean shared() {
        return shared;
    }

    /**
     * Records that every row node {@code node} created at or before {@code appendedThroughMicros}
     * (µs since the epoch) is in the warehouse, as of now by the database's clock. A no-op on an
     * embedded registry.
     */
    public void publish(long node, long appendedThroughMicros) {
        if (!shared) {
            return;
        }
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE asof_push_node SET appended_through = ?, renewed_at = CURRENT_TIMESTAMP WHERE node_id = ?")) {
            ps.setLong(1, appendedThroughMicros);
            ps.setLong(2, node);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * The least of what the other running nodes published ({@link #publish}): every row they
     * created at or before it is in the warehouse. Nodes that published nothing within the
     * registry lease are not running (their rows wait in their logs until they are back) and do
     * not count; {@link Long#MAX_VALUE} when no other node counts, always on an embedded registry.
     */
    public long othersAppendedThrough(long node) {
        if (!shared) {
            return Long.MAX_VALUE;
        }
        try (Connection c = pool.getConnection()) {
            OffsetDateTime now;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
                rs.next();
                now = rs.getObject(1, OffsetDateTime.class);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(appended_through) FROM asof_push_node"
                    + " WHERE node_id <> ? AND renewed_at > ?")) {
                ps.setLong(1, node);
                ps.setObject(2, now.minus(lease).withOffsetSameInstant(ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long least = rs.getLong(1);
                    return rs.wasNull() ? Long.MAX_VALUE : least;
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static AsofException failure(SQLException e) {
        return new AsofException(ErrorCode.INTERNAL_ERROR, "cannot read or write the registry's push nodes: "
                + e.getMessage(), e);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
