package dev.asof.planner;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.ddl.DefinitionPlanner;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.AsofParser;
import dev.asof.planner.parser.SqlCreateEntity;
import dev.asof.planner.parser.SqlCreateFeatureView;
import dev.asof.planner.parser.SqlCreateSource;
import dev.asof.planner.parser.SqlDropObject;
import dev.asof.planner.parser.SqlExplainQuery;
import dev.asof.planner.parser.SqlMaterialize;
import dev.asof.planner.parser.SqlShowObjects;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.EngineDialect;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * Entry point of the planner: statement text in, {@link PlannedStatement} out.
 *
 * <p>asof parses every statement that is its own (its DDL, SHOW, DESCRIBE, EXPLAIN, MATERIALIZE)
 * and every query, so that one query text means the same on every engine and syntax errors have
 * one format. A query that names no registry object and has no AS OF is the user's own warehouse
 * SQL: its names are checked, then it is sent as written; so is any statement that is not a query
 * nor asof's (CREATE TABLE, INSERT, …). Everything else is rewritten on the tree and unparsed in
 * the engine's dialect.
 */
public final class Planner {
    private static final Pattern FIRST_WORDS = Pattern.compile(
            "^(?:\\s|--[^\\n]*\\n|/\\*.*?\\*/|\\()*([A-Za-z]+)(?:\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?([A-Za-z]+))?",
            Pattern.DOTALL);

    private final Catalog catalog;
    private final EngineDialect dialect;

    public Planner(Catalog catalog, EngineDialect dialect) {
        this.catalog = catalog;
        this.dialect = dialect;
    }

    public PlannedStatement plan(String sql) {
        Kind kind = classify(sql);
        if (kind == Kind.WAREHOUSE) {
            return new PlannedStatement.PassThrough(sql, false, countMarkers(sql));
        }
        return plan(AsofParser.parse(sql), sql);
    }

    private PlannedStatement plan(SqlNode node, String sql) {
        DefinitionPlanner definitions = new DefinitionPlanner(catalog, dialect);
        if (node instanceof SqlCreateEntity n) {
            return definitions.entity(n);
        }
        if (node instanceof SqlCreateSource n) {
            return definitions.source(n);
        }
        if (node instanceof SqlCreateFeatureView n) {
            return definitions.featureView(n);
        }
        if (node instanceof SqlDropObject n) {
            return new PlannedStatement.Drop(n.kind(), n.name().getSimple(), n.ifExists());
        }
        if (node instanceof SqlShowObjects n) {
            return new PlannedStatement.Show(n.kind());
        }
        if (node instanceof SqlDescribeTable n) {
            return new PlannedStatement.Describe(n.getTable().names);
        }
        if (node instanceof SqlExplainQuery n) {
            return new PlannedStatement.Explain(planQuery(n.query(), null));
        }
        if (node instanceof SqlMaterialize) {
            throw new AsofException(ErrorCode.NOT_SUPPORTED,
                    "MATERIALIZE needs the online store, which this gateway does not have yet");
        }
        if (node.getKind().belongsTo(SqlKind.QUERY)) {
            return planQuery(node, sql);
        }
        // DML and anything else Calcite parses: the user's own statement for the warehouse.
        return new PlannedStatement.PassThrough(sql, false, QueryPlanner.parameterCount(node));
    }

    /** A query: rewritten when it uses registry objects, else the user's text as written. */
    private PlannedStatement planQuery(SqlNode query, String originalText) {
        QueryPlanner planner = new QueryPlanner(catalog, dialect);
        if (!planner.usesRegistry(query) && !QueryPlanner.usesAsOf(query)) {
            planner.checkNames(query);
            String text = originalText != null ? originalText : query.toSqlString(c -> c.withDialect(dialect.sqlDialect())
                    .withQuoteAllIdentifiers(true)).getSql();
            return new PlannedStatement.PassThrough(text, true, QueryPlanner.parameterCount(query));
        }
        return new PlannedStatement.Query(planner.plan(query));
    }

    private enum Kind { ASOF, QUERY, WAREHOUSE }

    private static Kind classify(String sql) {
        Matcher m = FIRST_WORDS.matcher(sql);
        if (!m.find()) {
            return Kind.ASOF; // let the parser report what is wrong
        }
        String first = m.group(1).toUpperCase(Locale.ROOT);
        String second = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
        return switch (first) {
            case "SELECT", "WITH", "VALUES", "TABLE" -> Kind.QUERY;
            case "EXPLAIN", "DESCRIBE", "MATERIALIZE" -> Kind.ASOF;
            case "SHOW" -> second.equals("ENTITIES") || second.equals("SOURCES") || second.equals("FEATURE")
                    ? Kind.ASOF : Kind.WAREHOUSE;
            case "CREATE", "DROP" -> second.equals("ENTITY") || second.equals("SOURCE") || second.equals("FEATURE")
                    ? Kind.ASOF : Kind.WAREHOUSE;
            // The warehouse's own statements; any other first word is a typo asof reports itself.
            case "INSERT", "UPDATE", "DELETE", "MERGE", "ALTER", "TRUNCATE", "COPY", "SET", "RESET", "USE",
                    "ATTACH", "DETACH", "INSTALL", "LOAD", "PRAGMA", "CALL", "GRANT", "REVOKE", "COMMENT",
                    "ANALYZE", "VACUUM", "CHECKPOINT", "EXPORT", "IMPORT", "BEGIN", "COMMIT", "ROLLBACK",
                    "START", "PREPARE", "EXECUTE", "DEALLOCATE", "SUMMARIZE", "FROM", "PIVOT", "UNPIVOT" -> Kind.WAREHOUSE;
            default -> Kind.ASOF;
        };
    }

    /** Counts {@code ?} outside quotes, for statements asof does not parse. */
    static int countMarkers(String sql) {
        int count = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '?') {
                count++;
            }
        }
        return count;
    }
}
