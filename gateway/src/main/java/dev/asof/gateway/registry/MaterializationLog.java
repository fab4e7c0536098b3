package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The record of materialization runs, kept in the registry database: which run of which view is
 * running, complete or failed, up to which time it computed the view (its watermark), and its
 * progress. Lookups serve the newest complete run; the next incremental run starts at its
 * watermark.
 */
public final class MaterializationLog {
    /** State of one run. */
    public enum Status { RUNNING, COMPLETE, FAILED }

    /**
     * One run of one view.
     *
     * @param viewId the view definition's registry id ({@link Registry#objectId})
     * @param runId increasing per view, from 1
     * @param changesAfter the run applied changes visible after this instant; empty for a full run
     * @param asOf the time the view was computed as of: the run's watermark once complete
     * @param rowsTotal keys the run computes, once known
     * @param rowsDone keys written so far
     * @param finishedAt when the run completed or failed; empty while it runs
     * @param error why it failed; empty otherwise
     */
    public record Run(long viewId, long runId, String viewName, Status status, Optional<Instant> changesAfter,
            Instant asOf, Optional<Long> rowsTotal, long rowsDone, Instant startedAt, Optional<Instant> finishedAt,
            Optional<String> error) {
        public Run {
            requireNonNull(viewName, "viewName");
            requireNonNull(status, "status");
            requireNonNull(changesAfter, "changesAfter");
            requireNonNull(asOf, "asOf");
            requireNonNull(rowsTotal, "rowsTotal");
            requireNonNull(startedAt, "startedAt");
            requireNonNull(finishedAt, "finishedAt");
            requireNonNull(error, "error");
        }
    }

    private static final String COLUMNS = "view_id, run_id, view_name, status, changes_after, as_of, rows_total,"
            + " rows_done, started_at, finished_at, error";

    private final DataSource pool;
    private final Transactions transactions;
    private final String owner;
    private final Duration lease;
    private final boolean shared;

    /**
     * @param owner this gateway, as runs it holds are marked
     * @param lease how long a run stays held without its gateway renewing it
     * @param shared whether other gateways may write this log (else every RUNNING run found at start
     *     is this gateway's own, left by a previous process)
     */
    MaterializationLog(DataSource pool, Transactions transactions, String owner, Duration lease, boolean shared) {
        this.pool = requireNonNull(pool, "pool");
        this.transactions = requireNonNull(transactions, "transactions");
        this.owner = requireNonNull(owner, "owner");
        this.lease = requireNonNull(lease, "lease");
        this.shared = shared;
    }

    /**
     * Marks runs left RUNNING by a gateway that stopped during them as failed: their writes are
     * incomplete and must never be served. On a shared registry only runs whose lease lapsed are
     * abandoned; others belong to gateways still running.
     */
    public void failAbandonedRuns(Instant now) {
        transactions.run("materialization log update", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE asof_materialization SET status = 'FAILED',"
                    + " finished_at = ?, error = ? WHERE status = 'RUNNING'"
                    + (shared ? " AND (heartbeat_at IS NULL OR heartbeat_at < ?)" : ""))) {
                ps.setObject(1, utc(now));
                ps.setString(2, "the gateway stopped during the run");
                if (shared) {
                    ps.setObject(3, utc(databaseNow(c).minus(lease)));
                }
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records the start of a run, held by this gateway; its id is one more than the view's last run.
     * A run of the view still held by a gateway (this one or another sharing the registry) refuses
     * the start; one whose gateway stopped renewing its lease is failed first.
     *
     * @param committedRun the newest complete run the caller planned from; when another gateway has
     *     completed a newer one meanwhile, nothing is recorded and empty is returned, and the caller
     *     plans again
     * @throws AsofException {@link ErrorCode#INVALID_QUERY} while another run of the view is held
     */
    public Optional<Run> start(long viewId, String viewName, Optional<Instant> changesAfter, Instant asOf, Instant now,
            long committedRun) {
        return transactions.run("materialization log update", c -> {
            Instant dbNow = databaseNow(c);
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, owner, heartbeat_at FROM asof_materialization"
                    + " WHERE view_id = ? AND status = 'RUNNING' FOR UPDATE")) {
                ps.setLong(1, viewId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Optional<Instant> heartbeat = instant(rs, 3);
                        String holder = rs.getString(2);
                        if (heartbeat.isPresent() && heartbeat.get().isAfter(dbNow.minus(lease))) {
                            throw new AsofException(ErrorCode.INVALID_QUERY, "a materialization of '" + viewName
                                    + "' is already running (run " + rs.getLong(1) + (holder == null || holder.equals(owner)
                                            ? "" : ", on gateway " + holder)
                                    + "); wait for it (see sys.materializations)");
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE asof_materialization SET status = 'FAILED',"
                    + " finished_at = ?, error = ? WHERE view_id = ? AND status = 'RUNNING'")) {
                ps.setObject(1, utc(now));
                ps.setString(2, "abandoned: its gateway stopped renewing the run's lease");
                ps.setLong(3, viewId);
                ps.executeUpdate();
            }
            long newestComplete;
            long runId;
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(CASE WHEN status = 'COMPLETE' THEN run_id"
                    + " END), 0), COALESCE(MAX(run_id), 0) + 1 FROM asof_materialization WHERE view_id = ?")) {
                ps.setLong(1, viewId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    newestComplete = rs.getLong(1);
                    runId = rs.getLong(2);
                }
            }
            if (newestComplete != committedRun) {
                return Optional.<Run>empty();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO asof_materialization (" + COLUMNS
                    + ", owner, heartbeat_at) VALUES (?, ?, ?, 'RUNNING', ?, ?, NULL, 0, ?, NULL, NULL, ?, ?)")) {
                ps.setLong(1, viewId);
                ps.setLong(2, runId);
                ps.setString(3, viewName);
                if (changesAfter.isPresent()) {
                    ps.setObject(4, utc(changesAfter.get()));
                } else {
                    ps.setNull(4, Types.TIMESTAMP_WITH_TIMEZONE);
                }
                ps.setObject(5, utc(asOf));
                ps.setObject(6, utc(now));
                ps.setString(7, owner);
                ps.setObject(8, utc(dbNow));
                ps.executeUpdate();
            }
            return Optional.of(new Run(viewId, runId, viewName, Status.RUNNING, changesAfter, asOf, Optional.empty(), 0,
                    now, Optional.empty(), Optional.empty()));
        });
    }

    /**
     * Renews the lease of every run this gateway holds; called every third of the lease while the
     * gateway runs.
     */
    public void renewLeases() {
        try (Connection c = pool.getConnection()) {
            Instant dbNow = databaseNow(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE asof_materialization SET heartbeat_at = ?"
                    + " WHERE owner = ? AND status = 'RUNNING'")) {
                ps.setObject(1, utc(dbNow));
                ps.setString(2, owner);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The registry database's clock: one clock for the leases of every gateway. */
    private static Instant databaseNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    public void progress(long viewId, long runId, Optional<Long> rowsTotal, long rowsDone) {
        update("UPDATE asof_materialization SET rows_total = ?, rows_done = ? WHERE view_id = ? AND run_id = ?", ps -> {
            if (rowsTotal.isPresent()) {
                ps.setLong(1, rowsTotal.get());
            } else {
                ps.setNull(1, Types.BIGINT);
            }
            ps.setLong(2, rowsDone);
            ps.setLong(3, viewId);
            ps.setLong(4, runId);
        });
    }

    public void complete(long viewId, long runId, long rowsDone, Instant now) {
        finish(viewId, runId, Status.COMPLETE, rowsDone, now, null);
    }

    /**
     * Marks a run complete, with the newest event time among the rows it wrote (empty when it wrote
     * none).
     */
    public void complete(long viewId, long runId, long rowsDone, Instant now, Optional<Instant> newestEvent) {
        // Before the status: a gateway that sees the run complete also sees its newest event.
        newestEvent.ifPresent(e -> update("UPDATE asof_materialization SET newest_event = ? WHERE view_id = ? AND run_id = ?",
                ps -> {
                    ps.setObject(1, utc(e));
                    ps.setLong(2, viewId);
                    ps.setLong(3, runId);
                }));
        complete(viewId, runId, rowsDone, now);
    }

    /**
     * Per view definition id, the newest event time any of its complete runs wrote: the newest event
     * visible online (records of earlier runs stay served until a later run rewrites their key).
     */
    public java.util.Map<Long, Instant> newestEvents() {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT view_id, MAX(newest_event) FROM asof_materialization WHERE status = 'COMPLETE'"
                        + " AND newest_event IS NOT NULL GROUP BY view_id");
                ResultSet rs = ps.executeQuery()) {
            java.util.Map<Long, Instant> out = new java.util.HashMap<>();
            while (rs.next()) {
                out.put(rs.getLong(1), instant(rs, 2).orElseThrow());
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public void fail(long viewId, long runId, long rowsDone, Instant now, String error) {
        finish(viewId, runId, Status.FAILED, rowsDone, now, error.length() > 4000 ? error.substring(0, 4000) : error);
    }

    private void finish(long viewId, long runId, Status status, long rowsDone, Instant now, String error) {
        // Through a registry transaction: its version moves, so other gateways serve the new run.
        transactions.run("materialization log update", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE asof_materialization SET status = ?, rows_done = GREATEST(rows_done, ?), finished_at = ?, error = ?"
                + " WHERE view_id = ? AND run_id = ?")) {
                ps.setString(1, status.name());
                ps.setLong(2, rowsDone);
                ps.setObject(3, utc(now));
                ps.setString(4, error);
                ps.setLong(5, viewId);
                ps.setLong(6, runId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Every run of one view definition, oldest first. */
    public List<Run> runs(long viewId) {
        return query("SELECT " + COLUMNS + " FROM asof_materialization WHERE view_id = ? ORDER BY run_id",
                ps -> ps.setLong(1, viewId));
    }

    /** Every run of every view definition, newest first. */
    public List<Run> allRuns() {
        return query("SELECT " + COLUMNS + " FROM asof_materialization ORDER BY started_at DESC, run_id DESC", ps -> {});
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Run> query(String sql, Binder binder) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<Run> runs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long total = rs.getLong(7);
                    Optional<Long> rowsTotal = rs.wasNull() ? Optional.empty() : Optional.of(total);
                    runs.add(new Run(rs.getLong(1), rs.getLong(2), rs.getString(3), Status.valueOf(rs.getString(4)),
                            instant(rs, 5), instant(rs, 6).orElseThrow(), rowsTotal, rs.getLong(8),
                            instant(rs, 9).orElseThrow(), instant(rs, 10), Optional.ofNullable(rs.getString(11))));
                }
            }
            return runs;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void update(String sql, Binder binder) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static AsofException failure(SQLException e) {
        return new AsofException(ErrorCode.INTERNAL_ERROR, "cannot record the materialization run: " + e.getMessage(), e);
    }
}
