package dev.asof.connector.trino;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.asof.connector.jdbc.BaseJdbcConnector;
import dev.asof.connector.jdbc.JdbcExecution;
import dev.asof.planner.sql.TrinoDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.FileFormat;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import io.trino.jdbc.TrinoResultSet;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributed warehouse: an existing Trino cluster reached with trino-jdbc through a HikariCP
 * pool. Every connection runs with session time zone UTC, so plain TIMESTAMP values are UTC wall
 * clocks. Metadata comes from {@code DESCRIBE OUTPUT} (prepared-statement metadata) and
 * {@code system.jdbc.tables}. Besides a user's own statements ({@link #executeUpdate}), the
 * connector writes only where asof keeps its own tables: schemas it is asked to create and
 * {@link #bulkLoad}s (push sources in {@link TrinoSettings#pushSchema()}, served-feature logs),
 * on a pool of their own ({@link TrinoLoader}).
 *
 * <p>Cancel: {@link QueryControl#cancel()} stops the Trino query: trino-jdbc's
 * {@code Statement.cancel()} while it is being submitted, {@code system.runtime.kill_query} once it
 * runs (see {@link #cancel}); it ends FAILED. Timeout: the smaller of the statement's and the
 * configured limit is set with {@code setQueryTimeout}, which trino-jdbc sends as the session's
 * {@code query_max_run_time}, so Trino enforces it; the base connector's timer cancels at the same
 * limit.
 */
public final class TrinoConnector extends BaseJdbcConnector {
    private static final Logger LOG = LoggerFactory.getLogger(TrinoConnector.class);
    private static final Pattern QUERY_ID = Pattern.compile("[0-9a-z_]+");
    /** Bound values per INSERT of a bulk load: big statements, few Trino queries. */
    static final int LOAD_PARAMETERS = 10_000;

    /** What {@code kill_query} did. */
    enum KillOutcome {
        KILLED,
        /** The query had already ended (or Trino forgot it): nothing to stop. */
        ALREADY_ENDED,
        /** The kill failed; logged as a warning with the query id and the reason. */
        FAILED
    }

    private final TrinoSettings settings;
    /** Connections of bulk loads: {@code explicitPrepare=false}, see {@link #open}. */
    private final HikariDataSource loadPool;
    private final TrinoLoader loader;

    private TrinoConnector(TrinoSettings settings, HikariDataSource pool, HikariDataSource loadPool, TrinoLoader loader) {
        super("trino", new TrinoDialect(), pool, TrinoErrors.INSTANCE);
        this.settings = settings;
        this.loadPool = loadPool;
        this.loader = loader;
    }

    /** Opens the pool; a Trino that is down is reported per statement. */
    public static TrinoConnector open(TrinoSettings settings) {
        return open(settings, LOAD_PARAMETERS);
    }

    /** As {@link #open(TrinoSettings)}, with at most {@code loadParameters} bound values per INSERT of a bulk load. */
    static TrinoConnector open(TrinoSettings settings, int loadParameters) {
        requireNonNull(settings, "settings");
        TrinoLoader loader = new TrinoLoader(loadParameters);
        HikariDataSource pool = new HikariDataSource(poolConfig(settings, "trino", settings.poolSize(), 1));
        // A bulk load's INSERT holds thousands of markers. With trino-jdbc's default explicit PREPARE
        // the statement text would travel in an HTTP header of every request (Trino limits their
        // size); EXECUTE IMMEDIATE sends it in the body. Its own pool, so queries keep their PREPARE.
        HikariConfig load = poolConfig(settings, "trino-load", Math.min(4, settings.poolSize()), 0);
        load.addDataSourceProperty("explicitPrepare", "false");
        HikariDataSource loadPool;
        try {
            loadPool = new HikariDataSource(load);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new TrinoConnector(settings, pool, loadPool, loader);
    }

    private static HikariConfig poolConfig(TrinoSettings settings, String name, int size, int minimumIdle) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
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
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(minimumIdle);
        config.setInitializationFailTimeout(-1); // a Trino that is down is reported per statement
        config.setConnectionTimeout(30_000);
        return config;
    }

    public TrinoSettings settings() {
        return settings;
    }

    @Override
    public List<String> defaultSchema() {
        List<String> prefix = new ArrayList<>();
        settings.catalog().ifPresent(prefix::add);
        settings.schema().ifPresent(prefix::add);
        return List.copyOf(prefix);
    }

    @Override
    protected String listTablesSql() {
        return "SELECT table_cat, table_schem, table_name FROM system.jdbc.tables"
                + " WHERE table_cat <> 'system' AND table_schem <> 'information_schema'"
                + " ORDER BY 1, 2, 3";
    }

    /**
     * Parameter types are not described: trino-jdbc would run {@code DESCRIBE INPUT} for it, and
     * callers fall back to a generic type.
     */
    @Override
    public List<JDBCType> describeParameters(String sql) {
        return List.of();
    }

    /** Trino's timestamp types carry their precision in the name ({@code timestamp(6) with time zone}). */
    @Override
    protected JDBCType jdbcType(int jdbcCode, String typeName) {
        String name = typeName.toLowerCase(Locale.ROOT);
        if (name.startsWith("timestamp") && name.endsWith("with time zone")) {
            return JDBCType.TIMESTAMP_WITH_TIMEZONE;
        }
        if (name.startsWith("timestamp")) {
            return JDBCType.TIMESTAMP;
        }
        if (name.startsWith("time") && name.endsWith("with time zone")) {
            return JDBCType.TIME_WITH_TIMEZONE;
        }
        return super.jdbcType(jdbcCode, typeName);
    }

    /** trino-jdbc converts {@code timestamp with time zone} to {@code ZonedDateTime}, not {@code OffsetDateTime}. */
    @Override
    protected OffsetDateTime readTimestampWithTimeZone(ResultSet rs, int column) throws SQLException {
        ZonedDateTime t = rs.getObject(column, ZonedDateTime.class);
        return t == null ? null : t.toOffsetDateTime();
    }

    /** A query without parameters runs as a plain statement: no PREPARE/EXECUTE round trips. */
    @Override
    protected Statement newStatement(Connection connection, String sql, List<Object> parameters) throws SQLException {
        return parameters.isEmpty() ? connection.createStatement() : super.newStatement(connection, sql, parameters);
    }

    /** The smaller of the statement's limit and {@code asof.trino.query-timeout}. */
    @Override
    protected Optional<Duration> timeout(QueryControl control) {
        Optional<Duration> limit = control.timeout();
        Optional<Duration> configured = settings.queryTimeout();
        if (configured.isPresent() && (limit.isEmpty() || configured.get().compareTo(limit.get()) < 0)) {
            return configured;
        }
        return limit;
    }

    /** Sent as {@code query_max_run_time} (whole seconds, rounded up): Trino itself stops the query. */
    @Override
    protected void applyTimeout(Statement statement, Duration limit) throws SQLException {
        long seconds = Math.max(1, (limit.toMillis() + 999) / 1000);
        statement.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, seconds));
    }

    @Override
    protected void started(JdbcExecution execution, ResultSet rs) throws SQLException {
        String id = rs.unwrap(TrinoResultSet.class).getQueryId();
        if (id != null) {
            execution.queryId(id);
        }
    }

    /**
     * Stops a running query. Before trino-jdbc's {@code executeQuery} returns, its
     * {@code Statement.cancel()} aborts the query; afterwards it would wait for the result set's
     * lock, which a reader blocked in {@code next()} holds until the query ends. So once the query
     * id is known the query is killed with {@code CALL system.runtime.kill_query} on another pooled
     * connection (a procedure, not DDL/DML; Trino lets a user kill their own queries).
     */
    @Override
    protected void cancel(JdbcExecution execution) throws SQLException {
        Optional<String> id = execution.queryId();
        if (id.isPresent() && QUERY_ID.matcher(id.get()).matches()) {
            kill(id.get());
        } else {
            super.cancel(execution);
        }
    }

    /**
     * Kills query {@code queryId} with {@code system.runtime.kill_query}. A query that already
     * ended is fine; any other failure is logged as a warning (the query may still be running).
     */
    KillOutcome kill(String queryId) {
        try (Connection c = pool().getConnection(); Statement kill = c.createStatement()) {
            kill.execute("CALL system.runtime.kill_query(query_id => '" + queryId
                    + "', message => 'cancelled through the asof gateway')");
            return KillOutcome.KILLED;
        } catch (SQLException e) {
            if (TrinoErrors.isQueryAlreadyEnded(e)) {
                return KillOutcome.ALREADY_ENDED;
            }
            LOG.warn("could not kill Trino query {}: {}", queryId, errors().message(e));
            return KillOutcome.FAILED;
        }
    }

    /** {@code asof.trino.push-schema}, if set. */
    @Override
    public Optional<SchemaName> pushSchema() {
        return settings.pushSchema();
    }

    @Override
    public void createSchema(SchemaName schema) {
        executeDdl("CREATE SCHEMA IF NOT EXISTS " + qualifiedName(schema.parts()));
    }

    /**
     * Drops the schema's tables and views one by one, then the schema: {@code DROP SCHEMA …
     * CASCADE} is not in every catalog.
     */
    @Override
    public void dropSchema(SchemaName schema) {
        List<String[]> objects = new ArrayList<>();
        try (Connection c = pool().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT table_name, table_type FROM "
                        + qualifiedName(List.of(schema.catalog(), "information_schema", "tables"))
                        + " WHERE table_schema = ?")) {
            ps.setString(1, schema.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    objects.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        for (String[] o : objects) {
            String name = qualifiedName(List.of(schema.catalog(), schema.schema(), o[0]));
            executeDdl(("VIEW".equalsIgnoreCase(o[1]) ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ") + name);
        }
        executeDdl("DROP SCHEMA IF EXISTS " + qualifiedName(schema.parts()));
    }

    /**
     * Loads rows with multi-row INSERTs of bound values ({@link TrinoLoader}). Not all or nothing:
     * Trino has no multi-statement write transactions on most catalogs, so each INSERT of up to
     * {@value #LOAD_PARAMETERS} values is atomic and a failed load leaves the chunks before the
     * failing one, and the table it created; the exception says how many rows went in.
     */
    @Override
    public long bulkLoad(TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
        if (!table.isQualified()) {
            throw new ConnectorException("bulk load needs a fully qualified table name, not " + table, null);
        }
        long[] inserted = {0};
        try (Connection c = loadPool.getConnection()) {
            return loader.load(c, table, columns, mode, rows, n -> inserted[0] = n);
        } catch (SQLException e) {
            ConnectorException failure = failure(e);
            if (inserted[0] == 0) {
                throw failure;
            }
            throw new ConnectorException(failure.getMessage() + " (" + inserted[0] + " row(s) of this load were"
                    + " inserted before it failed)", e, failure.kind());
        }
    }

    @Override
    public void close() {
        super.close();
        loadPool.close();
    }

    @Override
    public List<ColumnMetadata> describeFile(String path, FileFormat format) {
        throw new ConnectorException("file sources need the embedded warehouse (DuckDB); this gateway uses Trino: "
                + "load " + path + " into a Trino table and CREATE SOURCE ... FROM TABLE", null);
    }
}
