package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.StatementText;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.DuckDbDialect;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input errors found by fuzzing (issue 13): every statement a client can send is planned or fails
 * with an asof error that has the right SQLSTATE, a position where there is one, and a short
 * message; never an internal error. Each test also plans a legitimate neighbour of the bad input.
 */
class PlannerErrorsTest {
    private final Planner planner = new Planner(InMemoryCatalog.standard(), new DuckDbDialect());
    private final Planner online = new Planner(InMemoryCatalogs.withOnlineView(), new DuckDbDialect());

    private static AsofException error(Planner planner, String sql) {
        Throwable t = catchThrowable(() -> planner.plan(sql));
        assertThat(t).as("planning %s", abbreviate(sql)).isInstanceOf(AsofException.class);
        AsofException e = (AsofException) t;
        assertThat(e.code()).as(e.getMessage()).isNotEqualTo(ErrorCode.INTERNAL_ERROR);
        assertShort(e);
        return e;
    }

    private AsofException error(String sql) {
        return error(planner, sql);
    }

    /** The message quotes no long piece of the statement and is short. */
    private static void assertShort(AsofException e) {
        assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(400).doesNotContain("x".repeat(41))
                .doesNotContain("\n").doesNotContainPattern("java\\.|org\\.apache|Exception");
    }

    /** "line L, column C: " of a 0-based offset in a one-line statement. */
    private static String at(String sql, String piece) {
        assertThat(sql).contains(piece);
        return "line 1, column " + (sql.indexOf(piece) + 1) + ": ";
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
    }

    // ---------------------------------------------------------------- 1. empty statements

    /** Avatica delivers an empty string as null; a comment or ';' alone is no statement either. */
    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "-- x", "-- x\n", "/* c */", ";", " ; \n", ";;", "/* a */ ; -- b", "\t\r\n"})
    void emptyStatementIsASyntaxError(String sql) {
        AsofException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).isEqualTo("empty statement");
    }

    @Test
    void statementWithCommentsAroundItPlans() {
        assertThat(planner.plan("-- x\nSELECT id FROM lake.ml.labels -- y"))
                .usingRecursiveComparison().ignoringFields("access")
                .isEqualTo(new PlannedStatement.PassThrough("-- x\nSELECT id FROM lake.ml.labels -- y", true, 0));
        assertThat(planner.plan("/* c */ SHOW ENTITIES;")).isInstanceOf(PlannedStatement.Show.class);
    }

    // ---------------------------------------------------------------- 2. malformed literals

    private static final String VIEW = "CREATE FEATURE VIEW v ENTITY customer FROM profile_updates AS SELECT customer_id, ";

    @Test
    void malformedTtlIntervalIsADatetimeErrorAtTheLiteral() {
        String sql = VIEW + "segment TTL INTERVAL '30S' DAY";
        AsofException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(e.code().sqlState()).isEqualTo("22007");
        assertThat(e.getMessage()).isEqualTo(at(sql, "INTERVAL '30S'")
                + "Illegal interval literal format '30S' for INTERVAL DAY");

        assertThat(error(VIEW + "segment TTL INTERVAL 'abc' DAY").code()).isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(error(VIEW + "segment TTL INTERVAL '1:2:3:4' HOUR TO SECOND").code())
                .isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(planner.plan(VIEW + "segment TTL INTERVAL '30' DAY")).isInstanceOf(PlannedStatement.CreateFeatureView.class);
        assertThat(planner.plan(VIEW + "segment TTL INTERVAL '1 12' DAY TO HOUR"))
                .isInstanceOf(PlannedStatement.CreateFeatureView.class);
    }

    @Test
    void malformedWindowAndHopIntervalsAreDatetimeErrorsAtTheLiteral() {
        String window = VIEW + "SUM(credit_limit) OVER (RANGE INTERVAL '7x' DAY PRECEDING) AS s";
        AsofException e = error(window);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(e.getMessage()).startsWith(at(window, "INTERVAL '7x'")).contains("'7x'");

        String hop = VIEW + "SUM(credit_limit) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s HOP INTERVAL '1x' MINUTE";
        e = error(hop);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(e.getMessage()).startsWith(at(hop, "INTERVAL '1x'"));

        assertThat(planner.plan(VIEW + "SUM(credit_limit) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s"
                + " HOP INTERVAL '1' MINUTE")).isInstanceOf(PlannedStatement.CreateFeatureView.class);
    }

    /** Found by the fuzz: sub-millisecond HOPs and huge windows failed inside the tile arithmetic. */
    @Test
    void intervalLengthsAreBetweenAMillisecondAndAMillionDays() {
        String tiny = VIEW + "SUM(credit_limit) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS s HOP INTERVAL '0.0001' SECOND";
        AsofException e = error(tiny);
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).isEqualTo(at(tiny, "INTERVAL '0.0001'") + "HOP must be at least 1 millisecond");

        String huge = VIEW + "SUM(credit_limit) OVER (RANGE INTERVAL '999999999' DAY PRECEDING) AS s HOP INTERVAL '1' SECOND";
        e = error(huge);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DEFINITION);
        assertThat(e.getMessage()).isEqualTo(at(huge, "INTERVAL '999999999'") + "a window must be at most 1,000,000 days");

        assertThat(planner.plan(VIEW + "SUM(credit_limit) OVER (RANGE INTERVAL '3650' DAY PRECEDING) AS s"
                + " HOP INTERVAL '1' SECOND")).isInstanceOf(PlannedStatement.CreateFeatureView.class);
    }

    @Test
    void malformedMaterializeBoundsAreDatetimeErrorsAtTheBound() {
        String sql = "MATERIALIZE online_profile FROM TIMESTAMP '2025-13-01 00:00:00'";
        AsofException e = error(online, sql);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(e.getMessage()).startsWith(at(sql, "TIMESTAMP")).contains("'2025-13-01 00:00:00'");

        sql = "MATERIALIZE online_profile TO '2025-03-01T25:00:00+01:00'";
        e = error(online, sql);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(e.getMessage()).startsWith(at(sql, "'2025-03-01T25"));

        // Not a timestamp at all: a wrong query, as before.
        assertThat(error(online, "MATERIALIZE online_profile TO 5").code()).isEqualTo(ErrorCode.INVALID_QUERY);
        assertThat(online.plan("MATERIALIZE online_profile FROM TIMESTAMP '2025-01-01 00:00:00'"
                + " TO '2025-03-01T00:00:00+01:00'")).isInstanceOf(PlannedStatement.Materialize.class);
    }

    @Test
    void malformedAsOfLiteralsAreDatetimeErrorsAtTheLiteral() {
        String sql = "SELECT segment FROM customer_profile AS OF TIMESTAMP '2025-02-30 00:00:00'";
        AsofException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(e.getMessage()).startsWith(at(sql, "TIMESTAMP '"));

        // Calcite's validator accepts a malformed interval; asof would have sent it to the warehouse.
        sql = "SELECT l.id, p.segment FROM lake.ml.labels l LEFT JOIN customer_profile"
                + " AS OF l.event_ts - INTERVAL '1x' DAY p ON p.customer_id = l.customer_id";
        e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(e.getMessage()).startsWith(at(sql, "INTERVAL '1x'"));

        assertThat(planner.plan("SELECT l.id, p.segment FROM lake.ml.labels l LEFT JOIN customer_profile"
                + " AS OF l.event_ts - INTERVAL '1' DAY p ON p.customer_id = l.customer_id"))
                .isInstanceOf(PlannedStatement.Query.class);
        assertThat(planner.plan("SELECT segment FROM customer_profile AS OF TIMESTAMP '2025-02-28 00:00:00'"))
                .isInstanceOf(PlannedStatement.Query.class);
    }

    /** Found by the fuzz: a NUL in a file path, a subquery in a feature; entity errors had no position. */
    @Test
    void otherDefinitionInputErrorsAreAsofErrors() {
        assertThat(error("CREATE SOURCE s FROM FILE 'a\u0000.csv' EVENT TIME t").code())
                .isEqualTo(ErrorCode.INVALID_SOURCE);
        String sql = VIEW + "(SELECT 1) AS s";
        AsofException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DEFINITION);
        assertThat(e.getMessage()).startsWith("line 1, column ").contains("a feature cannot contain a subquery");
        // Definition errors name where, too.
        sql = "CREATE ENTITY e (id BIGINT, ID VARCHAR, x BOOLEAN)";
        assertThat(error(sql).getMessage()).isEqualTo(at(sql, "ID VARCHAR") + "key column 'ID' is declared twice");
        sql = "CREATE ENTITY e (id BOOLEAN)";
        assertThat(error(sql).getMessage()).startsWith(at(sql, "BOOLEAN") + "key column 'id' has type BOOLEAN");
    }

    /** Found by the fuzz: Calcite's validator cannot type these and said "need to implement". */
    @Test
    void expressionsCalciteCannotTypeAreInvalidQueries() {
        AsofException e = error("SELECT segment FROM customer_profile AS OF customer_id = ?");
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY);
        assertThat(e.getMessage()).contains("has no type here");
        // In the user's own warehouse query only names are checked; the warehouse judges the rest.
        String sql = "SELECT CASE WHEN id, 1 THEN 'a' END FROM lake.ml.labels";
        assertThat(planner.plan(sql)).usingRecursiveComparison().ignoringFields("access")
                .isEqualTo(new PlannedStatement.PassThrough(sql, true, 0));
    }

    // ---------------------------------------------------------------- 3. limits

    @Test
    void parenthesesDeeperThanTheLimitAreTooComplexWithAPosition() {
        String sql = "SELECT " + "(".repeat(201) + "id" + ")".repeat(201) + " FROM lake.ml.labels";
        AsofException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.STATEMENT_TOO_COMPLEX);
        assertThat(e.code().sqlState()).isEqualTo("54001");
        assertThat(e.getMessage()).isEqualTo("line 1, column 208: statement too complex: parentheses, brackets or"
                + " subqueries nest more than 200 levels deep (the limit)");

        for (int depth : new int[] {5_000, 100_000}) {
            String deep = "(".repeat(depth) + "SELECT 1" + ")".repeat(depth);
            e = error(deep);
            assertThat(e.code()).isEqualTo(ErrorCode.STATEMENT_TOO_COMPLEX);
            assertThat(e.getMessage()).startsWith("line 1, column 201: ");
        }

        // At the limit, and parentheses in literals, quoted names and comments do not count.
        String atLimit = "SELECT " + "(".repeat(200) + "id" + ")".repeat(200) + " FROM lake.ml.labels";
        assertThat(planner.plan(atLimit)).isInstanceOf(PlannedStatement.PassThrough.class);
        String quoted = "SELECT '" + "(".repeat(300) + "' AS \"" + "(".repeat(100) + "\" FROM lake.ml.labels /* "
                + "(".repeat(300) + " */";
        assertThat(planner.plan(quoted)).isInstanceOf(PlannedStatement.PassThrough.class);
    }

    @Test
    void textLongerThanOneMebibyteIsTooComplex() {
        String sql = "SELECT id FROM lake.ml.labels WHERE name = '" + "x".repeat(StatementText.MAX_LENGTH) + "'";
        AsofException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.STATEMENT_TOO_COMPLEX);
        assertThat(e.getMessage()).isEqualTo("statement too complex: the text is 1,048,621 characters long;"
                + " the limit is 1,048,576 (1 MiB)");

        String big = "SELECT id FROM lake.ml.labels WHERE name = '" + "x".repeat(500_000) + "'";
        assertThat(planner.plan(big)).usingRecursiveComparison().ignoringFields("access")
                .isEqualTo(new PlannedStatement.PassThrough(big, true, 0));
    }

    /**
     * A flat chain is within the nesting limit but is a deep tree for Calcite: it plans while the
     * stack lasts and is 54001 after, never a StackOverflowError or an unpositioned "syntax error".
     */
    @Test
    void longFlatChainsPlanOrAreTooComplex() {
        String union = String.join(" UNION ALL ", Collections.nCopies(5_000, "SELECT id FROM lake.ml.labels"));
        String or = "SELECT id FROM lake.ml.labels WHERE " + String.join(" OR ", Collections.nCopies(6_000, "id = 1"));
        for (String sql : new String[] {union, or}) {
            Throwable t = catchThrowable(() -> planner.plan(sql));
            if (t != null) {
                assertThat(t).isInstanceOf(AsofException.class);
                assertThat(((AsofException) t).code()).isEqualTo(ErrorCode.STATEMENT_TOO_COMPLEX);
                assertThat(t.getMessage()).startsWith("statement too complex").contains("200 levels", "1 MiB");
            }
        }

        String shortUnion = String.join(" UNION ALL ", Collections.nCopies(300, "SELECT id FROM lake.ml.labels"));
        assertThat(planner.plan(shortUnion)).isInstanceOf(PlannedStatement.PassThrough.class);
        String views = String.join(" UNION ALL ", Collections.nCopies(50,
                "SELECT segment FROM customer_profile AS OF TIMESTAMP '2025-01-01 00:00:00'"));
        assertThat(planner.plan(views)).isInstanceOf(PlannedStatement.Query.class);
    }

    // ---------------------------------------------------------------- 4. one statement per call

    @Test
    void secondStatementIsASyntaxErrorAtItsStart() {
        AsofException e = error("SELECT 1; SELECT 2");
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).isEqualTo("line 1, column 11: a second statement starts here (\"SELECT 2\");"
                + " send one statement per call (a final ';' is optional)");
        assertThat(error("SELECT 1; COPY lake.ml.labels TO 'x.csv'").getMessage())
                .startsWith("line 1, column 11: a second statement starts here (\"COPY lake.ml.labels TO 'x.csv'\")");
        assertThat(error("SHOW ENTITIES; -- list\nDROP ENTITY customer").getMessage())
                .startsWith("line 2, column 1: a second statement starts here (\"DROP ENTITY customer\")");
    }

    /** Statements asof does not parse go to the warehouse as written: the check covers them too. */
    @Test
    void secondStatementAfterAWarehouseStatementIsCaughtToo() {
        String sql = "INSERT INTO lake.ml.labels VALUES (1, 2, NULL, 'a;b', '--'); DROP TABLE lake.ml.labels";
        AsofException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).startsWith(at(sql, "DROP TABLE")).contains("second statement");
        e = error("CREATE TABLE t (a INT);\r\n\r\nINSERT INTO t VALUES (1)");
        assertThat(e.getMessage()).startsWith("line 3, column 1: ");
    }

    /**
     * A literal or comment that one warehouse lexer reads differently from another must not hide a
     * statement: DuckDB reads E'\'' and $$...$$ as strings and nests block comments.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO t VALUES (E'\\''); DROP TABLE t; --')",
        "INSERT INTO t VALUES ($$'$$); DROP TABLE t; --')",
        "INSERT INTO t VALUES (1) /* /* */ ' */; DROP TABLE t; -- '",
        "INSERT INTO t VALUES ($a$;$a$); DROP TABLE t",
        "SELECT 1 // 2; DROP TABLE t",
    })
    void secondStatementHiddenByDialectQuotingIsCaught(String sql) {
        AsofException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).contains("a second statement starts here");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 1;",
        "SELECT 1; -- done",
        "SELECT 1 ;; /* done */ ;",
        "SELECT 'a;b' AS \"c;d\" FROM lake.ml.labels /* ; */ -- ;",
        "INSERT INTO lake.ml.labels VALUES (1, 2, NULL, 'a;b', 'x'); ",
        "COPY lake.ml.labels TO 'x.csv' /* ; SELECT 2 */",
    })
    void oneStatementWithAFinalSemicolonOrCommentsPlansAsWritten(String sql) {
        PlannedStatement p = planner.plan(sql);
        assertThat(p).isInstanceOf(PlannedStatement.PassThrough.class);
        assertThat(((PlannedStatement.PassThrough) p).sql()).isEqualTo(sql);
    }

    // ---------------------------------------------------------------- pooled session state

    /** Settings and transactions would stick to one pooled warehouse connection and reach other clients. */
    @ParameterizedTest
    @ValueSource(strings = {
        "USE mem", "SET TimeZone = 'America/New_York'", "SET GLOBAL memory_limit = '2MB'", "RESET TimeZone",
        "PRAGMA memory_limit = '2MB'", "BEGIN TRANSACTION", "begin", "START TRANSACTION", "COMMIT", "ROLLBACK",
        "PREPARE p AS SELECT 1", "EXECUTE p", "DEALLOCATE p", "/* c */ set schema = 'mem'",
        "SET SESSION query_max_memory = '1GB'",
    })
    void sessionStateOfPooledConnectionsIsRefused(String sql) {
        Throwable t = catchThrowable(() -> planner.plan(sql));
        assertThat(t).isInstanceOf(AsofException.class);
        AsofException e = (AsofException) t;
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
        assertThat(e.getMessage()).contains("pooled warehouse connection").contains("Qualify table names");
        // The warehouse's other statements still pass through.
        assertThat(planner.plan("INSERT INTO lake.ml.labels VALUES (1, 2, NULL, 'a', 'x')"))
                .isInstanceOf(PlannedStatement.PassThrough.class);
    }

    // ---------------------------------------------------------------- 5. short messages

    @Test
    void messagesQuoteOnlyAShortExcerptOfAHugeStatement() {
        String x = "x".repeat(100_000);
        String[] statements = {
            "SELECT segment FROM customer_profile AS OF TIMESTAMP '" + x + "'",
            "SELECT id FROM lake.ml.labels WHERE name = '" + x + "' AND nme = 1",
            "SELECT \"" + x + "\" FROM lake.ml.labels",
            "SELECT '" + x + "' FROM lake.ml.labels WHERE",
            "SELECT 1; SELECT '" + x + "'",
            VIEW + "segment TTL INTERVAL '" + x + "' DAY",
            "SELECT " + x + " FROM",
        };
        for (String sql : statements) {
            error(sql); // asserts at most 400 characters and no 41 x in a row
        }
        assertThat(error(statements[0]).code()).isEqualTo(ErrorCode.INVALID_DATETIME);
        assertThat(error(statements[4]).getMessage()).contains("(\"SELECT '" + "x".repeat(32) + "...\")");
    }

    // ---------------------------------------------------------------- 6. asof's statements stay asof's

    /** Statements that start with asof's words are asof's syntax errors with a position. */
    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE FEATURE VIEW x ENTITY",
        "MATERIALIZE",
        "SHOW FEATURE",
        "CREATE SOURCE s FROM TABLE",
        "CREATE ENTITY",
        "DROP FEATURE VIEW",
        "DROP\n-- comment\nSOURCE",
        "DESCRIBE",
        "EXPLAIN",
        "CREATE OR REPLACE FEATURE VIEW v ENTITY customer FROM profile_updates AS SELECT customer_id",
        "CREATE /* c */ ENTITY e (id BIGINT",
        "CREATE TEMP FEATURE VIEW v",
        "SELECT FROM WHERE",
        "WITH x AS SELECT 1",
        "(SELECT",
    })
    void malformedAsofStatementIsAPositionedSyntaxErrorNotPassedThrough(String sql) {
        AsofException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).matches("line \\d+, column \\d+: .+").doesNotContain("Encountered");
    }

    @Test
    void messagesForStatementsThatStopEarlyNameWhatIsMissing() {
        assertThat(error("MATERIALIZE").getMessage()).isEqualTo("line 1, column 12: unexpected end of input;"
                + " expected the name of a feature view: MATERIALIZE <feature view> [FROM <timestamp>] [TO <timestamp>]");
        assertThat(error("MATERIALIZE 5").getMessage()).startsWith("line 1, column 13: unexpected \"5\";");
        assertThat(error("DESCRIBE").getMessage()).isEqualTo("line 1, column 8: unexpected end of input");
        assertThat(error("CREATE OR REPLACE FEATURE VIEW v ENTITY c FROM s AS SELECT k").getMessage())
                .isEqualTo("line 1, column 1: CREATE OR REPLACE is not supported for FEATURE VIEW;"
                        + " DROP it and CREATE it again");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE TABLE x (a INT)",
        "CREATE OR REPLACE TABLE x (a INT)",
        "CREATE /* c */ TEMP TABLE x (a INT)",
        "DROP TABLE x",
        "SHOW TABLES",
        "CREATE",
    })
    void warehouseStatementsStillPassThrough(String sql) {
        assertThat(planner.plan(sql)).isEqualTo(new PlannedStatement.PassThrough(sql, false, 0));
    }
}
