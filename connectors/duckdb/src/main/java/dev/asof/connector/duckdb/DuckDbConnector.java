package dev.asof.connector.duckdb;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.asof.connector.jdbc.BaseJdbcConnector;
import dev.asof.connector.jdbc.JdbcErrors;
import dev.asof.connector.jdbc.JdbcExecution;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.ArrowExport;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.FileFormat;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.duckdb.DuckDBChunkedResult;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;

/**
 * The embedded warehouse: one DuckDB database file, opened in-process. The file's stem names the
 * catalog ({@code lake.duckdb} is catalog {@code lake}). Every connection runs with
 * {@code TimeZone = 'UTC'} so that plain {@code TIMESTAMP} values are read as UTC instants.
 *
 * <p>Results stream ({@code jdbc_stream_results}): rows are produced as the consumer reads them,
 * instead of a large extract being held whole in native memory first.
 */
public final class DuckDbConnector extends BaseJdbcConnector implements ArrowExport {
    private static final EngineDialect DIALECT = new DuckDbDialect();

    private final DuckDBConnection root;
    private final List<String> defaultSchema;

    private DuckDbConnector(DuckDBConnection root, HikariDataSource pool, String catalog) {
        super("duckdb", DIALECT, pool, DuckDbErrors.INSTANCE);
        this.root = root;
        this.defaultSchema = List.of(catalog, "main");
    }

    /**
     * Opens (creating if needed) the database file with DuckDB's default memory limit.
     *
     * @param databaseFile path of the DuckDB file; its stem becomes the catalog name
     * @param poolSize maximum concurrent statements
     */
    public static DuckDbConnector open(Path databaseFile, int poolSize) {
        return open(databaseFile, poolSize, Optional.empty());
    }

    /**
     * Opens (creating if needed) the database file.
     *
     * @param databaseFile path of the DuckDB file; its stem becomes the catalog name
     * @param poolSize maximum concurrent statements
     * @param memoryLimit DuckDB's {@code memory_limit} (e.g. {@code 4GB}) for the whole database,
     *     shared by all statements; what does not fit spills to the database's temporary directory
     */
    public static DuckDbConnector open(Path databaseFile, int poolSize, Optional<String> memoryLimit) {
        requireNonNull(databaseFile, "databaseFile");
        requireNonNull(memoryLimit, "memoryLimit");
        DuckDBConnection root = null;
        try {
            Files.createDirectories(databaseFile.toAbsolutePath().getParent());
            Properties props = new Properties();
            props.setProperty("jdbc_stream_results", "true");
            memoryLimit.ifPresent(limit -> props.setProperty("memory_limit", limit));
            root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + databaseFile.toAbsolutePath(), props);
            HikariConfig config = new HikariConfig();
            config.setPoolName("duckdb");
            // DuckDB opens a file once per process; pooled connections are duplicates of the first.
            config.setDataSource(new DuplicatingDataSource(root));
            config.setMaximumPoolSize(poolSize);
            config.setMinimumIdle(1);
            config.setConnectionInitSql("SET TimeZone = 'UTC'");
            String file = databaseFile.getFileName().toString();
            String catalog = file.endsWith(".duckdb") ? file.substring(0, file.length() - ".duckdb".length()) : file;
            return new DuckDbConnector(root, new HikariDataSource(config), catalog);
        } catch (Exception e) {
            closeQuietly(root);
            throw new ConnectorException("cannot open DuckDB database " + databaseFile + ": " + JdbcErrors.firstLine(e), e);
        }
    }

    @Override
    public List<String> defaultSchema() {
        return defaultSchema;
    }

    @Override
    protected String listTablesSql() {
        return "SELECT table_catalog, table_schema, table_name FROM information_schema.tables"
                + " WHERE table_catalog NOT IN ('system', 'temp') ORDER BY 1, 2, 3";
    }

    /** DuckDB reports TIMESTAMPTZ with its own code in some paths, and its 128-bit integers as OTHER. */
    @Override
    protected JDBCType jdbcType(int jdbcCode, String typeName) {
        String name = typeName.toUpperCase(Locale.ROOT);
        if (name.startsWith("TIMESTAMP WITH TIME ZONE") || name.equals("TIMESTAMPTZ")) {
            return JDBCType.TIMESTAMP_WITH_TIMEZONE;
        }
        if (name.equals("HUGEINT") || name.equals("UBIGINT")) {
            return JDBCType.DECIMAL;
        }
        return super.jdbcType(jdbcCode, typeName);
    }

    /**
     * The driver's {@code Statement.cancel()} interrupts the query only while
     * {@code executeQuery} runs; once rows stream it does nothing. Closing the result set then
     * ends the query: it waits for the chunk being fetched, after which the reader's
     * {@code next()} fails and the cursor reports the cancellation.
     */
    @Override
    protected void cancel(JdbcExecution execution) throws SQLException {
        super.cancel(execution);
        Optional<ResultSet> rs = execution.resultSet();
        if (rs.isPresent()) {
            rs.get().close();
        }
    }

    /**
     * duckdb_jdbc 2.0.0.1 loses the engine's error when a streamed query fails before its first
     * rows (a failed cast, an overflow, {@code error()}): the binding finds the result failed and
     * throws {@link DuckDbErrors#LOST_ERROR} instead. Its data-chunk API reads the result's own
     * error, so the query is prepared and started once more that way to learn it (the failing
     * query is read-only; the second run stops at the same error). A second run that succeeds
     * leaves the first failure as it was.
     */
    @Override
    protected SQLException recoverFailure(Connection connection, String sql, List<Object> parameters,
            SQLException failure) {
        if (!DuckDbErrors.isLostError(failure)) {
            return failure;
        }
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                ps.setObject(i + 1, parameters.get(i));
            }
            try (DuckDBChunkedResult ignored = ps.unwrap(DuckDBPreparedStatement.class).query()) {
                return failure;
            }
        } catch (SQLException engineError) {
            engineError.addSuppressed(failure);
            return engineError;
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
        JdbcExecution execution = start(sql, parameters, control);
        Object reader;
        try {
            reader = execution.resultSet().orElseThrow().unwrap(DuckDBResultSet.class).arrowExportStream(allocator,
                    batchRows);
        } catch (SQLException e) {
            execution.close();
            throw failure(e);
        } catch (RuntimeException e) {
            execution.close();
            throw new ConnectorException(JdbcErrors.firstLine(e), e);
        }
        return new ArrowBatches() {
            @Override
            public Object reader() {
                return reader;
            }

            @Override
            public void close() {
                closeQuietly((AutoCloseable) reader);
                execution.close();
            }
        };
    }

    /**
     * Reads the file once to the end with the relation the planner uses for file sources
     * ({@link EngineDialect#fileRelation}, unparsed for DuckDB), so that a malformed row fails
     * here and not in a later extract. A CSV file is first scanned for its shape ({@link CsvShape}:
     * header-only files, ragged rows, duplicate names); its types are inferred from every row.
     */
    @Override
    public List<ColumnMetadata> describeFile(String path, FileFormat format) {
        Path file = Path.of(path);
        if (!Files.isRegularFile(file)) {
            throw new ConnectorException("file not found: " + path, null);
        }
        if (!Files.isReadable(file)) {
            throw new ConnectorException("file is not readable: " + path, null);
        }
        if (format == FileFormat.CSV) {
            try {
                CsvShape.read(file);
            } catch (ConnectorException e) {
                throw new ConnectorException("cannot read csv file " + path + ": " + e.getMessage(), e.getCause());
            }
        }
        String relation = dialect().fileRelation(path, format)
                .toSqlString(c -> c.withDialect(dialect().sqlDialect()))
                .getSql();
        try (Connection c = pool().getConnection(); Statement s = c.createStatement()) {
            List<ColumnMetadata> columns;
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + relation + " LIMIT 0")) {
                columns = columns(rs.getMetaData());
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + relation)) {
                rs.next();
            }
            return columns;
        } catch (SQLException e) {
            ConnectorException failure = failure(e);
            throw new ConnectorException("cannot read " + format.name().toLowerCase(Locale.ROOT) + " file " + path
                    + ": " + failure.getMessage(), e, failure.kind());
        }
    }

    /** Schema {@code asof_push} of the database file in the data directory. */
    @Override
    public java.util.Optional<SchemaName> pushSchema() {
        return java.util.Optional.of(new SchemaName(defaultSchema.get(0), "asof_push"));
    }

    @Override
    public void createSchema(SchemaName schema) {
        executeDdl("CREATE SCHEMA IF NOT EXISTS " + qualifiedName(schema.parts()));
    }

    @Override
    public void dropSchema(SchemaName schema) {
        executeDdl("DROP SCHEMA IF EXISTS " + qualifiedName(schema.parts()) + " CASCADE");
    }

    @Override
    public long bulkLoad(TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
        if (!table.isQualified()) {
            throw new ConnectorException("bulk load needs a fully qualified table name, not " + table, null);
        }
        try {
            return DuckDbLoader.load(root, table, columns, mode, rows);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() {
        super.close();
        closeQuietly(root);
    }
}
