package dev.asof.planner;

import dev.asof.planner.access.Access;
import dev.asof.planner.access.AccessAnalyzer;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.ddl.DefinitionPlanner;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.catalog.RegistryNamespace;
import dev.asof.planner.parser.AsofParser;
import dev.asof.planner.validate.QualifiedRegistryNames;
import dev.asof.planner.parser.AsofParserSupport;
import dev.asof.planner.parser.SqlCreateEntity;
import dev.asof.planner.parser.SqlCreateFeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.parser.SqlCreateSource;
import dev.asof.planner.push.PushInsertPlanner;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import dev.asof.planner.parser.SqlAlterUser;
import dev.asof.planner.parser.SqlCreateRole;
import dev.asof.planner.parser.SqlCreateUser;
import dev.asof.planner.parser.SqlDropRole;
import dev.asof.planner.parser.SqlGrant;
import dev.asof.planner.parser.SqlShowGrants;
import dev.asof.planner.parser.SqlDropUser;
import dev.asof.planner.parser.SqlShowUsers;
import dev.asof.planner.parser.SqlDropObject;
import dev.asof.planner.parser.SqlExplainQuery;
import dev.asof.planner.parser.SqlMaterialize;
import dev.asof.planner.parser.SqlShowObjects;
import dev.asof.planner.parser.SqlAlterFeatureView;
import dev.asof.planner.parser.SqlCheckFeatureView;
import dev.asof.planner.quality.QualityPlanner;
import dev.asof.planner.parser.StatementText;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.request.RequestViewExpander;
import dev.asof.planner.online.LookupPlanner;
import dev.asof.planner.online.expression.LookupExpressionCompiler;
import dev.asof.planner.plan.LookupPlan;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.system.SystemTables;
import dev.asof.planner.validate.NameSuggestions;
import dev.asof.planner.validate.QueryValidator;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.util.TimestampString;

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
    /** Words that may come between CREATE or DROP and the kind of object. */
    private static final Set<String> MODIFIERS = Set.of("OR", "REPLACE", "TEMP", "TEMPORARY", "IF", "NOT", "EXISTS");

    private final Catalog catalog;
    private final EngineDialect dialect;

    public Planner(Catalog catalog, EngineDialect dialect) {
        this.catalog = catalog;
        this.dialect = dialect;
    }

    /**
     * Plans one statement.
     *
     * @param sql the statement as the client sent it; {@code null} (how Avatica delivers an empty
     *     string) is an empty statement
     * @throws AsofException for every problem with the statement: {@link ErrorCode#SYNTAX_ERROR}
     *     when it is empty, does not parse or holds a second statement,
     *     {@link ErrorCode#STATEMENT_TOO_COMPLEX} past the limits of {@link StatementText} or when
     *     it nests too deeply to plan, and the codes of the checks that follow parsing
     */
    public PlannedStatement plan(String sql) {
        try {
            // Empty, too long, too deep or two statements: before any parser recurses, and for
            // the warehouse's own statements too, which go to it as written.
            String statement = StatementText.single(sql);
            if (classify(statement) == Kind.WAREHOUSE) {
                Optional<Source> push = pushTarget(statement);
                if (push.isPresent()) {
                    return new PushInsertPlanner(push.get()).plan(pushInsert(AsofParser.parse(sql)));
                }
                checkNoSessionState(statement);
                return new PlannedStatement.PassThrough(sql, false, countMarkers(sql));
            }
            return plan(AsofParser.parse(sql), sql);
        } catch (StackOverflowError e) {
            // Calcite's validator and asof's rewrites recurse once per level of the tree: long
            // chains of UNION, JOIN or AND/OR within the nesting limit can still run out of stack.
            throw StatementText.tooComplex(e);
        } catch (AsofException e) {
            // Last line of defence against messages that quote a huge part of the statement; short
            // ones stay as written (a stray apostrophe must not make them clip prose).
            String clipped = e.getMessage().length() <= 200 ? e.getMessage() : StatementText.clip(e.getMessage());
            throw clipped.equals(e.getMessage()) ? e : new AsofException(e.code(), clipped, e);
        }
    }

    /**
     * The push source an {@code INSERT INTO name ...} writes to, when {@code name} (unquoted) is
     * one; any other INSERT is the warehouse's.
     */
    private Optional<Source> pushTarget(String statement) {
        List<String> words = StatementText.firstWords(statement, 3);
        if (words.size() < 3 || !words.get(0).equals("INSERT") || !words.get(1).equals("INTO")) {
            return Optional.empty();
        }
        return catalog.object(words.get(2)).filter(Source.class::isInstance).map(Source.class::cast)
                .filter(s -> s.push().isPresent());
    }

    private static SqlInsert pushInsert(SqlNode node) {
        if (node instanceof SqlInsert insert && insert.getTargetTable() instanceof SqlIdentifier) {
            return insert;
        }
        throw new AsofException(ErrorCode.NOT_SUPPORTED, "a push source takes INSERT INTO source [(columns)]"
                + " VALUES (...), ... only");
    }

    private PlannedStatement plan(SqlNode node, String sql) {
        DefinitionPlanner definitions = new DefinitionPlanner(catalog, dialect);
        if (node instanceof SqlCreateEntity n) {
            return definitions.entity(n);
        }
        if (node instanceof SqlCreateSource n) {
            return definitions.source(n);
        }
        if (node instanceof SqlCreateFeatureView n && n.request() != null) {
            return definitions.requestView(n);
        }
        if (node instanceof SqlCreateFeatureView n) {
            checkIntervals(n);
            return QualityPlanner.withLogSample(definitions.featureView(n), n);
        }
        if (node instanceof SqlDropObject n) {
            return new PlannedStatement.Drop(n.kind(), n.name().getSimple(), n.ifExists());
        }
        if (node instanceof SqlShowObjects n) {
            return new PlannedStatement.Show(n.kind());
        }
        if (node instanceof dev.asof.planner.parser.SqlKill n) {
            return new PlannedStatement.Kill(n.statementId());
        }
        if (node instanceof SqlCreateUser || node instanceof SqlAlterUser || node instanceof SqlDropUser
                || node instanceof SqlShowUsers || node instanceof SqlCreateRole || node instanceof SqlDropRole
                || node instanceof SqlGrant || node instanceof SqlShowGrants) {
            return UserStatements.plan(node);
        }
        if (node instanceof SqlDescribeTable n) {
            List<String> names = n.getTable().names;
            return new PlannedStatement.Describe(RegistryNamespace.unqualified(names, catalog).orElse(names));
        }
        if (node instanceof SqlExplainQuery n) {
            SqlNode query = n.query();
            Access access = null;
            RequestViewExpander expander = new RequestViewExpander(catalog);
            if (query.getKind().belongsTo(SqlKind.QUERY)) {
                // Access on the query as written; request-time views expanded once, for both uses below.
                QualifiedRegistryNames.unqualify(query, catalog);
                access = new AccessAnalyzer(catalog).analyze(query);
                expander.expand(query);
            }
            // Before planQuery, which rewrites the tree in place; its errors are planQuery's to report.
            Optional<String> refusal;
            try {
                refusal = lookupDecision(query).warehouseReason();
            } catch (AsofException e) {
                refusal = Optional.empty();
            }
            return new PlannedStatement.Explain(planQuery(query, null, access), refusal, expander.explained());
        }
        if (node instanceof SqlMaterialize n) {
            return materialize(n);
        }
        if (node instanceof SqlAlterFeatureView || node instanceof SqlCheckFeatureView) {
            return new PlannedStatement.FeatureQuality(new QualityPlanner(catalog).plan(node));
        }
        if (node instanceof dev.asof.planner.parser.SqlAlterSourceRefresh n) {
            return new PlannedStatement.AlterSourceRefresh(n.name().getSimple());
        }
        if (node.getKind().belongsTo(SqlKind.QUERY)) {
            return planQuery(node, sql);
        }
        // DML and anything else Calcite parses: the user's own statement for the warehouse.
        return new PlannedStatement.PassThrough(sql, false, QueryPlanner.parameterCount(node));
    }

    /** A query: rewritten when it uses registry objects, else the user's text as written. */
    private PlannedStatement planQuery(SqlNode query, String originalText) {
        return planQuery(query, originalText, null);
    }

    /** @param known the query's access when worked out before its request-time views were expanded, else null */
    private PlannedStatement planQuery(SqlNode query, String originalText, Access known) {
        QualifiedRegistryNames.unqualify(query, catalog); // registry.features.x, as BI tools write it, is x
        if (SystemTables.referenced(query)) {
            String text = originalText != null ? originalText : query.toString();
            return new PlannedStatement.SystemQuery(text, QueryPlanner.parameterCount(query));
        }
        QueryPlanner planner = new QueryPlanner(catalog, dialect);
        // On the tree as parsed: validation and the rewrites change it in place. A request-time
        // view is read with SELECT on it alone, as an SQL view: access is what the user wrote.
        Access access = known != null ? known : new AccessAnalyzer(catalog).analyze(query);
        new RequestViewExpander(catalog).expand(query);
        if (!planner.usesRegistry(query) && !QueryPlanner.usesAsOf(query)) {
            planner.checkNames(query);
            String text = originalText != null ? originalText : query.toSqlString(c -> c.withDialect(dialect.sqlDialect())
                    .withQuoteAllIdentifiers(true)).getSql();
            return new PlannedStatement.PassThrough(text, true, QueryPlanner.parameterCount(query), access);
        }
        checkIntervals(query); // asof writes them into the warehouse SQL: a bad one is asof's error
        if (!QueryPlanner.usesAsOf(query)) {
            Optional<LookupPlan> lookup = lookupDecision(query).plan();
            if (lookup.isPresent()) {
                return new PlannedStatement.Lookup(lookup.get(), planner.plan(query), access);
            }
        }
        return new PlannedStatement.Query(planner.plan(query), access);
    }

    /** The online route of a query without AS OF (planned on a copy: validation changes the tree). */
    private LookupPlanner.Decision lookupDecision(SqlNode query) {
        if (!query.getKind().belongsTo(SqlKind.QUERY) || SystemTables.referenced(query) || QueryPlanner.usesAsOf(query)
                || !new QueryPlanner(catalog, dialect).usesRegistry(query)) {
            return new LookupPlanner.Decision(Optional.empty(), Optional.empty());
        }
        QueryValidator validator = new QueryValidator(catalog);
        return new LookupPlanner(catalog, Optional.of(new LookupExpressionCompiler(validator, dialect.name())))
                .decide(validator.validate(query.clone(query.getParserPosition())));
    }

    private PlannedStatement materialize(SqlMaterialize n) {
        String name = n.name().getSimple();
        CatalogObject object = catalog.object(name).orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT,
                Nodes.position(n.name()) + "feature view '" + name + "' not found" + NameSuggestions.hint(name,
                        catalog.visibleObjects().stream().filter(FeatureView.class::isInstance).map(CatalogObject::name).toList())));
        if (object instanceof RequestView r) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(n.name()) + "'" + r.name()
                    + "' is a request-time view, which stores nothing: its lookups read feature view '" + r.view()
                    + "', MATERIALIZE that one");
        }
        if (!(object instanceof FeatureView view)) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(n.name()) + "'" + object.name()
                    + "' is " + article(object.tableType()) + ", not a feature view; only feature views are materialized");
        }
        if (!view.online()) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(n.name()) + "feature view '" + view.name()
                    + "' is not ONLINE; define it with ONLINE at the end of CREATE FEATURE VIEW to serve it online");
        }
        Optional<Instant> from = Optional.ofNullable(n.from()).map(b -> instant(b, "MATERIALIZE bounds"));
        Optional<Instant> to = Optional.ofNullable(n.to()).map(b -> instant(b, "MATERIALIZE bounds"));
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(n.from())
                    + "MATERIALIZE FROM " + from.get() + " is after TO " + to.get());
        }
        return new PlannedStatement.Materialize(view.name(), from, to);
    }

    /**
     * Checks every interval literal of a statement asof plans itself: Calcite's validator accepts
     * {@code INTERVAL '1x' DAY} and the warehouse would be the first to complain, without position.
     */
    private static void checkIntervals(SqlNode node) {
        node.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlLiteral literal) {
                if (literal instanceof SqlIntervalLiteral interval) {
                    AsofParserSupport.checkInterval(interval);
                }
                return null;
            }
        });
    }

    private static String article(String kind) {
        return (kind.startsWith("E") ? "an " : "a ") + kind.toLowerCase(Locale.ROOT);
    }

    /**
     * A time written in an asof statement (a MATERIALIZE bound, the times of VALIDATE and ANALYZE):
     * a TIMESTAMP literal (UTC) or a string with an explicit offset. A malformed one is
     * {@link ErrorCode#INVALID_DATETIME} at its position.
     *
     * @param what how messages name such times, e.g. {@code MATERIALIZE bounds}
     */
    public static Instant instant(SqlNode node, String what) {
        if (node instanceof SqlUnknownLiteral unknown && unknown.tag.equalsIgnoreCase("TIMESTAMP")) {
            // The parser leaves typed literals unresolved until validation.
            try {
                node = unknown.resolve(SqlTypeName.TIMESTAMP);
            } catch (RuntimeException e) {
                throw AsofParserSupport.datetimeError(node.getParserPosition(), "invalid TIMESTAMP literal '"
                        + unknown.getValue() + "'; expected 'yyyy-MM-dd HH:mm:ss[.fff]'");
            }
        }
        if (node instanceof SqlLiteral literal && literal.getTypeName() == SqlTypeName.TIMESTAMP) {
            String text = literal.getValueAs(TimestampString.class).toString();
            try {
                return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                throw AsofParserSupport.datetimeError(node.getParserPosition(), "invalid TIMESTAMP literal '"
                        + text + "'");
            }
        }
        if (node instanceof SqlCharStringLiteral s) {
            String text = s.getValueAs(String.class);
            try {
                return OffsetDateTime.parse(text.trim().replace(' ', 'T')).toInstant();
            } catch (DateTimeException e) {
                throw AsofParserSupport.datetimeError(node.getParserPosition(), "invalid timestamp '" + text
                        + "'; " + what + " are TIMESTAMP literals (UTC), e.g. TIMESTAMP '2025-03-01 00:00:00', "
                        + "or strings with an offset, e.g. '2025-03-01T00:00:00+01:00'");
            }
        }
        throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(node)
                + what + " are TIMESTAMP literals (UTC), e.g. TIMESTAMP '2025-03-01 00:00:00', "
                + "or strings with an offset, e.g. '2025-03-01T00:00:00+01:00'");
    }

    private enum Kind { ASOF, QUERY, WAREHOUSE }

    /**
     * Whose statement this is, from its first words. Statements that start like asof's own are
     * asof's, so a syntax error in them is asof's error with a position, never the warehouse's.
     */
    private static Kind classify(String sql) {
        List<String> words = StatementText.firstWords(sql, 6);
        if (words.isEmpty()) {
            return Kind.ASOF; // let the parser report what is wrong
        }
        String first = words.get(0);
        String second = words.size() > 1 ? words.get(1) : "";
        return switch (first) {
            case "SELECT", "WITH", "VALUES", "TABLE" -> Kind.QUERY;
            case "EXPLAIN", "DESCRIBE", "MATERIALIZE" -> Kind.ASOF;
            case "SHOW" -> second.equals("ENTITIES") || second.equals("SOURCES") || second.equals("FEATURE")
                    || second.equals("USERS") || second.equals("GRANTS") ? Kind.ASOF : Kind.WAREHOUSE;
            // Grants live in the registry: the warehouse's own GRANT is not reachable through asof.
            case "GRANT", "REVOKE" -> Kind.ASOF;
            // ANALYZE FEATURE VIEW is asof's; the warehouse's own ANALYZE (statistics) passes through.
            case "ANALYZE" -> second.equals("FEATURE") ? Kind.ASOF : Kind.WAREHOUSE;
            case "CREATE", "DROP" -> {
                // CREATE OR REPLACE FEATURE VIEW, DROP /* c */ ENTITY, DROP USER IF EXISTS...: the object word decides.
                String object = words.stream().skip(1).filter(w -> !MODIFIERS.contains(w)).findFirst().orElse("");
                yield object.equals("ENTITY") || object.equals("SOURCE") || object.equals("FEATURE")
                        || object.equals("USER") || object.equals("ROLE") ? Kind.ASOF : Kind.WAREHOUSE;
            }
            // ALTER USER (users live in the registry) and ALTER SOURCE … REFRESH are asof's; any
            // other ALTER is the warehouse's.
            case "ALTER" -> second.equals("USER") || second.equals("SOURCE") || second.equals("FEATURE")
                    ? Kind.ASOF : Kind.WAREHOUSE;
            // The warehouse's own statements; any other first word is a typo asof reports itself.
            case "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY", "SET", "RESET", "USE",
                    "ATTACH", "DETACH", "INSTALL", "LOAD", "PRAGMA", "CALL", "COMMENT",
                    "VACUUM", "CHECKPOINT", "EXPORT", "IMPORT", "BEGIN", "COMMIT", "ROLLBACK",
                    "START", "PREPARE", "EXECUTE", "DEALLOCATE", "SUMMARIZE", "FROM", "PIVOT", "UNPIVOT" -> Kind.WAREHOUSE;
            default -> Kind.ASOF;
        };
    }

    /**
     * Statements that change the state of the one warehouse connection they run on: the gateway
     * pools those connections, so the state would follow that connection to other clients'
     * statements (a {@code USE} made every later query of another client fail) while this client's
     * next statement may run on another connection. Refused instead of passed through.
     */
    private static final Set<String> SESSION_STATE = Set.of("SET", "RESET", "USE", "PRAGMA", "BEGIN", "COMMIT",
            "ROLLBACK", "START", "PREPARE", "EXECUTE", "DEALLOCATE");

    /**
     * Whether {@code sql} is a statement that would change a pooled warehouse connection's settings
     * or transaction ({@code SET}, {@code PRAGMA}, {@code USE}, {@code BEGIN}, …), which
     * {@link #plan} refuses for everyone.
     */
    public static boolean changesSessionState(String sql) {
        List<String> words = StatementText.firstWords(sql == null ? "" : sql, 1);
        return !words.isEmpty() && SESSION_STATE.contains(words.get(0));
    }

    private static void checkNoSessionState(String sql) {
        List<String> words = StatementText.firstWords(sql, 1);
        if (!words.isEmpty() && SESSION_STATE.contains(words.get(0))) {
            throw new AsofException(ErrorCode.NOT_SUPPORTED, words.get(0) + " would change the settings or"
                    + " transaction of one pooled warehouse connection, which other clients' statements share:"
                    + " session state is not supported through the gateway. Qualify table names instead of USE;"
                    + " every statement commits on its own; engine settings are the gateway's configuration"
                    + " (asof.<warehouse>.* keys)");
        }
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
