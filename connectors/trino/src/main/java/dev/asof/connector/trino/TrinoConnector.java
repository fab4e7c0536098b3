package dev.asof.connector.trino;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.FileFormat;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The distributed warehouse: an existing Trino cluster reached with trino-jdbc through a HikariCP
 * pool. Every connection runs with session time zone UTC, so plain TIMESTAMP values are UTC wall
 * clocks. The connector itself never runs DDL or DML: metadata comes from
 * {@code DESCRIBE OUTPUT} (prepared-statement metadata) and {@code system.jdbc.tables}; only a
 * user's own statement ({@link #executeUpdate}) may change the warehouse.
 *
 * <p>Cancel: {@link QueryControl#cancel()} calls trino-jdbc's {@code Statement.cancel()}, which
 * kills the Trino query (it ends FAILED with {@code USER_CANCELED}). Timeout: the smaller of the
 * statement's and the configured limit is set with {@code setQueryTimeout}; trino-jdbc enforces
 * it by cancelling the query.
 */
public final class TrinoConnector implements WarehouseConnector {
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
    public Optional<List<ColumnMetadata>> describeTable(List<String> path) {
        String relation = path.stream().map(TrinoConnector::quoteIdentifier).collect(Collectors.joining("."));
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
    public List<List<String>> listTables() {
        String sql = "SELECT table_cat, table_schem, table_name FROM system.jdbc.tables"
                + " WHERE table_cat <> 'system' AND table_schem <> 'information_schema'"
                + (settings.catalog().isPresent() ? " AND table_cat = ?" : "")
                + " ORDER BY 1, 2, 3";
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (settings.catalog().isPresent()) {
                s.setString(1, settings.catalog().get());
            }
            List<List<String>> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tables.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
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
            ResultSet rs;
            if (parameters.isEmpty()) {
                st = c.createStatement();
                applyTimeout(st, control);
                Statement fst = st;
                control.onCancel(() -> cancelQuietly(fst));
                rs = st.executeQuery(sql);
            } else {
                PreparedStatement ps = c.prepareStatement(sql);
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setObject(i + 1, parameters.get(i));
                }
                applyTimeout(ps, control);
                control.onCancel(() -> cancelQuietly(ps));
                st = ps;
                rs = ps.executeQuery();
            }
            return new TrinoRowCursor(c, st, rs, control);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new ConnectorException(message(e), e, control.isCancelled() || isCancellation(e));
        }
    }

    @Override
    public long executeUpdate(String sql, QueryControl control) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            applyTimeout(s, control);
            control.onCancel(() -> cancelQuietly(s));
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

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static boolean isMissingObject(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("does not exist") || m.contains("not found");
    }

    private static boolean isCancellation(SQLException e) {
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
