package dev.asof.connector.duckdb;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.warehouse.ArrowExport;
import dev.asof.spi.warehouse.FileFormat;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.ParameterMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.duckdb.DuckDBConnection;

/**
 * The embedded warehouse: one DuckDB database file, opened in-process. The file's stem names the
 * catalog ({@code lake.duckdb} is catalog {@code lake}). Every connection runs with
 * {@code TimeZone = 'UTC'} so that plain {@code TIMESTAMP} values are read as UTC instants.
 */
public final class DuckDbConnector implements WarehouseConnector, ArrowExport {
    private static final EngineDialect DIALECT = new DuckDbDialect();

    private final DuckDBConnection root;
    private final HikariDataSource pool;
    private final List<String> defaultSchema;

    private DuckDbConnector(DuckDBConnection root, HikariDataSource pool, String catalog) {
        this.root = root;
        this.pool = pool;
        this.defaultSchema = List.of(catalog, "main");
    }

    /**
     * Opens (creating if needed) the database file.
     *
     * @param databaseFile path of the DuckDB file; its stem becomes the catalog name
     * @param poolSize maximum concurrent statements
     */
    public static DuckDbConnector open(Path databaseFile, int poolSize) {
        requireNonNull(databaseFile, "databaseFile");
        try {
            Files.createDirectories(databaseFile.toAbsolutePath().getParent());
            // Stream results: rows are produced as the consumer reads them instead of being
            // materialized whole in native memory first (a large extract would otherwise hold
            // every row at once).
            java.util.Properties props = new java.util.Properties();
            props.setProperty("jdbc_stream_results", "true");
            DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection(
                    "jdbc:duckdb:" + databaseFile.toAbsolutePath(), props);
            HikariConfig config = new HikariConfig();
            config.setPoolName("duckdb");
            config.setDataSource(new DuplicatingDataSource(root));
            config.setMaximumPoolSize(poolSize);
            config.setMinimumIdle(1);
            config.setConnectionInitSql("SET TimeZone = 'UTC'");
            String file = databaseFile.getFileName().toString();
            String catalog = file.endsWith(".duckdb") ? file.substring(0, file.length() - ".duckdb".length()) : file;
            return new DuckDbConnector(root, new HikariDataSource(config), catalog);
        } catch (Exception e) {
            throw new ConnectorException("cannot open DuckDB database " + databaseFile + ": " + message(e), e);
        }
    }

    @Override
    public String engineName() {
        return "duckdb";
    }

    @Override
    public EngineDialect dialect() {
        return DIALECT;
    }

    @Override
    public List<String> defaultSchema() {
        return defaultSchema;
    }

    @Override
    public Optional<List<ColumnMetadata>> describeTable(TableName table) {
        String relation = relation(table.parts());
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM " + relation + " LIMIT 0")) {
            return Optional.of(JdbcColumns.of(ps.getMetaData()));
        } catch (SQLException e) {
            if (isMissingObject(e)) {
                return Optional.empty();
            }
            throw new ConnectorException(message(e), e);
        }
    }

    @Override
    public List<TableName> listTables() {
        String sql = "SELECT table_catalog, table_schema, table_name FROM information_schema.tables"
                + " WHERE table_catalog NOT IN ('system', 'temp') ORDER BY 1, 2, 3";
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<TableName> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(TableName.of(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
            return tables;
        } catch (SQLException e) {
            throw new ConnectorException(message(e), e);
        }
    }

    @Override
    public List<ColumnMetadata> describeQuery(String sql) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            return JdbcColumns.of(ps.getMetaData());
        } catch (SQLException e) {
            throw new ConnectorException(message(e), e);
        }
    }

    @Override
    public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
        Connection c = null;
        try {
            c = pool.getConnection();
            PreparedStatement ps = c.prepareStatement(sql);
            for (int i = 0; i < parameters.size(); i++) {
                ps.setObject(i + 1, parameters.get(i));
            }
            control.timeout().ifPresent(t -> setTimeout(ps, t.toSeconds()));
            control.onCancel(() -> cancelQuietly(ps));
            ResultSet rs = ps.executeQuery();
            return new JdbcRowCursor(c, ps, rs);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new ConnectorException(message(e), e, control.isCancelled() || isInterrupt(e));
        }
    }

    @Override
    public boolean arrowExportAvailable() {
        try {
            Class.forName("org.apache.arrow.c.ArrowArrayStream");
            Class.forName("org.apache.arrow.memory.BufferAllocator");
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Uses DuckDB's Arrow export (the C data interface; needs {@code arrow-c-data} on the class path). */
    @Override
    public ArrowBatches executeArrow(String sql, List<Object> parameters, QueryControl control, Object allocator,
            int batchRows) {
        Connection c = null;
        try {
            c = pool.getConnection();
            PreparedStatement ps = c.prepareStatement(sql);
            for (int i = 0; i < parameters.size(); i++) {
                ps.setObject(i + 1, parameters.get(i));
            }
            control.timeout().ifPresent(t -> setTimeout(ps, t.toSeconds()));
            control.onCancel(() -> cancelQuietly(ps));
            ResultSet rs = ps.executeQuery();
            Object reader = rs.unwrap(org.duckdb.DuckDBResultSet.class).arrowExportStream(allocator, batchRows);
            Connection owned = c;
            return new ArrowBatches() {
                @Override
                public Object reader() {
                    return reader;
                }

                @Override
                public void close() {
                    closeQuietly((AutoCloseable) reader);
                    closeQuietly(rs);
                    closeQuietly(ps);
                    closeQuietly(owned);
                }
            };
        } catch (SQLException e) {
            closeQuietly(c);
            throw new ConnectorException(message(e), e, control.isCancelled() || isInterrupt(e));
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw new ConnectorException(message(e), e);
        }
    }

    @Override
    public long executeUpdate(String sql, QueryControl control) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            control.onCancel(() -> cancelQuietly(s));
            if (s.execute(sql)) {
                return -1;
            }
            return s.getUpdateCount();
        } catch (SQLException e) {
            throw new ConnectorException(message(e), e, control.isCancelled() || isInterrupt(e));
        }
    }

    @Override
    public List<ColumnMetadata> describeFile(String path, FileFormat format) {
        Path file = Path.of(path);
        if (!Files.isRegularFile(file)) {
            throw new ConnectorException("file not found: " + path, null);
        }
        if (!Files.isReadable(file)) {
            throw new ConnectorException("file is not readable: " + path, null);
        }
        String relation = fileRelation(path, format);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            List<ColumnMetadata> columns;
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + relation + " LIMIT 0")) {
                columns = JdbcColumns.of(rs.getMetaData());
            }
            // Read the whole file once so that a malformed row fails here, not in a later extract.
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + relation)) {
                rs.next();
            }
            return columns;
        } catch (SQLException e) {
            throw new ConnectorException("cannot read " + format.name().toLowerCase() + " file " + path + ": "
                    + message(e), e);
        }
    }

    @Override
    public List<JDBCType> describeParameters(String sql) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ParameterMetaData md = ps.getParameterMetaData();
            List<JDBCType> types = new ArrayList<>();
            for (int i = 1; i <= md.getParameterCount(); i++) {
                JDBCType t;
                try {
                    t = JDBCType.valueOf(md.getParameterType(i));
                } catch (IllegalArgumentException | SQLException e) {
                    t = JDBCType.OTHER;
                }
                types.add(t);
            }
            return types;
        } catch (SQLException e) {
            throw new ConnectorException(message(e), e);
        }
    }

    @Override
    public void createSchema(SchemaName schema) {
        ddl("CREATE SCHEMA IF NOT EXISTS " + relation(schema.parts()));
    }

    @Override
    public void dropSchema(SchemaName schema) {
        ddl("DROP SCHEMA IF EXISTS " + relation(schema.parts()) + " CASCADE");
    }

    @Override
    public long bulkLoad(TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
        return DuckDbLoader.load(root, table, columns, mode, rows);
    }

    private void ddl(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new ConnectorException(message(e), e);
        }
    }

    private static String relation(List<String> path) {
        return path.stream().map(DuckDbConnector::quoteIdentifier).collect(Collectors.joining("."));
    }

    /** The table function that reads a file source, with the path as a quoted literal. */
    public static String fileRelation(String path, FileFormat format) {
        return switch (format) {
            case CSV -> "read_csv(" + quoteLiteral(path) + ")";
            case PARQUET -> "read_parquet(" + quoteLiteral(path) + ")";
        };
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static String quoteLiteral(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }

    @Override
    public void close() {
        pool.close();
        try {
            root.close();
        } catch (SQLException e) {
            // closing: nothing left to do
        }
    }

    private static boolean isMissingObject(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("does not exist") || m.contains("Catalog Error");
    }

    private static boolean isInterrupt(SQLException e) {
        return String.valueOf(e.getMessage()).contains("Interrupt");
    }

    /** The engine's message, first line only: DuckDB appends context that is noise to users. */
    static String message(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl > 0 ? m.substring(0, nl) : m).trim();
    }

    private static void setTimeout(Statement s, long seconds) {
        try {
            s.setQueryTimeout((int) Math.max(1, seconds));
        } catch (SQLException e) {
            throw new ConnectorException(message(e), e);
        }
    }

    private static void cancelQuietly(Statement s) {
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
