package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Numbers for the push logs of the gateways sharing the registry: each gateway's write-ahead log
 * (one per data directory) is a node, numbered once and for good, so that the sequence numbers its
 * rows get never collide with another node's in a shared warehouse table. Numbers start at 1 and
 * are never reused; 0 is left for logs written before nodes were numbered.
 */
public final class PushNodes {
    private final Transactions transactions;
    private final String instance;

    PushNodes(Transactions transactions, String instance) {
        this.transactions = requireNonNull(transactions, "transactions");
        this.instance = requireNonNull(instance, "instance");
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
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO asof_push_node (node_id, instance, data_dir, allocated_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
                ps.setLong(1, next);
                ps.setString(2, truncate(instance, 256));
                ps.setString(3, truncate(dataDir, 1024));
                ps.executeUpdate();
            }
            return next;
        });
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
