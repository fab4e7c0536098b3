package dev.asof.planner.parser;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks on the raw text of a statement, made before any parser or planner sees it, with cheap
 * linear scans that skip string literals, quoted identifiers and comments:
 *
 * <ul>
 *   <li>the text holds a statement: not only whitespace, comments and {@code ;}, nor {@code null}
 *       (Avatica delivers an empty string as {@code null}) ({@link ErrorCode#SYNTAX_ERROR});
 *   <li>it holds one statement: a {@code ;} may end it, followed only by whitespace, comments and
 *       more {@code ;} ({@link ErrorCode#SYNTAX_ERROR} at the start of the second statement);
 *   <li>it is at most {@link #MAX_LENGTH} characters long and its parentheses, brackets and braces
 *       nest at most {@link #MAX_NESTING} levels deep ({@link ErrorCode#STATEMENT_TOO_COMPLEX}).
 * </ul>
 *
 * <p>Why before parsing: Calcite's parser, validator and unparser recurse once per nesting level,
 * and statements asof does not parse (the warehouse's own) go to the warehouse as written, where
 * a second statement after {@code ;} would run too.
 *
 * <p>The second-statement check reads the text as each warehouse's lexer does and rejects the text
 * if either reading finds a second statement: the standard one (Calcite, Trino: {@code ''} and
 * {@code ""} escapes, {@code --} and non-nesting block comments) and PostgreSQL's, which DuckDB
 * uses (nesting block comments, {@code $tag$...$tag$} strings, {@code E'...'} strings with
 * backslash escapes). A text the two read differently could otherwise hide a statement from one of
 * them. The price is that a {@code ;} in a dollar-quoted or E-string, or in Calcite's {@code //}
 * comments, can read as the end of a statement and be refused: refusing is the safe side.
 */
public final class StatementText {
    /** Longest statement text accepted, in characters: 1 MiB. */
    public static final int MAX_LENGTH = 1 << 20;
    /** Deepest nesting of parentheses (so of subqueries), brackets and braces accepted. */
    public static final int MAX_NESTING = 200;

    /** Longest piece of the statement quoted in a message, in characters. */
    static final int EXCERPT = 40;
    /** Longest error message, in characters. */
    static final int MAX_MESSAGE = 400;
    /** A quoted piece of a message; a quote inside a word ("source's") opens and closes none. */
    private static final Pattern QUOTED = Pattern.compile("(?<!\\w)(?:'([^']*)'|\"([^\"]*)\")(?!\\w)");

    /** How a warehouse's lexer reads quotes and comments. */
    private enum Lexer {
        STANDARD(false, false, false),
        POSTGRES(true, true, true);

        final boolean nestedComments;
        final boolean dollarQuotes;
        final boolean escapeStrings;

        Lexer(boolean nestedComments, boolean dollarQuotes, boolean escapeStrings) {
            this.nestedComments = nestedComments;
            this.dollarQuotes = dollarQuotes;
            this.escapeStrings = escapeStrings;
        }
    }

    /**
     * What one reading of the text found (offsets into the text; -1 when absent).
     *
     * @param first the first character of the statement
     * @param end the {@code ;} that ends it, or the text's length
     * @param second the first character of a second statement
     * @param tooDeep the bracket that opens level {@code MAX_NESTING + 1}
     */
    private record Scan(int first, int end, int second, int tooDeep) {}

    private StatementText() {}

    /**
     * Checks {@code sql} and returns its one statement: the text up to (not including) the
     * {@code ;} that ends it and trailing whitespace, with any {@code ;} before it blanked out, so
     * that offsets, lines and columns are those of {@code sql}.
     *
     * @throws AsofException {@link ErrorCode#SYNTAX_ERROR} if the text is null, holds no statement
     *     or more than one; {@link ErrorCode#STATEMENT_TOO_COMPLEX} if it is too long or nests too
     *     deeply
     */
    public static String single(String sql) {
        if (sql == null) {
            throw new AsofException(ErrorCode.SYNTAX_ERROR, "empty statement");
        }
        if (sql.length() > MAX_LENGTH) {
            throw new AsofException(ErrorCode.STATEMENT_TOO_COMPLEX, String.format(Locale.ROOT,
                "statement too complex: the text is %,d characters long; the limit is %,d (1 MiB)",
                sql.length(), MAX_LENGTH));
        }
        Scan standard = scan(sql, Lexer.STANDARD);
        if (standard.first() < 0) {
            throw new AsofException(ErrorCode.SYNTAX_ERROR, "empty statement");
        }
        if (standard.tooDeep() >= 0) {
            throw new AsofException(ErrorCode.STATEMENT_TOO_COMPLEX, position(sql, standard.tooDeep())
                + "statement too complex: parentheses, brackets or subqueries nest more than "
                + MAX_NESTING + " levels deep (the limit)");
        }
        int second = standard.second();
        Scan postgres = scan(sql, Lexer.POSTGRES);
        if (postgres.second() >= 0 && (second < 0 || postgres.second() < second)) {
            second = postgres.second();
        }
        if (second >= 0) {
            throw new AsofException(ErrorCode.SYNTAX_ERROR, position(sql, second)
                // A user statement's password is never echoed, not even in part.
                + "a second statement starts here (\"" + excerpt(Secret.maskPasswords(sql.substring(second)), 0)
                + "\"); send one "
                + "statement per call (a final ';' is optional)");
        }
        return (sql.substring(0, standard.first()).replace(';', ' ')
            + sql.substring(standard.first(), standard.end())).stripTrailing();
    }

    /**
     * The first {@code n} words of a statement, upper case, skipping whitespace, comments and
     * opening parentheses before the first word; fewer when something else than a word (a literal,
     * an operator) comes first.
     */
    public static List<String> firstWords(String sql, int n) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < sql.length() && words.size() < n) {
            int skipped = skipComment(sql, i, Lexer.STANDARD);
            if (skipped > i) {
                i = skipped;
                continue;
            }
            char ch = sql.charAt(i);
            if (Character.isWhitespace(ch) || ch == '(' && words.isEmpty()) {
                i++;
            } else if (Character.isLetter(ch)) {
                int start = i;
                while (i < sql.length() && isIdentifierPart(sql.charAt(i))) {
                    i++;
                }
                words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
            } else {
                break;
            }
        }
        return words;
    }

    /** The error for a statement whose planning ran out of stack. */
    public static AsofException tooComplex(StackOverflowError e) {
        return new AsofException(ErrorCode.STATEMENT_TOO_COMPLEX, "statement too complex: its "
            + "expressions, joins or set operations (UNION ...) chain or nest too deeply to plan; "
            + "split it (limits: " + MAX_NESTING + " levels of parentheses, 1 MiB of text)", e);
    }

    /**
     * A message that quotes at most {@link #EXCERPT} characters of any one piece of the statement
     * (a name, a literal, an expression in quotes) and is at most {@link #MAX_MESSAGE} characters
     * long: a statement of 100 KB must not come back as a message of 100 KB.
     */
    public static String clip(String message) {
        Matcher m = QUOTED.matcher(message);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String quote = m.group(1) != null ? "'" : "\"";
            String text = m.group(1) != null ? m.group(1) : m.group(2);
            if (text.length() > EXCERPT) {
                text = text.substring(0, EXCERPT) + "...";
            }
            m.appendReplacement(b, Matcher.quoteReplacement(quote + text + quote));
        }
        String clipped = m.appendTail(b).toString();
        return clipped.length() <= MAX_MESSAGE ? clipped : clipped.substring(0, MAX_MESSAGE - 3) + "...";
    }

    /**
     * {@code "line L, column C: "} for an offset into {@code sql}, counted as Calcite's parser
     * counts (lines end at {@code \n}, {@code \r} or {@code \r\n}; every character is one column).
     */
    static String position(String sql, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch == '\n' || ch == '\r' && (i + 1 >= sql.length() || sql.charAt(i + 1) != '\n')) {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (offset - lineStart + 1) + ": ";
    }

    /**
     * At most {@link #EXCERPT} characters of {@code sql} from {@code offset} on, with whitespace
     * runs shown as one space and "..." when cut: enough to recognise the place, never the whole
     * (possibly huge) statement.
     */
    static String excerpt(String sql, int offset) {
        int end = Math.min(sql.length(), offset + EXCERPT * 2);
        String text = sql.substring(offset, end).replaceAll("\\s+", " ").trim();
        boolean cut = end < sql.length() || text.length() > EXCERPT;
        return cut ? text.substring(0, Math.min(text.length(), EXCERPT)) + "..." : text;
    }

    /** The offset of the first character at or after {@code from} that is no whitespace or comment. */
    static int nextToken(String sql, int from) {
        int i = Math.max(0, from);
        while (i < sql.length()) {
            int skipped = skipComment(sql, i, Lexer.STANDARD);
            if (skipped > i) {
                i = skipped;
            } else if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else {
                break;
            }
        }
        return Math.min(i, sql.length());
    }

    private static Scan scan(String sql, Lexer lexer) {
        int first = -1;
        int end = sql.length();
        boolean ended = false;
        int depth = 0;
        int i = 0;
        while (i < sql.length()) {
            int skipped = skipComment(sql, i, lexer);
            if (skipped > i) {
                i = skipped;
                continue;
            }
            char ch = sql.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
                continue;
            }
            if (ch == ';') {
                if (first >= 0 && !ended) {
                    ended = true;
                    end = i;
                }
                i++;
                continue;
            }
            // Anything else is (the start of) a token.
            if (ended) {
                return new Scan(first, end, i, -1);
            }
            if (first < 0) {
                first = i;
            }
            int quoted = skipQuoted(sql, i, lexer);
            if (quoted > i) {
                i = quoted;
                continue;
            }
            if (ch == '(' || ch == '[' || ch == '{') {
                if (++depth > MAX_NESTING) {
                    return new Scan(first, end, -1, i);
                }
            } else if ((ch == ')' || ch == ']' || ch == '}') && depth > 0) {
                depth--;
            }
            i++;
        }
        return new Scan(first, end, -1, -1);
    }

    /** The index just past the comment starting at {@code i}, or {@code i} if none starts there. */
    private static int skipComment(String sql, int i, Lexer lexer) {
        if (sql.startsWith("--", i)) {
            // Ends at \n or \r, as in PostgreSQL; Calcite's `//` comments are not comments to the
            // warehouses and are read as code, which can only find more statements, not fewer.
            int j = i + 2;
            while (j < sql.length() && sql.charAt(j) != '\n' && sql.charAt(j) != '\r') {
                j++;
            }
            return j;
        }
        if (sql.startsWith("/*", i)) {
            int depth = 1;
            int j = i + 2;
            while (j < sql.length()) {
                if (sql.startsWith("*/", j)) {
                    j += 2;
                    if (--depth == 0) {
                        return j;
                    }
                } else if (lexer.nestedComments && sql.startsWith("/*", j)) {
                    depth++;
                    j += 2;
                } else {
                    j++;
                }
            }
            return sql.length(); // unterminated: the parser or the warehouse reports it
        }
        return i;
    }

    /**
     * The index just past the string literal or quoted identifier starting at {@code i}, or
     * {@code i} if none starts there. Unterminated ones run to the end of the text.
     */
    private static int skipQuoted(String sql, int i, Lexer lexer) {
        char ch = sql.charAt(i);
        if (ch == '\'' || ch == '"') {
            boolean backslash = ch == '\'' && lexer.escapeStrings && i > 0
                && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                && (i < 2 || !isIdentifierPart(sql.charAt(i - 2)));
            int j = i + 1;
            while (j < sql.length()) {
                char c = sql.charAt(j);
                if (backslash && c == '\\') {
                    j += 2;
                } else if (c == ch) {
                    if (j + 1 < sql.length() && sql.charAt(j + 1) == ch) {
                        j += 2; // doubled quote: part of the text
                    } else {
                        return j + 1;
                    }
                } else {
                    j++;
                }
            }
            return sql.length();
        }
        if (ch == '$' && lexer.dollarQuotes && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
            int j = i + 1;
            if (j < sql.length() && isIdentifierStart(sql.charAt(j))) {
                while (j < sql.length() && isIdentifierPart(sql.charAt(j)) && sql.charAt(j) != '$') {
                    j++;
                }
            }
            if (j < sql.length() && sql.charAt(j) == '$') {
                String tag = sql.substring(i, j + 1);
                int close = sql.indexOf(tag, j + 1);
                return close < 0 ? sql.length() : close + tag.length();
            }
        }
        return i;
    }

    private static boolean isIdentifierStart(char ch) {
        return Character.isLetter(ch) || ch == '_' || ch > 127;
    }

    private static boolean isIdentifierPart(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_' || ch == '$' || ch > 127;
    }
}
