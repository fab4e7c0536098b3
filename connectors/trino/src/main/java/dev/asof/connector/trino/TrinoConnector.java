package dev.asof.connector.trino;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.TrinoDialect;
import dev.asof.spi.warehouse.FileFormat;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import io.trino.jdbc.TrinoResultSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The distributed warehouse: an existing Trino cluster reached with trino-jdbc through a HikariCP
 * pool. Every connection runs with session time zone UTC, so plain TIMESTAMP values are UTC wall
 * clocks. The connector itself never runs DDL or DML: metadata comes from
 * {@code DESCRIBE OUTPUT} (prepared-statement metadata) and {@code system.jdbc.tables}; only a
 * user's own statement ({@link #executeUpdate}) may change the warehouse.
 *
 * <p>Cancel: {@link QueryControl#cancel()} stops the Trino query: trino-jdbc's
 * {@code Statement.cancel()} while it is being submitted, {@code system.runtime.kill_query} once it
 * runs (see {@link #cancel}); it ends FAILED. Timeout: the smaller of the
 * statement's and the configured limit is set with {@code setQueryTimeout}; trino-jdbc enforces
 * it by cancelling the query.
 */
public final class TrinoConnector implements WarehouseConnector {
    private static final java.util.regex.Pattern QUERY_ID = java.util.regex.Pattern.compile("[0-9a-z_]+");

    private static final EngineDialect DIALECT = new TrinoDialect();

    private final TrinoSettings settings;
    private final HikariDataSource pool;

    private TrinoConnector(TrinoSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
    }

    /** Opens the pool and checks that Trino answers; fails with the reason when it does not. */
    public static TrinoConnector open(TrinoSettings settings) {
        requireNonNull(settings, "settings");
        HikariConfig config = new HikariConfig();
        config.setPoolName("trino");
        config.setDriverClassName("io.trino.jdbc.TrinoDriver");
        config.setJdbcUrl(settings.url());
        config.addDataSourceProperty("user", settings.user());
        config.addDataSourceProperty("timezone", "UTC");
        config.addDataSourceProperty("source", "asof-gateway");
        if (!settings.sessionProperties().isEmpty()) {
            config.addDataSourceProperty("sessionProperties", settings.sessionProperties().entrySet().stream()
                    .map(e -> e.getKey() + ":" + e.getValue())
                    .collect(Collectors.joining(";")));
        }
        settings.catalog().ifPresent(config::setCatalog);
        settings.schema().ifPresent(config::setSchema);
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setInitializationFailTimeout(-1); // a Trino that is down is reported per statement
        config.setConnectionTimeout(30_000);
        HikariDataSource pool = new HikariDataSource(config);
        return new TrinoConnector(settings, pool);
    }

    public TrinoSettings settings() {
        return settings;
    }

    @Override
    public String engineName() {
        return "trino";
    }

    @Override
    public EngineDialect dialect() {
        return DIALECT;
    }

    @Override
    public List<String> defaultSchema() {
        List<String> prefix = new ArrayList<>();
        settings.catalog().ifPresent(prefix::add);
        settings.schema().ifPresent(prefix::add);
        return List.copyOf(prefix);
    }

    @Override
    public Optional<List<ColumnMetadata>> describeTable(TableName table) {
        String relation = table.parts().stream().map(TrinoConnector::quoteIdentifier).collect(Collectors.joining("."));
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM " + relation)) {
            return Optional.of(TrinoColumns.of(ps.getMetaData()));
        } catch (SQLException e) {
            if (isMissingObject(e)) {
                return Optional.empty();
            }
            throw new ConnectorException(message(e), e);
        }
    }

    @Override
    public List<TableName> listTables() {
        String sql = "SELECT table_cat, table_schem, table_name FROM system.jdbc.tables"
                + " WHERE table_cat <> 'system' AND table_schem <> 'information_schema'"
                + " ORDER BY 1, 2, 3";
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            List<TableName> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    tables.add(TableName.of(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return tables;
        } catch (SQLException e) {
            throw new ConnectorException(message(e), e);
        }
    }

    @Override
    public List<ColumnMetadata> describeQuery(String sql) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            return TrinoColumns.of(ps.getMetaData());
        } catch (SQLException e) {
            throw new ConnectorException(message(e), e);
        }
    }

    @Override
    public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
        Connection c = null;
        try {
            c = pool.getConnection();
            Statement st;
            if (parameters.isEmpty()) {
                st = c.createStatement();
            } else {
                PreparedStatement ps = c.prepareStatement(sql);
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setObject(i + 1, parameters.get(i));
                }
                st = ps;
            }
            applyTimeout(st, control);
            AtomicReference<String> queryId = new AtomicReference<>();
            control.onCancel(() -> cancel(st, queryId.get()));
            checkNotCancelled(control);
            ResultSet rs = st instanceof PreparedStatement ps ? ps.executeQuery() : st.executeQuery(sql);
            queryId.set(queryId(rs));
            if (control.isCancelled()) {
                // cancelled between the check and the start of the Trino query: stop it now
                cancel(st, queryId.get());
                closeQuietly(rs);
                closeQuietly(st);
                checkNotCancelled(control);
            }
            return new TrinoRowCursor(c, st, rs, control);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new ConnectorException(message(e), e, control.isCancelled() || isCancellation(e));
        }
    }

    /**
     * Stops a running query. Before trino-jdbc's {@code executeQuery} returns, its
     * {@code Statement.cancel()} aborts the query; afterwards it would wait for the result set's
     * lock, which a reader blocked in {@code next()} holds until the query ends. So once the query
     * id is known the query is killed with {@code CALL system.runtime.kill_query} on another pooled
     * connection (a procedure, not DDL/DML; Trino lets a user kill their own queries).
     */
    private void cancel(Statement st, String queryId) {
        if (queryId == null || !QUERY_ID.matcher(queryId).matches()) {
            cancelQuietly(st);
            return;
        }
        try (Connection c = pool.getConnection(); Statement kill = c.createStatement()) {
            kill.execute("CALL system.runtime.kill_query(query_id => '" + queryId
                    + "', message => 'cancelled through the asof gateway')");
        } catch (SQLException e) {
            // the query already ended
        }
    }

    private static String queryId(ResultSet rs) {
        try {
            return rs.unwrap(TrinoResultSet.class).getQueryId();
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public long executeUpdate(String sql, QueryControl control) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            applyTimeout(s, control);
            control.onCancel(() -> cancelQuietly(s));
            checkNotCancelled(control);
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    while (rs.next()) {
                        // a statement with rows (e.g. SHOW) run for its effect
                    }
                }
                return -1;
            }
            return s.getLargeUpdateCount();
        } catch (SQLException e) {
            throw new ConnectorException(message(e), e, control.isCancelled() || isCancellation(e));
        }
    }

    @Override
    public List<ColumnMetadata> describeFile(String path, FileFormat format) {
        throw new ConnectorException("file sources need the embedded warehouse (DuckDB); this gateway uses Trino: "
                + "load " + path + " into a Trino table and CREATE SOURCE ... FROM TABLE", null);
    }

    @Override
    public void close() {
        pool.close();
    }

    private void applyTimeout(Statement s, QueryControl control) throws SQLException {
        Optional<Duration> limit = control.timeout();
        if (settings.queryTimeout().isPresent()
                && (limit.isEmpty() || settings.queryTimeout().get().compareTo(limit.get()) < 0)) {
            limit = settings.queryTimeout();
        }
        if (limit.isPresent()) {
            long seconds = Math.max(1, (limit.get().toMillis() + 999) / 1000);
            s.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, seconds));
        }
    }

    private static void checkNotCancelled(QueryControl control) throws SQLException {
        if (control.isCancelled()) {
            throw new SQLException("statement cancelled before Trino started it");
        }
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static boolean isMissingObject(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("does not exist") || m.contains("not found");
    }

    static boolean isCancellation(SQLException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("cancel") || m.contains("exceeded maximum time limit") || m.contains("timed out")
                || m.contains("exceeded_time_limit");
    }

    /** Trino's message without the {@code Query failed (#id):} prefix and without stack text. */
    static String message(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        m = (nl > 0 ? m.substring(0, nl) : m).trim();
        if (m.startsWith("Query failed (")) {
            int colon = m.indexOf("):");
            if (colon > 0) {
                m = m.substring(colon + 2).trim();
            }
        }
        return m;
    }

    static void cancelQuietly(Statement s) {
        try {
            s.cancel();
        } catch (SQLException e) {
            // already finished
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing useful to do while closing
            }
        }
    }
}
