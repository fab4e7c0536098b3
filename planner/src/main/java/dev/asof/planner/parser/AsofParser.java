package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.impl.AsofSqlParserImpl;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriterConfig;
import org.apache.calcite.sql.dialect.AnsiSqlDialect;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Parses one asof statement: standard SQL as Calcite's core parser accepts it, the short
 * {@code AS OF} table reference, and the asof DDL/utility statements (see {@code
 * parserImpls.ftl}).
 *
 * <p>Identifiers keep the case they were written in, quoted or not ({@link Casing#UNCHANGED});
 * name matching is case-insensitive later (as in DuckDB). Conformance is {@link
 * SqlConformanceEnum#LENIENT}: the most permissive conformance meant for Calcite's core parser
 * (LIMIT/OFFSET, {@code !=}, {@code %}, APPLY, GROUP BY alias/ordinal...). BABEL adds nothing the
 * core grammar can parse and is meant for the Babel parser.
 */
public final class AsofParser {
    /** Maximum number of expected tokens listed in a syntax error message. */
    static final int MAX_EXPECTED = 8;

    /** The parser configuration used for every statement. */
    public static final SqlParser.Config CONFIG = SqlParser.config()
        .withParserFactory(AsofSqlParserImpl.FACTORY)
        .withQuoting(Quoting.DOUBLE_QUOTE)
        .withUnquotedCasing(Casing.UNCHANGED)
        .withQuotedCasing(Casing.UNCHANGED)
        .withCaseSensitive(false)
        .withConformance(SqlConformanceEnum.LENIENT);

    /**
     * Expected tokens worth showing first, in this order; anything else expected follows in the
     * parser's order. Non-reserved keywords are left out when an identifier is expected anyway.
     */
    private static final List<String> PREFERRED = List.of(
        "FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET",
        "JOIN", "ON", "USING", "AS", "OF", "EXCLUSIVE", "SELECT", "WITH", "VALUES",
        "ENTITY", "SOURCE", "FEATURE", "ENTITIES", "SOURCES", "VIEW", "VIEWS", "TABLE", "FILE",
        "EVENT", "TIME", "CREATED", "TTL", "HOP", "ONLINE", "TO", "SYSTEM_TIME", "PLAN",
        "INTERVAL", "PRECEDING", "BY",
        ")", ",", "(", "identifier", "string literal", "number");

    /** ANSI SQL with double-quoted identifiers, as {@link #CONFIG} reads them. */
    private static final SqlDialect DIALECT = new AnsiSqlDialect(
        AnsiSqlDialect.DEFAULT_CONTEXT.withIdentifierQuoteString("\""));

    /** JavaCC's "Encountered "x" at line L, column C." without a list of expected tokens. */
    private static final Pattern ENCOUNTERED =
        Pattern.compile("^Encountered \"((?:[^\"\\\\]|\\\\.){0,40})\" at line \\d+, column \\d+");

    private static final SqlAbstractParserImpl.Metadata METADATA =
        AsofSqlParserImpl.FACTORY.getParser(new java.io.StringReader("")).getMetadata();

    private static final String JDBC_KEYWORDS = jdbcKeywordList();

    private AsofParser() {}

    /**
     * The grammar's keywords that are not SQL:2003 keywords, comma-separated, as JDBC's
     * {@code DatabaseMetaData.getSQLKeywords} wants them: asof's own ({@code ENTITY}, {@code FEATURE},
     * {@code MATERIALIZE}, …) and Calcite's.
     */
    public static String jdbcKeywords() {
        return JDBC_KEYWORDS;
    }

    /** Calcite's reserved words beyond SQL:2003, then the words asof's grammar adds to Calcite's. */
    private static String jdbcKeywordList() {
        java.util.Set<String> calcite = new java.util.HashSet<>(org.apache.calcite.sql.parser.impl.SqlParserImpl.FACTORY
                .getParser(new java.io.StringReader("")).getMetadata().getTokens());
        java.util.SortedSet<String> words = new java.util.TreeSet<>(List.of(METADATA.getJdbcKeywords().split(",")));
        for (String token : METADATA.getTokens()) {
            if (!calcite.contains(token) && token.matches("[A-Z_]+")) {
                words.add(token);
            }
        }
        return String.join(",", words);
    }

    /**
     * Parses exactly one statement; a final {@code ;} and whitespace or comments after it are
     * allowed. The text is checked first ({@link StatementText#single}): not empty, one statement,
     * within the length and nesting limits.
     *
     * @throws AsofException with {@link ErrorCode#SYNTAX_ERROR} and a short message of the form
     *     {@code line L, column C: <problem>} if the text does not parse;
     *     {@link ErrorCode#STATEMENT_TOO_COMPLEX} if it exceeds a limit or nests too deeply to
     *     parse; {@link ErrorCode#INVALID_DATETIME} for a malformed TTL or HOP interval
     */
    public static SqlNode parse(String sql) {
        String text = StatementText.single(sql);
        try {
            return parseChecked(text);
        } catch (StackOverflowError e) {
            // Deep expressions or long operator chains within the nesting limit; also while
            // building the message (which parses again).
            throw StatementText.tooComplex(e);
        }
    }

    private static SqlNode parseChecked(String text) {
        try {
            return SqlParser.create(text, CONFIG).parseStmt();
        } catch (SqlParseException e) {
            if (e.getCause() instanceof StackOverflowError overflow) {
                throw StatementText.tooComplex(overflow);
            }
            if (e.getCause() instanceof AsofException error) {
                throw error; // raised by a grammar action with its own code and position
            }
            throw new AsofException(ErrorCode.SYNTAX_ERROR, message(e, text), e);
        } catch (CalciteContextException e) {
            throw new AsofException(ErrorCode.SYNTAX_ERROR, contextMessage(e), e);
        }
    }

    /**
     * The canonical SQL text of a parsed statement: ANSI dialect, identifiers in double quotes,
     * on one line. {@code unparse(parse(unparse(n)))} equals {@code unparse(n)}.
     */
    public static String unparse(SqlNode node) {
        return requireNonNull(node, "node").toSqlString(c -> c
                .withDialect(DIALECT)
                .withAlwaysUseParentheses(false)
                .withSelectListItemsOnSeparateLines(false)
                .withUpdateSetListNewline(false)
                .withIndentation(0)
                .withClauseStartsLine(false)
                .withClauseEndsLine(false)
                .withLineFolding(SqlWriterConfig.LineFolding.WIDE)
                .withFromFolding(SqlWriterConfig.LineFolding.WIDE))
            .getSql();
    }

    private static String message(SqlParseException e, String sql) {
        SqlParserPos pos = e.getPos();
        String where = pos == null || pos.getLineNum() <= 0
            ? "" : "line " + pos.getLineNum() + ", column " + pos.getColumnNum() + ": ";
        int[][] sequences = e.getExpectedTokenSequences();
        if (sequences != null && sequences.length > 0 && e.getTokenImages() != null) {
            List<String> names = new ArrayList<>(e.getExpectedTokenNames());
            if (pos != null && identifierFits(sql, pos, atEnd(e))) {
                names.add(0, "<IDENTIFIER>");
            }
            List<String> expected = expected(names);
            StringBuilder b = new StringBuilder(where).append(found(e, sql, pos));
            if (!expected.isEmpty()) {
                b.append("; expected one of: ").append(String.join(", ", expected));
            }
            return b.toString();
        }
        Throwable cause = e.getCause();
        String m = cause instanceof CalciteContextException context
            ? rootMessage(context) : firstLine(e.getMessage());
        if (m.startsWith("Non-query expression encountered in illegal context") && pos != null) {
            if (textAt(sql, pos).equalsIgnoreCase("MATERIALIZE")) {
                return materializeWithoutName(sql, pos);
            }
            return where + nonQuery(sql, pos);
        }
        if (m.startsWith("Lexical error")) {
            return where + lexical(m);
        }
        Matcher encountered = ENCOUNTERED.matcher(m);
        if (encountered.find()) {
            // JavaCC's own wording, e.g. after DESCRIBE with nothing to describe.
            return where + (encountered.group(1).isEmpty() || encountered.group(1).equals("<EOF>")
                ? "unexpected end of input" : "unexpected \"" + encountered.group(1) + "\"");
        }
        return where + shorten(m);
    }

    /** Rewrites JavaCC's "Lexical error at line L, column C.  Encountered: ..." message. */
    private static String lexical(String m) {
        java.util.regex.Matcher eof = java.util.regex.Pattern
            .compile("Encountered: <EOF>").matcher(m);
        if (eof.find()) {
            return "unexpected end of input (unterminated quote or comment?)";
        }
        java.util.regex.Matcher c = java.util.regex.Pattern
            .compile("Encountered: (\"(?:[^\"\\\\]|\\\\.)*\"|'.') \\((\\d+)\\)").matcher(m);
        if (c.find()) {
            int code = Integer.parseInt(c.group(2));
            return "unexpected character '" + new String(Character.toChars(code)) + "'";
        }
        return "unexpected character";
    }

    /** Message for text that parsed as an expression where a statement was expected. */
    private static String nonQuery(String sql, SqlParserPos pos) {
        String text = textAt(sql, pos);
        if (text.length() > 40) {
            text = text.substring(0, 40) + "...";
        }
        return "\"" + text + "\" is not a statement; expected one of: SELECT, WITH, VALUES, "
            + "INSERT, CREATE, DROP, SHOW, DESCRIBE, MATERIALIZE, EXPLAIN";
    }

    /**
     * {@code MATERIALIZE} not followed by a name: the parser tries it as an expression (the word
     * is non-reserved) and fails there; say what is missing, where it is missing.
     */
    private static String materializeWithoutName(String sql, SqlParserPos pos) {
        int next = StatementText.nextToken(sql, offset(sql, pos.getLineNum(), pos.getColumnNum())
            + "MATERIALIZE".length());
        String found = next >= sql.length() ? "unexpected end of input"
            : "unexpected \"" + sql.substring(next, Math.min(sql.length(), next + 80)).split("\\s", 2)[0]
                + "\"";
        return StatementText.position(sql, next) + StatementText.clip(found)
            + "; expected the name of a feature view: MATERIALIZE <feature view> [FROM <timestamp>]"
            + " [TO <timestamp>]";
    }

    /**
     * JavaCC does not report alternatives guarded by a syntactic LOOKAHEAD (Calcite guards table
     * references and many expressions that way), so "identifier" is often missing from the
     * expected tokens. Find out by parsing again with an identifier at the error position: if the
     * parser then gets past it, an identifier was acceptable there.
     */
    private static boolean identifierFits(String sql, SqlParserPos pos, boolean atEnd) {
        int start = atEnd ? sql.length() : offset(sql, pos.getLineNum(), pos.getColumnNum());
        if (start < 0) {
            return false;
        }
        int cut = Math.min(start, sql.length());
        String probe = sql.substring(0, cut) + " asof_probe_id ";
        int probeEnd = probe.length();
        try {
            SqlParser.create(probe + sql.substring(cut), CONFIG).parseStmt();
            return true;
        } catch (SqlParseException e) {
            SqlParserPos p = e.getPos();
            if (p == null) {
                return false;
            }
            int at = offset(probe + sql.substring(cut), p.getLineNum(), p.getColumnNum());
            return at >= probeEnd - 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String contextMessage(CalciteContextException e) {
        String where = e.getPosLine() <= 0
            ? "" : "line " + e.getPosLine() + ", column " + e.getPosColumn() + ": ";
        return where + shorten(rootMessage(e));
    }

    /** The innermost message of a context exception, rewritten for users where known. */
    private static String rootMessage(CalciteContextException e) {
        String m = e.getCause() != null && e.getCause().getMessage() != null
            ? e.getCause().getMessage() : String.valueOf(e.getMessage());
        if (m.startsWith("Non-query expression encountered in illegal context")) {
            return "expected a statement (SELECT, WITH, VALUES, INSERT, CREATE, DROP, SHOW, "
                + "DESCRIBE, MATERIALIZE, EXPLAIN) but found an expression";
        }
        if (m.startsWith("Query expression encountered in illegal context")) {
            return "a query is not allowed here";
        }
        return firstLine(m);
    }

    /** Whether the parser failed at the end of the input. */
    private static boolean atEnd(SqlParseException e) {
        return String.valueOf(e.getMessage()).startsWith("Encountered \"<EOF>\"");
    }

    /** What the parser found where it failed: the offending token, or end of input. */
    private static String found(SqlParseException e, String sql, SqlParserPos pos) {
        if (pos == null || atEnd(e)) {
            return "unexpected end of input";
        }
        String token = textAt(sql, pos);
        if (token.isEmpty()) {
            return "unexpected end of input";
        }
        if (token.length() > 40) {
            token = token.substring(0, 40) + "...";
        }
        if (token.equals("'")) {
            return "unexpected \"'\" (unterminated string literal?)";
        }
        return "unexpected \"" + token + "\"";
    }

    /** The source text between a position's start and end (1-based, inclusive). */
    private static String textAt(String sql, SqlParserPos pos) {
        int start = offset(sql, pos.getLineNum(), pos.getColumnNum());
        int end = offset(sql, pos.getEndLineNum(), pos.getEndColumnNum());
        if (start < 0 || start >= sql.length()) {
            return "";
        }
        if (end < start || end >= sql.length()) {
            end = start;
        }
        return sql.substring(start, end + 1).replaceAll("\\s+", " ");
    }

    private static int offset(String sql, int line, int column) {
        int offset = 0;
        for (int l = 1; l < line; l++) {
            int nl = sql.indexOf('\n', offset);
            if (nl < 0) {
                return -1;
            }
            offset = nl + 1;
        }
        return offset + column - 1;
    }

    /** Turns JavaCC token images into a short, ranked list of what could have come next. */
    static List<String> expected(Collection<String> tokenImages) {
        Set<String> names = new LinkedHashSet<>();
        for (String image : tokenImages) {
            String name = displayName(image);
            if (name != null) {
                names.add(name);
            }
        }
        if (names.contains("identifier")) {
            names.removeIf(n -> METADATA.isNonReservedKeyword(n) && !PREFERRED.contains(n));
        }
        List<String> ranked = new ArrayList<>();
        for (String p : PREFERRED) {
            if (names.contains(p)) {
                ranked.add(p);
            }
        }
        for (String n : names) {
            if (!ranked.contains(n)) {
                ranked.add(n);
            }
        }
        if (ranked.size() > MAX_EXPECTED) {
            List<String> cut = new ArrayList<>(ranked.subList(0, MAX_EXPECTED));
            cut.add("...");
            return cut;
        }
        return ranked;
    }

    private static String displayName(String image) {
        if (image.length() >= 2 && image.startsWith("\"") && image.endsWith("\"")) {
            return image.substring(1, image.length() - 1);
        }
        String upper = image.toUpperCase(Locale.ROOT);
        if (upper.contains("IDENTIFIER")) {
            return "identifier";
        }
        if (upper.equals("<QUOTED_STRING>")) {
            return "string literal";
        }
        if (upper.contains("NUMERIC_LITERAL") || upper.contains("INTEGER_LITERAL")) {
            return "number";
        }
        if (upper.equals("<EOF>")) {
            return "end of input";
        }
        if (upper.equals("<HOOK>")) {
            return "?";
        }
        return null; // other literal forms and internal tokens are noise here
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** Calcite's message with long quoted parts cut (they may be most of the statement). */
    private static String shorten(String s) {
        String clipped = StatementText.clip(s);
        return clipped.length() <= 200 ? clipped : clipped.substring(0, 197) + "...";
    }
}
