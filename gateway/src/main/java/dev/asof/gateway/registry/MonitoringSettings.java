package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import javax.sql.DataSource;

/**
 * The monitoring settings of feature views (served-feature log sample, drift threshold), in the
 * registry database but apart from the definitions: changing them is not a redefinition, so
 * statements prepared on a view (whose lookups refuse a redefined view) keep working. Kept per
 * definition id, so a view dropped and created again starts with none.
 */
public final class MonitoringSettings {
    /** One view's settings. */
    public record ViewSettings(double logSample, OptionalDouble driftThreshold) {
        public static final ViewSettings NONE = new ViewSettings(0, OptionalDouble.empty());

        public ViewSettings {
            requireNonNull(driftThreshold, "driftThreshold");
        }
    }

    private final DataSource pool;
    private final Transactions transactions;
    private volatile Map<Long, ViewSettings> snapshot = Map.of();

    MonitoringSettings(DataSource pool, Transactions transactions) {
        this.pool = pool;
        this.transactions = transactions;
        transactions.register(this::reload);
    }

    /** The settings of the definition with id {@code objectId}; {@link ViewSettings#NONE} when never set. */
    public ViewSettings get(long objectId) {
        return snapshot.getOrDefault(objectId, ViewSettings.NONE);
    }

    /** Every definition id with settings. */
    public Map<Long, ViewSettings> all() {
        return snapshot;
    }

    /** Sets the fraction of lookups logged (0 to 1). */
    public void setLogSample(long objectId, double fraction) {
        update(objectId, "log_sample", fraction);
    }

    /** Sets the drift threshold (a population stability index, above 0). */
    public void setDriftThreshold(long objectId, double threshold) {
        update(objectId, "drift_threshold", threshold);
    }

    private void update(long objectId, String column, double value) {
        transactions.run("monitoring settings update", c -> {
            // The same SQL on H2 and PostgreSQL: insert the row unless it is there.
            boolean present;
            try (PreparedStatement find = c.prepareStatement(
                    "SELECT 1 FROM asof_view_monitoring WHERE object_id = ? FOR UPDATE")) {
                find.setLong(1, objectId);
                try (ResultSet rs = find.executeQuery()) {
                    present = rs.next();
                }
            }
            if (!present) {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO asof_view_monitoring (object_id) VALUES (?)")) {
                    insert.setLong(1, objectId);
                    insert.executeUpdate();
                }
            }
            // column is one of two constants above, never user text.
            try (PreparedStatement ps = c.prepareStatement("UPDATE asof_view_monitoring SET " + column
                    + " = ? WHERE object_id = ?")) {
                ps.setDouble(1, value);
                ps.setLong(2, objectId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    void reload() {
        try (Connection c = pool.getConnection()) {
            reload(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read monitoring settings: " + e.getMessage(), e);
        }
    }

    private void reload(Connection c) throws SQLException {
        Map<Long, ViewSettings> loaded = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT object_id, log_sample, drift_threshold FROM asof_view_monitoring")) {
            while (rs.next()) {
                double sample = rs.getDouble(2);
                double threshold = rs.getDouble(3);
                boolean noThreshold = rs.wasNull(); // of the column read last
                loaded.put(rs.getLong(1), new ViewSettings(sample,
                        noThreshold ? OptionalDouble.empty() : OptionalDouble.of(threshold)));
            }
        }
        snapshot = Map.copyOf(loaded);
    }
}
