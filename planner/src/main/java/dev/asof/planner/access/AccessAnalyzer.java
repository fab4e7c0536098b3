package dev.asof.planner.access;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.validate.QueryValidator;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Works out {@link Access} on a parsed query, before validation: the tables named in FROM clauses
 * (resolved as the validator resolves them: the session's schemas, then the default schema) and
 * every function call.
 *
 * <p>Functions are checked against an allow-list: the names the planner's validator knows
 * ({@link QueryValidator#knownFunctionNames()}: standard SQL and the PostgreSQL, BigQuery and
 * Spark libraries Calcite implements). Anything else, e.g. DuckDB's {@code read_csv},
 * {@code getenv} or {@code current_setting}, or a qualified function such as Trino's
 * {@code system.…}, is "outside": the warehouse would run it with the gateway's own rights. Table
 * functions ({@code TABLE(f(…))}) are outside whatever their name. A few engine functions are
 * refused by name as well, in case a future Calcite library adds a function of the same name.
 */
public final class AccessAnalyzer {
    /** Engine functions that reach files, the network, settings or other databases. */
    private static final Set<String> DENIED = Set.of("glob", "getenv", "current_setting", "query", "query_table",
            "iceberg_scan", "iceberg_metadata", "delta_scan", "parquet_scan", "parquet_metadata", "parquet_schema",
            "sniff_csv", "postgres_scan", "sqlite_scan", "mysql_scan", "load", "install", "attach", "detach",
            "set_variable", "getvariable", "copy", "export");
    private static final List<String> DENIED_PREFIXES = List.of("read_", "duckdb_", "pg_", "scan_");

    private final Catalog catalog;

    public AccessAnalyzer(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog");
    }

    /** What {@code query} (a parsed query, not yet validated) reads. */
    public Access analyze(SqlNode query) {
        Collector collector = new Collector();
        query.accept(collector);
        Set<String> objects = new LinkedHashSet<>();
        Set<TableName> tables = new LinkedHashSet<>();
        for (SqlIdentifier id : collector.tableReferences) {
            if (id.isStar()) {
                continue;
            }
            List<String> names = id.names;
            if (names.size() == 1) {
                Optional<CatalogObject> object = catalog.object(names.get(0));
                if (object.isPresent()) {
                    objects.add(object.get().name());
                    continue;
                }
            }
            Optional<TableName> table = resolve(names);
            if (table.isPresent()) {
                tables.add(table.get());
            } else if (names.stream().anyMatch(AccessAnalyzer::looksLikePath)) {
                // DuckDB reads a file for an unknown table name such as "data.csv" or "/etc/x"
                // (a replacement scan), whatever WITH names the statement defines.
                collector.outside("a file path as a table name");
            } else if (!(names.size() == 1 && collector.withNames.contains(key(names.get(0))))) {
                // Unknown (and not a WITH query's name): kept as written, so it matches no grant
                // (the validator reports it as not found).
                tables.add(asWritten(names));
            }
        }
        return new Access(true, objects, tables, collector.outside);
    }

    /** The warehouse table {@code names} resolves to, searching as the validator does. */
    private Optional<TableName> resolve(List<String> names) {
        if (names.size() > 3) {
            return Optional.empty();
        }
        List<List<String>> paths = new ArrayList<>();
        for (SchemaName s : catalog.sessionSchemas()) {
            paths.add(s.parts());
        }
        List<String> defaultSchema = catalog.defaultSchema();
        for (int i = defaultSchema.size(); i >= 0; i--) {
            paths.add(defaultSchema.subList(0, i));
        }
        for (List<String> path : paths) {
            if (path.size() + names.size() != 3) {
                continue;
            }
            List<String> full = new ArrayList<>(path);
            full.addAll(names);
            for (TableName t : catalog.warehouseTables()) {
                if (sameName(t.parts(), full)) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }

    /** A name that resolves to no table, as a table name no grant can match. */
    private static TableName asWritten(List<String> names) {
        try {
            return TableName.of(names);
        } catch (IllegalArgumentException e) {
            // More than three parts, or a blank one: not a table name at all.
            return TableName.of(List.of("(not a table: " + String.join(".", names) + ")"));
        }
    }

    private static boolean looksLikePath(String name) {
        return name.indexOf('.') >= 0 || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf(':') >= 0
                || name.indexOf('~') >= 0;
    }

    private static boolean sameName(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equalsIgnoreCase(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * The functions a user who is not an admin may call, sorted: what JDBC's
     * {@code DatabaseMetaData.getFunctions} lists ({@code sys.functions}).
     */
    public static java.util.SortedSet<String> callableFunctions() {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        QueryValidator.knownFunctionNames().stream().filter(AccessAnalyzer::allowedFunction).forEach(names::add);
        return names;
    }

    /** Whether a function name may be sent to the warehouse for a user who is not an admin. */
    static boolean allowedFunction(String name) {
        String lower = key(name);
        if (DENIED.contains(lower) || DENIED_PREFIXES.stream().anyMatch(lower::startsWith)) {
            return false;
        }
        return QueryValidator.knownFunctionNames().contains(name.toUpperCase(Locale.ROOT));
    }

    /** Collects FROM-clause table references, WITH names and what reaches outside. */
    private static final class Collector extends SqlBasicVisitor<Void> {
        final List<SqlIdentifier> tableReferences = new ArrayList<>();
        final Set<String> withNames = new HashSet<>();
        final List<String> outside = new ArrayList<>();

        @Override
        public Void visit(SqlCall call) {
            if (call instanceof SqlSelect select && select.getFrom() != null) {
                from(select.getFrom());
            } else if (call instanceof SqlWith with) {
                for (SqlNode item : with.withList) {
                    withNames.add(key(((SqlWithItem) item).name.getSimple()));
                }
            } else if (call.getKind() == SqlKind.COLLECTION_TABLE) {
                outside("table function " + functionName(call));
            } else if (call.getKind() == SqlKind.EXPLICIT_TABLE && call.operand(0) instanceof SqlIdentifier id) {
                tableReferences.add(id); // TABLE t
            } else if (call.getOperator() instanceof SqlUnresolvedFunction f) {
                SqlIdentifier name = f.getSqlIdentifier();
                if (name != null && name.names.size() > 1) {
                    outside("function " + name);
                } else if (!allowedFunction(f.getName())) {
                    outside("function " + f.getName().toLowerCase(Locale.ROOT));
                }
            } else if (call.getOperator() instanceof SqlFunction f && !f.getName().isEmpty()
                    && (DENIED.contains(key(f.getName())) || DENIED_PREFIXES.stream().anyMatch(key(f.getName())::startsWith))) {
                outside("function " + f.getName().toLowerCase(Locale.ROOT));
            }
            return super.visit(call);
        }

        void outside(String what) {
            if (!outside.contains(what)) {
                outside.add(what);
            }
        }

        /** A FROM item: a table name, a join, an alias, AS OF, TABLESAMPLE, a subquery. */
        private void from(SqlNode node) {
            if (node instanceof SqlIdentifier id) {
                tableReferences.add(id);
            } else if (node instanceof SqlJoin join) {
                from(join.getLeft());
                from(join.getRight());
            } else if (node instanceof SqlSnapshot snapshot) {
                from(snapshot.getTableRef());
            } else if (node instanceof SqlBasicCall call && (call.getKind() == SqlKind.AS
                    || call.getKind() == SqlKind.TABLESAMPLE || call.getKind() == SqlKind.LATERAL)
                    && !call.getOperandList().isEmpty()) {
                from(call.operand(0));
            } else if (node instanceof SqlNodeList list) {
                list.forEach(n -> {
                    if (n != null) {
                        from(n);
                    }
                });
            }
            // Subqueries, VALUES and UNNEST are visited as part of the tree; table functions are
            // reported when the visitor reaches them.
        }

        private static String functionName(SqlCall call) {
            SqlNode operand = call.getOperandList().isEmpty() ? null : call.operand(0);
            if (operand instanceof SqlCall inner) {
                return inner.getOperator().getName().toLowerCase(Locale.ROOT);
            }
            return String.valueOf(operand);
        }
    }
}
