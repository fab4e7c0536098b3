package dev.asof.gateway.system;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.execution.RunningStatements;
import dev.asof.gateway.metadata.MetadataListing.KeyRow;
import dev.asof.planner.access.AccessAnalyzer;
import dev.asof.gateway.metadata.RegistryKeys;
import dev.asof.gateway.online.PushStatus;
import dev.asof.gateway.registry.MaterializationLog;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.system.SystemTables;
import dev.asof.spi.ColumnMetadata;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;
import org.apache.calcite.DataContext;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Answers queries over asof's system tables ({@link SystemTables}) with Calcite's own query
 * engine over rows read from the registry at execution, so any SQL (filters, ordering,
 * aggregates) works on them. Small tables: no streaming needed.
 */
public final class SystemTableQueries {
    private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

    private final Registry registry;
    private final String storeName;
    private final RunningStatements running;
    private final Function<String, Optional<PushStatus>> pushStatus;
    private final Clock clock;

    public SystemTableQueries(Registry registry, String storeName, RunningStatements running) {
        this(registry, storeName, running, view -> Optional.empty(), Clock.systemUTC());
    }

    /**
     * @param pushStatus the push state of an ONLINE view over a push source, by view name
     * @param clock what push lags are measured against
     */
    public SystemTableQueries(Registry registry, String storeName, RunningStatements running,
            Function<String, Optional<PushStatus>> pushStatus, Clock clock) {
        this.registry = registry;
        this.storeName = storeName;
        this.running = running;
        this.pushStatus = pushStatus;
        this.clock = clock;
    }

    /**
     * What one user may see in the system tables.
     *
     * @param objects accepts the names of registry objects whose runs, online state and keys it may see
     * @param statementsOf accepts the users whose running statements (and their text) it may see
     */
    public record Visibility(Predicate<String> objects, Predicate<String> statementsOf) {
        public Visibility {
            requireNonNull(objects, "objects");
            requireNonNull(statementsOf, "statementsOf");
        }

        /** Everything: the gateway's own queries and admins. */
        public static final Visibility ALL = new Visibility(name -> true, user -> true);
        static final Visibility NONE = new Visibility(name -> false, user -> false);
    }

    /** A query's result: its columns and rows (times as UTC {@code LocalDateTime}). */
    public record Result(List<ColumnMetadata> columns, List<List<Object>> rows) {}

    /** The result columns of a query, without running it. */
    public List<ColumnMetadata> describe(String sql) {
        return withStatement(sql, Visibility.NONE, ps -> columns(ps.getMetaData()));
    }

    /**
     * Runs a query over the system tables holding only the rows {@code visibility} lets the user
     * see: the runs, online state and keys of what it may read, and its own running statements.
     */
    public Result execute(String sql, List<Object> parameters, Visibility visibility) {
        return withStatement(sql, visibility, ps -> {
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    List<ColumnMetadata> columns = columns(rs.getMetaData());
                    List<List<Object>> rows = new ArrayList<>();
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>(columns.size());
                        for (int i = 1; i <= columns.size(); i++) {
                            row.add(columns.get(i - 1).jdbcType() == JDBCType.TIMESTAMP
                                    ? Optional.ofNullable(rs.getTimestamp(i, UTC))
                                            .map(t -> LocalDateTime.ofInstant(t.toInstant(), ZoneOffset.UTC)).orElse(null)
                                    : rs.getObject(i));
                        }
                        rows.add(row);
                    }
                    return new Result(columns, rows);
                }
        });
    }

    private interface StatementWork<T> {
        T run(PreparedStatement ps) throws SQLException;
    }

    private <T> T withStatement(String sql, Visibility visibility, StatementWork<T> work) {
        Properties props = new Properties();
        props.setProperty("caseSensitive", "false");
        props.setProperty("unquotedCasing", "UNCHANGED");
        props.setProperty("quotedCasing", "UNCHANGED");
        props.setProperty("timeZone", "UTC");
        try (Connection c = DriverManager.getConnection("jdbc:calcite:", props)) {
            c.unwrap(CalciteConnection.class).getRootSchema().add(SystemTables.SCHEMA, new Schema(tables(visibility)));
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                return work.run(ps);
            }
        } catch (SQLException e) {
            String message = e.getMessage() == null ? "invalid query" : e.getMessage();
            int nl = message.indexOf('\n');
            throw new AsofException(ErrorCode.INVALID_QUERY, "system table query: "
                    + (nl > 0 ? message.substring(0, nl) : message));
        }
    }

    private static List<ColumnMetadata> columns(java.sql.ResultSetMetaData md) throws SQLException {
        List<ColumnMetadata> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(ColumnMetadata.of(md.getColumnLabel(i), JDBCType.valueOf(md.getColumnType(i))));
        }
        return columns;
    }

    private Map<String, Table> tables(Visibility visibility) {
        Predicate<String> readable = visibility.objects();
        MaterializationLog log = registry.materializations();
        List<MaterializationLog.Run> runs = log.allRuns();
        Map<String, Table> tables = new HashMap<>();
        List<Object[]> runRows = new ArrayList<>();
        for (MaterializationLog.Run r : runs) {
            if (!readable.test(r.viewName())) {
                continue;
            }
            runRows.add(new Object[] {r.viewName(), r.runId(), r.status().name(), millis(r.changesAfter()),
                    millis(Optional.of(r.asOf())), r.rowsDone(), r.rowsTotal().orElse(null), millis(Optional.of(r.startedAt())),
                    millis(r.finishedAt()), r.finishedAt().map(f -> Duration.between(r.startedAt(), f).toMillis()).orElse(null),
                    r.error().orElse(null)});
        }
        tables.put(SystemTables.MATERIALIZATIONS, new RowsTable(SystemTables.MATERIALIZATIONS, runRows));

        List<Object[]> viewRows = new ArrayList<>();
        for (CatalogObject o : registry.objects()) {
            if (!(o instanceof FeatureView v) || !v.online() || !readable.test(v.name())) {
                continue;
            }
            long id = registry.objectId(v.name()).orElse(-1L);
            MaterializationLog.Run served = null;
            MaterializationLog.Run latest = null;
            for (MaterializationLog.Run r : runs) { // newest first
                if (r.viewId() != id) {
                    continue;
                }
                latest = latest == null ? r : latest;
                if (served == null && r.status() == MaterializationLog.Status.COMPLETE) {
                    served = r;
                }
            }
            MaterializationLog.Run s = served;
            MaterializationLog.Run l = latest;
            Optional<PushStatus> push = pushStatus.apply(v.name());
            Optional<Instant> applied = push.flatMap(PushStatus::appliedThrough);
            viewRows.add(new Object[] {v.name(), storeName,
                    s == null ? null : s.runId(),
                    s == null ? null : millis(Optional.of(s.asOf())),
                    s == null ? null : s.finishedAt().map(f -> Duration.between(s.startedAt(), f).toMillis()).orElse(null),
                    l == null ? null : l.runId(),
                    l == null ? null : l.status().name(),
                    l == null ? null : l.rowsDone(),
                    l == null ? null : l.rowsTotal().orElse(null),
                    push.map(PushStatus::state).orElse(null),
                    millis(applied),
                    applied.map(a -> Math.max(0, Duration.between(a, clock.instant()).toMillis())).orElse(null),
                    push.map(PushStatus::queuedRows).orElse(null)});
        }
        tables.put(SystemTables.ONLINE_VIEWS, new RowsTable(SystemTables.ONLINE_VIEWS, viewRows));

        List<Object[]> keyRows = new ArrayList<>();
        for (KeyRow k : RegistryKeys.of(registry.objects().stream().filter(o -> readable.test(o.name())).toList())) {
            keyRows.add(new Object[] {k.catalog(), k.schema(), k.table(), k.column(), (short) k.sequence(), k.keyName()});
        }
        tables.put(SystemTables.PRIMARY_KEYS, new RowsTable(SystemTables.PRIMARY_KEYS, keyRows));

        List<Object[]> functionRows = new ArrayList<>();
        for (String f : AccessAnalyzer.callableFunctions()) {
            functionRows.add(new Object[] {null, null, f, null, (short) DatabaseMetaData.functionResultUnknown, f});
        }
        tables.put(SystemTables.FUNCTIONS, new RowsTable(SystemTables.FUNCTIONS, functionRows));

        Instant now = Instant.now();
        List<Object[]> statementRows = new ArrayList<>();
        for (RunningStatements.Running r : running.list()) {
            if (!visibility.statementsOf().test(r.owner().user())) {
                continue;
            }
            statementRows.add(new Object[] {r.id(), r.owner().owner(), r.owner().user(), r.owner().protocol(), r.route(),
                    r.sql(), r.started().toEpochMilli(), r.elapsed(now).toMillis()});
        }
        tables.put(SystemTables.STATEMENTS, new RowsTable(SystemTables.STATEMENTS, statementRows));
        return tables;
    }

    /** Calcite's internal form of a TIMESTAMP: milliseconds since the epoch (UTC). */
    private static Long millis(Optional<Instant> instant) {
        return instant.map(Instant::toEpochMilli).orElse(null);
    }

    private static final class Schema extends AbstractSchema {
        private final Map<String, Table> tables;

        Schema(Map<String, Table> tables) {
            this.tables = tables;
        }

        @Override
        protected Map<String, Table> getTableMap() {
            return tables;
        }
    }

    /** A system table's rows, typed by {@link SystemTables#columns}. */
    private static final class RowsTable extends AbstractTable implements ScannableTable {
        private final String name;
        private final List<Object[]> rows;

        RowsTable(String name, List<Object[]> rows) {
            this.name = name;
            this.rows = rows;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory typeFactory) {
            RelDataTypeFactory.Builder builder = typeFactory.builder();
            for (ColumnMetadata c : SystemTables.columns(name).orElseThrow()) {
                SqlTypeName type = switch (c.jdbcType()) {
                    case BIGINT -> SqlTypeName.BIGINT;
                    case SMALLINT -> SqlTypeName.SMALLINT;
                    case TIMESTAMP -> SqlTypeName.TIMESTAMP;
                    default -> SqlTypeName.VARCHAR;
                };
                builder.add(c.name(), typeFactory.createTypeWithNullability(typeFactory.createSqlType(type), true));
            }
            return builder.build();
        }

        @Override
        public Enumerable<Object[]> scan(DataContext root) {
            return Linq4j.asEnumerable(rows);
        }
    }
}
