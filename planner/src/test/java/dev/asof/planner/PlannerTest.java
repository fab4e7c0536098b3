package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The planner on its own: an {@link InMemoryCatalog}, the DuckDB dialect, statement text in, plan
 * out. No engine, no I/O.
 */
class PlannerTest {
    /** The limits of the supported time range, literals of the range check in generated SQL. */
    private static final Set<String> TIME_LIMITS = Set.of("'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'");

    private final Planner planner = new Planner(InMemoryCatalog.standard(), new DuckDbDialect());

    private static final String PIT_JOIN = "SELECT l.id, l.\"odd\"\"col\", p.segment, p.credit_limit\n"
            + "FROM lake.ml.labels l\n"
            + "LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id\n";

    private GeneratedQuery query(String sql) {
        PlannedStatement p = planner.plan(sql);
        assertThat(p).isInstanceOf(PlannedStatement.Query.class);
        return ((PlannedStatement.Query) p).query();
    }

    private static AsofException planError(Planner planner, String sql) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> planner.plan(sql));
        assertThat(t).as("planning %s", sql).isInstanceOf(AsofException.class);
        return (AsofException) t;
    }

    // ---------------------------------------------------------------- SQL text of a PIT join

    /** Generated SQL split into string literals, quoted identifiers and the bare rest. */
    private record Lexed(List<String> literals, List<String> identifiers, String bare) {}

    private static Lexed lex(String sql) {
        List<String> literals = new ArrayList<>();
        List<String> identifiers = new ArrayList<>();
        StringBuilder bare = new StringBuilder();
        int i = 0;
        while (i < sql.length()) {
            char ch = sql.charAt(i);
            if (ch == '\'' || ch == '"') {
                int end = i + 1;
                while (true) {
                    assertThat(end).as("unterminated %s in %s", ch, sql).isLessThan(sql.length());
                    if (sql.charAt(end) == ch) {
                        if (end + 1 < sql.length() && sql.charAt(end + 1) == ch) {
                            end += 2; // doubled quote: escaped, still inside
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                String token = sql.substring(i, end + 1);
                // The DuckDB dialect's own literals (infinities, range-check message) are not the user's.
                if (ch == '"' || !(token.equals("'infinity'") || token.equals("'-infinity'") || token.startsWith("'asof 22008: "))) {
                    (ch == '\'' ? literals : identifiers).add(token);
                }
                bare.append(' ');
                i = end + 1;
            } else {
                bare.append(ch);
                i++;
            }
        }
        return new Lexed(literals, identifiers, bare.toString());
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*").matcher(text);
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    @Test
    void pitJoinQuotesEveryIdentifierAndEscapesLiterals() {
        GeneratedQuery q = query(PIT_JOIN + "WHERE l.name = 'O''Brien'");
        Lexed sql = lex(q.sql());

        // The user's literal arrives in the filter of the spine rows and once in the outer WHERE,
        // escaped every time; the other literals are the limits of the supported time range.
        assertThat(sql.literals()).filteredOn(l -> !TIME_LIMITS.contains(l)).containsExactly("'O''Brien'", "'O''Brien'");
        // Every user name is a quoted identifier, the one with a double quote escaped by doubling.
        assertThat(sql.identifiers()).contains("\"lake\"", "\"ml\"", "\"labels\"", "\"l\"", "\"p\"", "\"id\"",
                "\"name\"", "\"event_ts\"", "\"customer_id\"", "\"segment\"", "\"credit_limit\"", "\"odd\"\"col\"",
                "\"crm\"", "\"profile_updates\"", "\"updated_ts\"", "\"loaded_at\"");
        // Outside quotes only the planner's own keywords and functions (upper case), numbers and
        // punctuation remain: no user name, no part of the user's literal.
        Set<String> userWords = Set.of("lake", "ml", "labels", "l", "p", "id", "name", "event_ts", "customer_id",
                "segment", "credit_limit", "odd", "col", "o", "brien", "crm", "profile_updates", "updated_ts",
                "loaded_at", "customer_profile");
        for (String w : words(sql.bare())) {
            assertThat(w).as("bare word in generated SQL:\n%s", q.sql()).isUpperCase();
            assertThat(userWords).as("bare word in generated SQL:\n%s", q.sql()).doesNotContain(w.toLowerCase(Locale.ROOT));
        }
        // The view itself never reaches the warehouse: its source table does.
        assertThat(q.sql()).doesNotContain("customer_profile");
        assertThat(q.engine()).isEqualTo("duckdb");
        assertThat(q.parameterCount()).isZero();
        assertThat(q.parameterOrder()).isEmpty();
    }

    @Test
    void literalThatLooksLikeSqlStaysOneLiteral() {
        GeneratedQuery q = query(PIT_JOIN + "WHERE l.name = 'x''; DROP TABLE lake.ml.labels; --'");
        Lexed sql = lex(q.sql());

        assertThat(sql.literals()).filteredOn(l -> !TIME_LIMITS.contains(l)).containsExactly(
                "'x''; DROP TABLE lake.ml.labels; --'", "'x''; DROP TABLE lake.ml.labels; --'");
        assertThat(words(sql.bare())).doesNotContain("DROP", "TABLE");
        assertThat(sql.bare()).doesNotContain("--", ";");
    }

    /**
     * Calcite prints {@code WITH … (SELECT … ORDER BY …)} with the body in parentheses, and Trino
     * drops ORDER BY inside parentheses; the planner lifts ORDER BY/FETCH over the WITH.
     */
    @Test
    void orderByOfAWithQueryStaysOutsideParentheses() {
        GeneratedQuery q = query("WITH s AS (SELECT id, customer_id, event_ts FROM lake.ml.labels)\n"
                + "SELECT s.id, p.segment FROM s LEFT JOIN customer_profile AS OF s.event_ts p ON p.customer_id = s.customer_id\n"
                + "ORDER BY s.id LIMIT 5");
        String sql = q.sql().replaceAll("\\s+", " ");
        assertThat(sql).startsWith("WITH ").doesNotContain(") (SELECT");
        // s.id as the derived table that carries the spine's rows through the join names it.
        assertThat(sql).endsWith("ORDER BY \"p\".\"__sp0\" FETCH NEXT 5 ROWS ONLY");
    }

    /**
     * On DuckDB a latest-value LEFT JOIN of a view with a CREATED TIME carries the spine's rows
     * through one window with the source rows ({@code AsofJoinPlanTest} has the plain view's
     * as-of join): no distinct probe points, no join back, no restriction of the source without a
     * spine filter. An inner PIT join keeps the portable plan; Trino has its own
     * ({@code TrinoPitPlanTest}).
     */
    @Test
    void duckDbLatestValueLeftJoinCarriesTheSpine() {
        String sql = query(PIT_JOIN).sql().replaceAll("\\s+", " ");
        assertThat(sql).contains("UNION ALL").contains("LEFT JOIN LATERAL").doesNotContain("DISTINCT")
                .doesNotContain("EXISTS").doesNotContain("__asof_t");

        String inner = query(PIT_JOIN.replace("LEFT JOIN", "JOIN")).sql().replaceAll("\\s+", " ");
        assertThat(inner).doesNotContain("ASOF").contains("DISTINCT");

        // A time that names no spine column leaves the engine's as-of join nothing to compare.
        String constant = query(PIT_JOIN.replaceFirst("AS OF [^ ]+", "AS OF TIMESTAMP '2025-03-01 00:00:00'")).sql()
                .replaceAll("\\s+", " ");
        assertThat(constant).doesNotContain("ASOF").contains("DISTINCT");
    }

    /** A misspelled first word is asof's syntax error with a position, not the engine's. */
    @Test
    void unknownFirstWordIsASyntaxError() {
        AsofException e = planError(planner, "SELEC 1");
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).startsWith("line 1, column 1");
    }

    /**
     * A snapshot lookup by key selects its probe keys with the key filter (in the probe points and
     * in the key restriction of the source rows) and keeps it in the outer WHERE; a filter on a
     * feature stays outside only, since it must see the latest value.
     */
    @Test
    void snapshotKeyFilterSelectsProbeKeysButFeatureFilterDoesNot() {
        GeneratedQuery byKey = query("SELECT segment FROM customer_profile AS OF TIMESTAMP '2025-03-01 00:00:00'"
                + " WHERE customer_id = ?");
        assertThat(byKey.parameterOrder()).containsExactly(0, 0, 0);

        GeneratedQuery byFeature = query("SELECT customer_id FROM customer_profile AS OF TIMESTAMP '2025-03-01 00:00:00'"
                + " WHERE segment = ?");
        assertThat(byFeature.parameterOrder()).containsExactly(0);
    }

    // ---------------------------------------------------------------- parameters

    @Test
    void parameterInWhereOfPitJoinIsBoundInProbesAndOuterQuery() {
        GeneratedQuery q = query(PIT_JOIN + "WHERE l.id > ?");

        // Pushed into the key restriction of the source rows (it only concerns the spine) and
        // kept in the outer WHERE. (DuckDB's as-of join carries the spine rows: no probe points.)
        assertThat(lex(q.sql()).bare().chars().filter(c -> c == '?').count()).isEqualTo(2);
        assertThat(q.parameterOrder()).containsExactly(0, 0);
        assertThat(q.parameterCount()).isEqualTo(1);
        assertThat(q.bind(List.of(42L))).containsExactly(42L, 42L);
    }

    @Test
    void conditionOnTheViewIsNotPushedIntoProbes() {
        // l.id > ? concerns the spine (pushed down and kept); p.segment = ? only the view (outer only).
        GeneratedQuery q = query(PIT_JOIN + "WHERE p.segment = ? AND l.id > ?");

        assertThat(lex(q.sql()).bare().chars().filter(c -> c == '?').count()).isEqualTo(3);
        assertThat(q.parameterOrder()).containsExactly(1, 0, 1);
        assertThat(q.parameterCount()).isEqualTo(2);
        assertThat(q.bind(List.of("gold", 7L))).containsExactly(7L, "gold", 7L);
    }

    // ---------------------------------------------------------------- leakage guard and join shape

    @Test
    void joinWithoutAsOfIsTheLeakageError() {
        AsofException e = planError(planner, "SELECT l.id, p.segment\n"
                + "FROM lake.ml.labels l\n"
                + "JOIN customer_profile p ON p.customer_id = l.customer_id");

        assertThat(e.code()).isEqualTo(ErrorCode.PIT_JOIN_REQUIRED);
        assertThat(e.getMessage())
                .contains("line 3, column 6")
                .contains("'customer_profile' is joined without AS OF")
                .contains("Write: LEFT JOIN customer_profile AS OF <spine>.<event time> p ON p.<key> = <spine>.<key>");
    }

    @Test
    void leftJoinWithoutAsOfIsTheLeakageErrorToo() {
        AsofException e = planError(planner, "SELECT l.id, p.segment FROM lake.ml.labels l\n"
                + "LEFT JOIN customer_profile AS p ON p.customer_id = l.customer_id");

        assertThat(e.code()).isEqualTo(ErrorCode.PIT_JOIN_REQUIRED);
        assertThat(e.getMessage()).contains("LEFT JOIN customer_profile AS OF");
    }

    @Test
    void pitJoinWithoutKeyConditionNamesTheKey() {
        AsofException e = planError(planner, "SELECT l.id, p.segment FROM lake.ml.labels l\n"
                + "LEFT JOIN customer_profile AS OF l.event_ts p ON p.segment = l.name");

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY);
        assertThat(e.getMessage())
                .contains("must match every key of entity 'customer'")
                .contains("add p.customer_id = <spine column>");
    }

    // ---------------------------------------------------------------- pass-through and names

    @Test
    void queryWithoutRegistryObjectsPassesThroughAsWritten() {
        String sql = "select id, name  from lake.ml.labels\nwhere name = 'O''Brien' and id > ? -- mine";
        PlannedStatement p = planner.plan(sql);

        assertThat(p).usingRecursiveComparison().ignoringFields("access")
                .isEqualTo(new PlannedStatement.PassThrough(sql, true, 1));
    }

    @Test
    void warehouseStatementPassesThroughWithoutParsing() {
        String sql = "INSERT INTO lake.ml.labels VALUES (1, 2, TIMESTAMP '2025-01-01 00:00:00', '?', 'x')";
        assertThat(planner.plan(sql)).isEqualTo(new PlannedStatement.PassThrough(sql, false, 0));
    }

    @Test
    void unknownTableIsReportedWithACandidate() {
        AsofException e = planError(planner, "SELECT id FROM lake.ml.lables");

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_OBJECT);
        assertThat(e.getMessage()).contains("'lables' not found").contains("did you mean").contains("labels");
    }

    @Test
    void unknownFeatureViewIsReportedWithACandidate() {
        AsofException e = planError(planner, "SELECT l.id, p.segment FROM lake.ml.labels l\n"
                + "LEFT JOIN customer_profil AS OF l.event_ts p ON p.customer_id = l.customer_id");

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_OBJECT);
        assertThat(e.getMessage()).contains("customer_profil").contains("did you mean 'customer_profile'");
    }

    // ---------------------------------------------------------------- definitions

    @Test
    void entityKeyOfUnsupportedTypeIsRejected() {
        AsofException e = planError(planner, "CREATE ENTITY device (device_id BOOLEAN)");

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DEFINITION);
        assertThat(e.getMessage())
                .contains("key column 'device_id' has type BOOLEAN")
                .contains("entity keys are BIGINT, INTEGER, SMALLINT, VARCHAR, DATE or DECIMAL");
    }

    @Test
    void entityWithSupportedKeysPlans() {
        PlannedStatement p = planner.plan("CREATE ENTITY IF NOT EXISTS card (issuer VARCHAR, card_no BIGINT)");

        assertThat(p).isInstanceOf(PlannedStatement.CreateEntity.class);
        PlannedStatement.CreateEntity c = (PlannedStatement.CreateEntity) p;
        assertThat(c.ifNotExists()).isTrue();
        assertThat(c.entity().name()).isEqualTo("card");
        assertThat(c.entity().keys()).extracting(ColumnMetadata::name, ColumnMetadata::jdbcType)
                .containsExactly(
                        org.assertj.core.api.Assertions.tuple("issuer", JDBCType.VARCHAR),
                        org.assertj.core.api.Assertions.tuple("card_no", JDBCType.BIGINT));
    }
}
