package dev.asof.planner.system;

import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * asof's own tables, in schema {@value #SCHEMA}: the gateway answers queries over them itself
 * (they cannot be joined with warehouse tables). Times are TIMESTAMP in UTC.
 */
public final class SystemTables {
    public static final String SCHEMA = "sys";

    /** One row per MATERIALIZE run, newest first. */
    public static final String MATERIALIZATIONS = "materializations";

    /** One row per ONLINE feature view: what lookups serve now, and the latest run. */
    public static final String ONLINE_VIEWS = "online_views";

    /**
     * One row per primary key column of an entity or feature view (the entity's keys), with the
     * columns of JDBC's {@code DatabaseMetaData.getPrimaryKeys}; the asof JDBC driver answers
     * {@code getPrimaryKeys} from it.
     */
    public static final String PRIMARY_KEYS = "primary_keys";

    /**
     * One row per statement running in the gateway now, on every protocol (a streaming result
     * counts until it is closed); {@code KILL 'statement_id'} cancels one.
     */
    public static final String STATEMENTS = "statements";

    /**
     * One row per function a query may call, with the columns of JDBC's
     * {@code DatabaseMetaData.getFunctions}; the asof JDBC driver answers {@code getFunctions} from it.
     */
    public static final String FUNCTIONS = "functions";

    private static final Map<String, List<ColumnMetadata>> TABLES = Map.of(
            FUNCTIONS, List.of(
                    ColumnMetadata.of("function_cat", JDBCType.VARCHAR),
                    ColumnMetadata.of("function_schem", JDBCType.VARCHAR),
                    ColumnMetadata.of("function_name", JDBCType.VARCHAR),
                    ColumnMetadata.of("remarks", JDBCType.VARCHAR),
                    ColumnMetadata.of("function_type", JDBCType.SMALLINT),
                    ColumnMetadata.of("specific_name", JDBCType.VARCHAR)),
            STATEMENTS, List.of(
                    ColumnMetadata.of("statement_id", JDBCType.VARCHAR),
                    ColumnMetadata.of("owner", JDBCType.VARCHAR),
                    ColumnMetadata.of("user_name", JDBCType.VARCHAR),
                    ColumnMetadata.of("protocol", JDBCType.VARCHAR),
                    ColumnMetadata.of("route", JDBCType.VARCHAR),
                    ColumnMetadata.of("sql_text", JDBCType.VARCHAR),
                    ColumnMetadata.of("started_at", JDBCType.TIMESTAMP),
                    ColumnMetadata.of("elapsed_ms", JDBCType.BIGINT)),
            MATERIALIZATIONS, List.of(
                    ColumnMetadata.of("view_name", JDBCType.VARCHAR),
                    ColumnMetadata.of("run_id", JDBCType.BIGINT),
                    ColumnMetadata.of("status", JDBCType.VARCHAR),
                    ColumnMetadata.of("changes_after", JDBCType.TIMESTAMP),
                    ColumnMetadata.of("as_of", JDBCType.TIMESTAMP),
                    ColumnMetadata.of("rows_done", JDBCType.BIGINT),
                    ColumnMetadata.of("rows_total", JDBCType.BIGINT),
                    ColumnMetadata.of("started_at", JDBCType.TIMESTAMP),
                    ColumnMetadata.of("finished_at", JDBCType.TIMESTAMP),
                    ColumnMetadata.of("duration_ms", JDBCType.BIGINT),
                    ColumnMetadata.of("error", JDBCType.VARCHAR)),
            ONLINE_VIEWS, List.of(
                    ColumnMetadata.of("view_name", JDBCType.VARCHAR),
                    ColumnMetadata.of("store", JDBCType.VARCHAR),
                    ColumnMetadata.of("served_run_id", JDBCType.BIGINT),
                    ColumnMetadata.of("watermark", JDBCType.TIMESTAMP),
                    ColumnMetadata.of("last_duration_ms", JDBCType.BIGINT),
                    ColumnMetadata.of("latest_run_id", JDBCType.BIGINT),
                    ColumnMetadata.of("latest_status", JDBCType.VARCHAR),
                    ColumnMetadata.of("latest_rows_done", JDBCType.BIGINT),
                    ColumnMetadata.of("latest_rows_total", JDBCType.BIGINT),
                    // Views over push sources (NULL for the others): see the README's "Pushed rows online".
                    ColumnMetadata.of("push_state", JDBCType.VARCHAR),
                    ColumnMetadata.of("push_applied_through", JDBCType.TIMESTAMP),
                    ColumnMetadata.of("push_lag_ms", JDBCType.BIGINT),
                    ColumnMetadata.of("push_queued_rows", JDBCType.BIGINT)),
            PRIMARY_KEYS, List.of(
                    ColumnMetadata.of("table_cat", JDBCType.VARCHAR),
                    ColumnMetadata.of("table_schem", JDBCType.VARCHAR),
                    ColumnMetadata.of("table_name", JDBCType.VARCHAR),
                    ColumnMetadata.of("column_name", JDBCType.VARCHAR),
                    ColumnMetadata.of("key_seq", JDBCType.SMALLINT),
                    ColumnMetadata.of("pk_name", JDBCType.VARCHAR)));

    private SystemTables() {}

    /** Columns of a system table, by name ignoring case. */
    public static Optional<List<ColumnMetadata>> columns(String table) {
        return Optional.ofNullable(TABLES.get(table.toLowerCase(Locale.ROOT)));
    }

    public static List<String> names() {
        return TABLES.keySet().stream().sorted().toList();
    }

    /** True when the statement names a table of schema {@value #SCHEMA}. */
    public static boolean referenced(SqlNode statement) {
        boolean[] found = {false};
        statement.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                if (id.names.size() == 2 && id.names.get(0).equalsIgnoreCase(SCHEMA)
                        && TABLES.containsKey(id.names.get(1).toLowerCase(Locale.ROOT))) {
                    found[0] = true;
                }
                return null;
            }
        });
        return found[0];
    }
}
