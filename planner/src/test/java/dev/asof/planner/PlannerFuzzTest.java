package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.TrinoDialect;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bounded fuzzing of the planner (issue 13): mutations of valid asof statements (token deletion,
 * duplication, swap and replacement, truncation, random characters, deep nesting, long chains,
 * second statements) planned against an in-memory catalog. Every failure must be an
 * {@link AsofException} other than {@link ErrorCode#INTERNAL_ERROR}, whose message names no Java
 * class. Fixed seed: a failure reproduces, and the statement is in the assertion message.
 */
class PlannerFuzzTest {
    /** Fixed, so that a failure reproduces; {@code -Dasof.fuzz.seed=N} explores other statements. */
    private static final long SEED = Long.getLong("asof.fuzz.seed", 13L);
    /** How many statements; {@code -Dasof.fuzz.statements=N} runs more (or fewer). */
    private static final int STATEMENTS = Integer.getInteger("asof.fuzz.statements", 20_000);

    /** A Java class name, package or exception type in a message: internals leaking out. */
    private static final Pattern JAVA_NAME = Pattern.compile(
            "[a-z]+\\.[a-z]+\\.[A-Z]\\w+(Exception|Error)|java\\.|org\\.apache|Exception:|\\tat ");

    private static final List<String> VALID = List.of(
            "CREATE ENTITY device (device_id BIGINT, region VARCHAR)",
            "CREATE ENTITY IF NOT EXISTS card (issuer VARCHAR, card_no BIGINT)",
            "CREATE SOURCE clicks FROM TABLE lake.crm.profile_updates EVENT TIME updated_ts CREATED TIME loaded_at",
            "CREATE SOURCE labels FROM FILE '/data/labels.csv' EVENT TIME event_ts",
            "CREATE FEATURE VIEW v ENTITY customer FROM profile_updates AS SELECT customer_id, segment,"
                    + " credit_limit * 100 AS credit_cents TTL INTERVAL '180' DAY ONLINE",
            "CREATE FEATURE VIEW w ENTITY customer FROM transactions AS SELECT customer_id,"
                    + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h,"
                    + " SUM(amount) OVER (RANGE BETWEEN INTERVAL '7' DAY PRECEDING AND CURRENT ROW) AS s_7d,"
                    + " LAST(merchant) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS m HOP INTERVAL '5' MINUTE",
            "DROP FEATURE VIEW IF EXISTS customer_profile",
            "DROP SOURCE profile_updates",
            "DROP ENTITY customer",
            "SHOW ENTITIES",
            "SHOW FEATURE VIEWS;",
            "DESCRIBE customer_profile",
            "MATERIALIZE online_profile FROM TIMESTAMP '2025-01-01 00:00:00' TO '2025-03-01T00:00:00+01:00'",
            "EXPLAIN SELECT l.id, p.segment FROM lake.ml.labels l"
                    + " LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id",
            "SELECT l.id, l.\"odd\"\"col\", p.segment, p.credit_limit FROM lake.ml.labels l\n"
                    + "LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id\n"
                    + "WHERE l.name = 'O''Brien' AND l.id > ? ORDER BY l.id LIMIT 10",
            "SELECT l.id, s.* FROM lake.ml.labels l LEFT JOIN spend FOR SYSTEM_TIME AS OF l.event_ts EXCLUSIVE s"
                    + " ON s.customer_id = l.customer_id",
            "SELECT segment, credit_limit FROM customer_profile AS OF TIMESTAMP '2025-03-01 00:00:00'"
                    + " WHERE customer_id = ?",
            "SELECT customer_id, segment FROM online_profile WHERE customer_id = 42",
            "WITH s AS (SELECT id, customer_id, event_ts FROM lake.ml.labels)\n"
                    + "SELECT s.id, p.segment FROM s LEFT JOIN customer_profile AS OF s.event_ts p"
                    + " ON p.customer_id = s.customer_id ORDER BY s.id",
            "SELECT id, name FROM lake.ml.labels WHERE name LIKE 'a%' -- mine",
            "SELECT customer_id, COUNT(*) AS n FROM lake.ml.labels GROUP BY customer_id HAVING COUNT(*) > 1"
                    + " UNION ALL SELECT 1, 2",
            "SELECT * FROM sys.materializations",
            "SELECT CASE WHEN id > 1 THEN 'a' ELSE 'b' END, CAST(event_ts AS DATE),"
                    + " event_ts + INTERVAL '1' DAY FROM lake.ml.labels",
            "INSERT INTO lake.ml.labels VALUES (1, 2, TIMESTAMP '2025-01-01 00:00:00', '?', 'x')",
            "CREATE TABLE lake.main.t (a INTEGER, b VARCHAR)",
            "COPY lake.ml.labels TO '/tmp/out.csv'");

    /** Pieces that random edits insert: keywords, punctuation, quotes, odd characters. */
    private static final List<String> VOCABULARY = List.of(
            "SELECT", "FROM", "WHERE", "AS", "OF", "AS OF", "JOIN", "LEFT", "ON", "UNION ALL", "WITH", "(", ")",
            ",", ";", "'", "\"", "--", "/*", "*/", "$$", "E'\\'", "?", "*", ".", "=", "INTERVAL '1' DAY",
            "INTERVAL '30S' DAY", "TIMESTAMP 'x'", "TIMESTAMP '2025-01-01 00:00:00'", "TTL", "HOP", "ONLINE",
            "ENTITY", "SOURCE", "FEATURE VIEW", "CREATE", "DROP", "SHOW", "MATERIALIZE", "EXPLAIN", "DESCRIBE",
            "OVER", "RANGE", "PRECEDING", "CURRENT ROW", "NULL", "1e999", "-", "9999999999999999999999",
            "customer_profile", "spend", "online_profile", "lake.ml.labels", "\u0000", "\u00e9", "\ud83d\ude00",
            "\n", "\t", "`", "[", "]", "{", "}", "::", "||", "CAST(", "EXCLUSIVE", "FOR SYSTEM_TIME AS OF",
            "(SELECT 1)", "ROWS", "FOLLOWING", "UNBOUNDED", "INTERVAL '1-13' YEAR TO MONTH", "INTERVAL '0.0001' SECOND",
            "INTERVAL '999999999' DAY", "DATE '2025-02-30'", "TIME '25:00:00'", "X'4'", "U&'\\zz'", "OR REPLACE",
            "IF NOT EXISTS", "DISTINCT", "LATERAL", "NATURAL", "USING", "GROUP BY", "ORDER BY", "LIMIT", "OFFSET",
            "MATCH_RECOGNIZE", "TABLESAMPLE", "sys.materializations", "'\u0000.csv'", "DESCRIBE", "PLAN FOR");

    private static final Pattern TOKEN = Pattern.compile(
            "'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z_0-9.]*|\\d+|\\s+|.", Pattern.DOTALL);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mutatedStatementsFailOnlyWithAsofErrors() {
        Random random = new Random(SEED);
        List<Planner> planners = new ArrayList<>();
        for (EngineDialect dialect : List.of(new DuckDbDialect(), new TrinoDialect())) {
            planners.add(new Planner(catalog(dialect), dialect));
        }
        Map<ErrorCode, Integer> byCode = new EnumMap<>(ErrorCode.class);
        Map<String, Integer> byMutation = new TreeMap<>();
        Map<String, Long> millisByMutation = new TreeMap<>();
        // One example per kind of problem (exception type or message start), with its statement.
        Map<String, String> problems = new TreeMap<>();
        int planned = 0;
        long start = System.nanoTime();
        for (int i = 0; i < STATEMENTS; i++) {
            String valid = VALID.get(random.nextInt(VALID.size()));
            int kind = random.nextInt(MUTATIONS);
            String sql = mutate(valid, kind, random);
            byMutation.merge(MUTATION_NAMES.get(kind), 1, Integer::sum);
            long t0 = System.nanoTime();
            try {
                planners.get(i % planners.size()).plan(sql);
                planned++;
            } catch (AsofException e) {
                byCode.merge(e.code(), 1, Integer::sum);
                String m = e.getMessage();
                if (e.code() == ErrorCode.INTERNAL_ERROR || JAVA_NAME.matcher(m).find() || m.length() > 500) {
                    problems.putIfAbsent(e.code() + " " + signature(m), abbreviate(m) + "\n    for: " + abbreviate(sql));
                }
            } catch (Throwable t) {
                problems.putIfAbsent(t.getClass().getName() + " " + signature(String.valueOf(t.getMessage())),
                        abbreviate(String.valueOf(t.getMessage())) + "\n    for: " + abbreviate(sql));
            }
            millisByMutation.merge(MUTATION_NAMES.get(kind), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                    Long::sum);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        StringBuilder summary = new StringBuilder("planner fuzz: ").append(STATEMENTS).append(" statements (seed ")
                .append(SEED).append(", ").append(millis).append(" ms): ").append(planned).append(" planned");
        byCode.forEach((code, n) -> summary.append(", ").append(code.sqlState()).append(' ').append(code)
                .append('=').append(n));
        summary.append("; mutations ").append(byMutation).append(", ms ").append(millisByMutation);
        System.out.println(summary);

        assertThat(problems).as("internal errors, non-asof throwables or leaking messages").isEmpty();
        assertThat(byCode).doesNotContainKey(ErrorCode.INTERNAL_ERROR);
        if (STATEMENTS >= 10_000) {
            // The fuzz must reach past the parser: some statements plan, most error kinds occur.
            assertThat(planned).isGreaterThan(STATEMENTS / 50);
            assertThat(byCode).containsKeys(ErrorCode.SYNTAX_ERROR, ErrorCode.STATEMENT_TOO_COMPLEX,
                    ErrorCode.UNKNOWN_OBJECT, ErrorCode.INVALID_DATETIME);
        }
    }

    private static final List<String> MUTATION_NAMES = List.of("delete", "duplicate", "swap", "replace",
            "insert", "truncate", "bytes", "nest", "chain", "second");
    private static final int MUTATIONS = MUTATION_NAMES.size();

    private static String mutate(String valid, int kind, Random random) {
        List<String> tokens = tokens(valid);
        int n = 1 + random.nextInt(3);
        switch (MUTATION_NAMES.get(kind)) {
            case "delete" -> {
                for (int k = 0; k < n && tokens.size() > 1; k++) {
                    tokens.remove(random.nextInt(tokens.size()));
                }
            }
            case "duplicate" -> {
                for (int k = 0; k < n; k++) {
                    int at = random.nextInt(tokens.size());
                    tokens.add(at, tokens.get(at));
                }
            }
            case "swap" -> {
                for (int k = 0; k < n && tokens.size() > 1; k++) {
                    int a = random.nextInt(tokens.size());
                    int b = random.nextInt(tokens.size());
                    String t = tokens.get(a);
                    tokens.set(a, tokens.get(b));
                    tokens.set(b, t);
                }
            }
            case "replace" -> {
                for (int k = 0; k < n; k++) {
                    tokens.set(random.nextInt(tokens.size()), pick(random));
                }
            }
            case "insert" -> {
                for (int k = 0; k < n; k++) {
                    tokens.add(random.nextInt(tokens.size() + 1), " " + pick(random) + " ");
                }
            }
            case "truncate" -> {
                return valid.substring(0, random.nextInt(valid.length() + 1));
            }
            case "bytes" -> {
                StringBuilder b = new StringBuilder(valid);
                for (int k = 0; k < n * 2; k++) {
                    char c = random.nextInt(4) == 0 ? (char) random.nextInt(0x3000) : (char) (random.nextInt(95) + 32);
                    int at = random.nextInt(b.length() + 1);
                    if (random.nextBoolean() && at < b.length()) {
                        b.setCharAt(at, c);
                    } else {
                        b.insert(at, c);
                    }
                }
                return b.toString();
            }
            case "nest" -> {
                // Mostly beyond the limit (cheap to reject), sometimes within it.
                int depth = random.nextInt(4) == 0 ? 1 + random.nextInt(150) : 1 + random.nextInt(20_000);
                if (random.nextBoolean()) {
                    return "(".repeat(depth) + valid + ")".repeat(random.nextInt(depth + 1));
                }
                int at = random.nextInt(tokens.size());
                tokens.set(at, "(".repeat(depth) + tokens.get(at) + ")".repeat(depth));
            }
            case "chain" -> {
                // Long flat chains: fine for the text checks, deep for Calcite's trees. The long
                // ones are few: each takes a good part of a second to parse and to plan.
                int length = random.nextInt(400) == 0 ? 1_500 + random.nextInt(2_500) : 2 + random.nextInt(20);
                String op = List.of(" UNION ALL ", " OR ", " + ", " AND NOT ").get(random.nextInt(4));
                String item = op.equals(" UNION ALL ") ? "SELECT id FROM lake.ml.labels" : "id = 1";
                String chain = String.join(op, java.util.Collections.nCopies(length, item));
                return op.equals(" UNION ALL ") ? chain : "SELECT id FROM lake.ml.labels WHERE " + chain;
            }
            case "second" -> {
                String other = VALID.get(random.nextInt(VALID.size()));
                return valid + List.of("; ", ";\n", " ; -- x\n", ";/* c */").get(random.nextInt(4)) + other;
            }
            default -> throw new IllegalStateException(MUTATION_NAMES.get(kind));
        }
        return String.join("", tokens);
    }

    private static String pick(Random random) {
        return VOCABULARY.get(random.nextInt(VOCABULARY.size()));
    }

    private static List<String> tokens(String sql) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(sql);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }

    /** A message without positions and quoted text, cut short: what kind of problem it is. */
    private static String signature(String message) {
        String s = message.replaceAll("line \\d+, column \\d+", "").replaceAll("'[^']*'|\"[^\"]*\"", "_");
        return s.length() <= 60 ? s : s.substring(0, 60);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
    }

    /**
     * The standard catalog, the transactions table and sources of {@link WindowPlannerTest}, the
     * windowed view {@code spend} and the ONLINE latest-value view {@code online_profile}.
     */
    private static InMemoryCatalog catalog(EngineDialect dialect) {
        InMemoryCatalog c = WindowPlannerTest.catalog();
        WindowPlannerTest.define(c, dialect, WindowPlannerTest.SPEND);
        c.add(new FeatureView("online_profile", "customer", "profile_updates", List.of(
                        new Feature("\"customer_id\"", ColumnMetadata.of("customer_id", JDBCType.BIGINT)),
                        new Feature("\"segment\"", ColumnMetadata.of("segment", JDBCType.VARCHAR)),
                        new Feature("\"credit_limit\"", ColumnMetadata.of("credit_limit", JDBCType.DOUBLE))),
                Optional.of(Duration.ofDays(30)), true,
                "CREATE FEATURE VIEW online_profile ENTITY customer FROM profile_updates"
                        + " AS SELECT customer_id, segment, credit_limit TTL INTERVAL '30' DAY ONLINE"));
        return c;
    }
}
