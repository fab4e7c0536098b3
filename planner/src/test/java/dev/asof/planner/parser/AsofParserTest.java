package dev.asof.planner.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.SqlWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AsofParserTest {

    // ---------------------------------------------------------------- helpers

    private static <T extends SqlNode> T parse(String sql, Class<T> type) {
        SqlNode node = AsofParser.parse(sql);
        assertThat(node).isInstanceOf(type);
        return type.cast(node);
    }

    /** Parses, unparses, re-parses and checks the second unparse equals the first. */
    private static String roundTrip(String sql) {
        String first = AsofParser.unparse(AsofParser.parse(sql));
        String second = AsofParser.unparse(AsofParser.parse(first));
        assertThat(second).isEqualTo(first);
        return first;
    }

    private static AsofException syntaxError(String sql) {
        try {
            AsofParser.parse(sql);
        } catch (AsofException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
            assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("at org.")
                .doesNotContain("\n").doesNotContain("Was expecting");
            return e;
        }
        throw new AssertionError("expected a syntax error for: " + sql);
    }

    /** The right-hand side of the n-th join in a FROM clause of left-deep joins (0 = first). */
    private static SqlNode fromItem(SqlSelect select, int index) {
        SqlNode from = select.getFrom();
        List<SqlNode> items = new java.util.ArrayList<>();
        while (from instanceof SqlJoin join) {
            items.add(0, join.getRight());
            from = join.getLeft();
        }
        items.add(0, from);
        return items.get(index);
    }

    private static String alias(SqlNode asCall) {
        assertThat(asCall.getKind()).isEqualTo(SqlKind.AS);
        return ((SqlIdentifier) ((SqlCall) asCall).operand(1)).getSimple();
    }

    private static SqlAsOf asOfUnder(SqlNode node) {
        SqlNode n = node.getKind() == SqlKind.AS ? ((SqlCall) node).operand(0) : node;
        assertThat(n).isInstanceOf(SqlAsOf.class);
        return (SqlAsOf) n;
    }

    // ---------------------------------------------------------------- AS OF

    @Test
    void trainingExtractWithBothAsOfForms() {
        SqlSelect select = parse("""
            SELECT l.*, p.segment, s.spend_7d, s.txn_1h
            FROM lake.ml.labels l
            LEFT JOIN customer_profile FOR SYSTEM_TIME AS OF l.event_ts AS p ON p.customer_id = l.customer_id
            LEFT JOIN customer_spend   AS OF l.event_ts s                 ON s.customer_id = l.customer_id;
            """, SqlSelect.class);

        SqlNode labels = fromItem(select, 0);
        assertThat(alias(labels)).isEqualTo("l");
        assertThat(((SqlIdentifier) ((SqlCall) labels).operand(0)).names)
            .containsExactly("lake", "ml", "labels");

        SqlNode profile = fromItem(select, 1);
        assertThat(alias(profile)).isEqualTo("p");
        SqlAsOf p = asOfUnder(profile);
        assertThat(p.shortForm()).isFalse();
        assertThat(p.exclusive()).isFalse();
        assertThat(((SqlIdentifier) p.getTableRef()).getSimple()).isEqualTo("customer_profile");
        assertThat(((SqlIdentifier) p.getPeriod()).names).containsExactly("l", "event_ts");

        SqlNode spend = fromItem(select, 2);
        assertThat(alias(spend)).isEqualTo("s");
        SqlAsOf s = asOfUnder(spend);
        assertThat(s.shortForm()).isTrue();
        assertThat(s.exclusive()).isFalse();
        assertThat(s.getKind()).isEqualTo(SqlKind.SNAPSHOT);
        assertThat(s).isInstanceOf(SqlSnapshot.class);
    }

    @Test
    void shortAsOfWithAsAlias() {
        SqlSelect select = parse("SELECT * FROM fv AS OF l.event_ts AS s", SqlSelect.class);
        assertThat(alias(select.getFrom())).isEqualTo("s");
        assertThat(asOfUnder(select.getFrom()).shortForm()).isTrue();
    }

    @Test
    void asOfLiteralTimestampWithoutAlias() {
        SqlSelect select = parse("SELECT * FROM customer_spend AS OF TIMESTAMP '2025-03-01 00:00:00'"
            + " WHERE customer_id IN (1, 2, 3)", SqlSelect.class);
        SqlAsOf asOf = asOfUnder(select.getFrom());
        assertThat(asOf.getPeriod().getKind()).isEqualTo(SqlKind.LITERAL);
        assertThat(asOf.getPeriod().toString()).isEqualTo("TIMESTAMP '2025-03-01 00:00:00'");
        assertThat(select.getWhere()).isNotNull();
    }

    @Test
    void exclusiveFlagWithImplicitAlias() {
        SqlSelect select = parse("SELECT * FROM fv AS OF l.ts EXCLUSIVE s", SqlSelect.class);
        assertThat(alias(select.getFrom())).isEqualTo("s");
        SqlAsOf asOf = asOfUnder(select.getFrom());
        assertThat(asOf.exclusive()).isTrue();
        assertThat(asOf.shortForm()).isTrue();
    }

    @Test
    void exclusiveFlagOnLongForm() {
        SqlSelect select = parse("SELECT * FROM fv FOR SYSTEM_TIME AS OF l.ts EXCLUSIVE AS x",
            SqlSelect.class);
        SqlAsOf asOf = asOfUnder(select.getFrom());
        assertThat(asOf.exclusive()).isTrue();
        assertThat(asOf.shortForm()).isFalse();
        assertThat(alias(select.getFrom())).isEqualTo("x");
    }

    @Test
    void aliasNamedExclusiveNeedsAs() {
        SqlSelect select = parse("SELECT * FROM fv AS OF l.ts AS exclusive", SqlSelect.class);
        assertThat(alias(select.getFrom())).isEqualTo("exclusive");
        assertThat(asOfUnder(select.getFrom()).exclusive()).isFalse();
    }

    @Test
    void asOfUnparsesToLongFormAndRoundTrips() {
        assertThat(roundTrip("SELECT * FROM fv AS OF l.ts EXCLUSIVE s"))
            .isEqualTo("SELECT * FROM \"fv\" FOR SYSTEM_TIME AS OF \"l\".\"ts\" EXCLUSIVE AS \"s\"");
        assertThat(roundTrip("select * from fv as of current_timestamp - interval '1' day"))
            .isEqualTo("SELECT * FROM \"fv\" FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP"
                + " - INTERVAL '1' DAY");
    }

    @Test
    void asOfFlagsSurviveOperatorCreateCall() {
        SqlSelect select = parse("SELECT * FROM fv AS OF x EXCLUSIVE", SqlSelect.class);
        SqlAsOf asOf = asOfUnder(select.getFrom());
        SqlCall copy = asOf.getOperator().createCall(null, asOf.getParserPosition(),
            asOf.getTableRef(), asOf.getPeriod());
        assertThat(copy).isInstanceOf(SqlAsOf.class);
        assertThat(((SqlAsOf) copy).exclusive()).isTrue();
        assertThat(((SqlAsOf) copy).shortForm()).isTrue();
    }

    @Test
    void plainAliasingUnaffected() {
        SqlSelect select = parse("SELECT * FROM t AS x JOIN u y ON x.a = y.a, v", SqlSelect.class);
        assertThat(alias(fromItem(select, 0))).isEqualTo("x");
        assertThat(alias(fromItem(select, 1))).isEqualTo("y");
        assertThat(fromItem(select, 2)).isInstanceOf(SqlIdentifier.class);
        assertThat(roundTrip("SELECT * FROM t AS x, t y, t"))
            .isEqualTo("SELECT * FROM \"t\" AS \"x\", \"t\" AS \"y\", \"t\"");
    }

    @Test
    void withoutAsOfThereIsNoSnapshot() {
        SqlSelect select = parse("SELECT spend_7d FROM customer_spend WHERE customer_id = ?",
            SqlSelect.class);
        assertThat(select.getFrom()).isInstanceOf(SqlIdentifier.class);
    }

    // ---------------------------------------------------------------- standard SQL

    @Test
    void standardSqlStillParses() {
        assertThat(AsofParser.parse("WITH a AS (SELECT 1 AS x) SELECT x FROM a"))
            .isInstanceOf(SqlCall.class);
        assertThat(AsofParser.parse("VALUES (1, 'a')").getKind()).isEqualTo(SqlKind.VALUES);
        assertThat(AsofParser.parse("INSERT INTO t (a) VALUES (1)").getKind())
            .isEqualTo(SqlKind.INSERT);
        SqlOrderBy orderBy = parse("select a from t where a != 1 limit 3 offset 2;  ",
            SqlOrderBy.class);
        assertThat(orderBy.fetch.toString()).isEqualTo("3");
        assertThat(orderBy.offset.toString()).isEqualTo("2");
    }

    @Test
    void identifiersKeepTheirCase() {
        SqlSelect select = parse("SELECT CustomerId, \"Segment\" FROM Lake.Labels", SqlSelect.class);
        assertThat(((SqlIdentifier) select.getSelectList().get(0)).getSimple())
            .isEqualTo("CustomerId");
        assertThat(((SqlIdentifier) select.getSelectList().get(1)).getSimple())
            .isEqualTo("Segment");
        assertThat(((SqlIdentifier) select.getFrom()).names).containsExactly("Lake", "Labels");
    }

    @Test
    void newKeywordsRemainUsableAsNames() {
        SqlSelect select = parse("SELECT ttl, online, hop, entity, source, feature, exclusive"
            + " FROM file AS event", SqlSelect.class);
        assertThat(select.getSelectList()).hasSize(7);
        assertThat(alias(select.getFrom())).isEqualTo("event");
    }

    // ---------------------------------------------------------------- CREATE ENTITY

    @Test
    void createEntity() {
        SqlCreateEntity e = parse("CREATE ENTITY customer (customer_id BIGINT);",
            SqlCreateEntity.class);
        assertThat(e.name().getSimple()).isEqualTo("customer");
        assertThat(e.ifNotExists()).isFalse();
        assertThat(e.columns()).hasSize(1);
        assertThat(e.columns().get(0).name().getSimple()).isEqualTo("customer_id");
        assertThat(e.columns().get(0).type().getTypeName().getSimple()).isEqualTo("BIGINT");
        assertThat(e.getParserPosition().getLineNum()).isEqualTo(1);
        assertThat(e.getParserPosition().getColumnNum()).isEqualTo(1);
    }

    @Test
    void createEntityIfNotExistsWithSeveralColumns() {
        SqlCreateEntity e = parse(
            "CREATE ENTITY IF NOT EXISTS store (region VARCHAR(10), store_id INTEGER)",
            SqlCreateEntity.class);
        assertThat(e.ifNotExists()).isTrue();
        assertThat(e.columns()).extracting(c -> c.name().getSimple())
            .containsExactly("region", "store_id");
        assertThat(roundTrip("CREATE ENTITY IF NOT EXISTS store (region VARCHAR(10), store_id INT)"))
            .isEqualTo("CREATE ENTITY IF NOT EXISTS \"store\" (\"region\" VARCHAR(10),"
                + " \"store_id\" INTEGER)");
    }

    // ---------------------------------------------------------------- CREATE SOURCE

    @Test
    void createSourceFromTable() {
        SqlCreateSource s = parse("CREATE SOURCE transactions FROM TABLE lake.sales.transactions\n"
            + "  EVENT TIME txn_ts CREATED TIME loaded_at", SqlCreateSource.class);
        assertThat(s.name().getSimple()).isEqualTo("transactions");
        assertThat(s.table().names).containsExactly("lake", "sales", "transactions");
        assertThat(s.filePath()).isNull();
        assertThat(s.eventTime().getSimple()).isEqualTo("txn_ts");
        assertThat(s.createdTime().getSimple()).isEqualTo("loaded_at");
        assertThat(s.ifNotExists()).isFalse();
        roundTrip("CREATE SOURCE transactions FROM TABLE lake.sales.transactions"
            + " EVENT TIME txn_ts CREATED TIME loaded_at");
    }

    @Test
    void createSourceFromFile() {
        SqlCreateSource s = parse("CREATE SOURCE IF NOT EXISTS users FROM FILE '/data/it''s.parquet'"
            + " EVENT TIME updated_at", SqlCreateSource.class);
        assertThat(s.ifNotExists()).isTrue();
        assertThat(s.table()).isNull();
        assertThat(s.filePath()).isEqualTo("/data/it's.parquet");
        assertThat(s.createdTime()).isNull();
        assertThat(roundTrip("CREATE SOURCE IF NOT EXISTS users FROM FILE '/data/it''s.parquet'"
            + " EVENT TIME updated_at"))
            .isEqualTo("CREATE SOURCE IF NOT EXISTS \"users\" FROM FILE '/data/it''s.parquet'"
                + " EVENT TIME \"updated_at\"");
    }

    @Test
    void createPushSource() {
        SqlCreateSource s = parse("CREATE SOURCE clicks (user_id BIGINT, ts TIMESTAMP, amount DOUBLE, key VARCHAR)"
            + " EVENT TIME ts PUSH IDEMPOTENCY KEY key", SqlCreateSource.class);
        assertThat(s.table()).isNull();
        assertThat(s.filePath()).isNull();
        assertThat(s.pushColumns()).extracting(c -> c.name().getSimple()).containsExactly("user_id", "ts", "amount", "key");
        assertThat(s.eventTime().getSimple()).isEqualTo("ts");
        assertThat(s.idempotencyKey().getSimple()).isEqualTo("key");
        assertThat(roundTrip("CREATE SOURCE clicks (user_id BIGINT, ts TIMESTAMP) EVENT TIME ts PUSH"))
            .isEqualTo("CREATE SOURCE \"clicks\" (\"user_id\" BIGINT, \"ts\" TIMESTAMP) EVENT TIME \"ts\" PUSH");
        // PUSH and IDEMPOTENCY stay usable as names.
        parse("SELECT push, idempotency FROM t", org.apache.calcite.sql.SqlSelect.class);
    }

    @Test
    void pushSourceWithoutPushIsAPositionedSyntaxError() {
        assertThatThrownBy(() -> AsofParser.parse("CREATE SOURCE clicks (user_id BIGINT, ts TIMESTAMP) EVENT TIME ts"))
            .isInstanceOf(AsofException.class)
            .hasMessageContaining("line 1, column");
    }

    // ---------------------------------------------------------------- CREATE FEATURE VIEW

    @Test
    void createFeatureViewLatestValueWithTtlAndOnline() {
        SqlCreateFeatureView v = parse("""
            CREATE FEATURE VIEW customer_profile ENTITY customer FROM users
              AS SELECT customer_id, country, segment
              TTL INTERVAL '30' DAY ONLINE;
            """, SqlCreateFeatureView.class);
        assertThat(v.name().getSimple()).isEqualTo("customer_profile");
        assertThat(v.entity().getSimple()).isEqualTo("customer");
        assertThat(v.source().getSimple()).isEqualTo("users");
        assertThat(v.selectList()).hasSize(3);
        assertThat(v.selectList().get(2)).isInstanceOf(SqlIdentifier.class);
        assertThat(((SqlIdentifier) v.selectList().get(2)).getSimple()).isEqualTo("segment");
        assertThat(v.ttl()).isNotNull();
        assertThat(v.ttlMillis()).isEqualTo(30L * 24 * 3600 * 1000);
        assertThat(v.hop()).isNull();
        assertThat(v.online()).isTrue();
        assertThat(v.ifNotExists()).isFalse();
    }

    @Test
    void createFeatureViewWindowedAggregates() {
        SqlCreateFeatureView v = parse("""
            CREATE FEATURE VIEW IF NOT EXISTS customer_spend ENTITY customer FROM transactions AS SELECT
              customer_id,
              SUM(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS spend_7d,
              COUNT(*)    OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS txn_1h,
              AVG(amount) OVER (RANGE BETWEEN INTERVAL '7' DAY PRECEDING AND CURRENT ROW) avg_7d,
              amount * 2 AS doubled
              HOP INTERVAL '5' MINUTE
            """, SqlCreateFeatureView.class);
        assertThat(v.ifNotExists()).isTrue();
        assertThat(v.selectList()).hasSize(5);
        assertThat(alias(v.selectList().get(1))).isEqualTo("spend_7d");
        assertThat(alias(v.selectList().get(2))).isEqualTo("txn_1h");
        assertThat(alias(v.selectList().get(3))).isEqualTo("avg_7d");
        assertThat(alias(v.selectList().get(4))).isEqualTo("doubled");
        SqlBasicCall over = (SqlBasicCall) ((SqlCall) v.selectList().get(1)).operand(0);
        assertThat(over.getKind()).isEqualTo(SqlKind.OVER);
        SqlWindow window = (SqlWindow) over.operand(1);
        assertThat(window.isRows()).isFalse();
        assertThat(window.getLowerBound().toString()).isEqualTo("INTERVAL '7' DAY PRECEDING");
        assertThat(v.ttl()).isNull();
        assertThat(v.hopMillis()).isEqualTo(5L * 60 * 1000);
        assertThat(v.online()).isFalse();
    }

    @Test
    void featureViewClauseWordsAreNotSwallowedAsAliases() {
        SqlCreateFeatureView v = parse("CREATE FEATURE VIEW v ENTITY e FROM s AS SELECT a, segment"
            + " TTL INTERVAL '2' HOUR HOP INTERVAL '10' SECOND ONLINE", SqlCreateFeatureView.class);
        assertThat(v.selectList()).hasSize(2);
        assertThat(v.selectList().get(1)).isInstanceOf(SqlIdentifier.class);
        assertThat(v.ttlMillis()).isEqualTo(2L * 3600 * 1000);
        assertThat(v.hopMillis()).isEqualTo(10_000L);
        assertThat(v.online()).isTrue();

        SqlCreateFeatureView w = parse("CREATE FEATURE VIEW v ENTITY e FROM s AS SELECT segment ONLINE",
            SqlCreateFeatureView.class);
        assertThat(w.selectList()).hasSize(1);
        assertThat(w.online()).isTrue();
    }

    @Test
    void featureViewClauseWordsUsableAsColumnsAndExplicitAliases() {
        SqlCreateFeatureView v = parse("CREATE FEATURE VIEW v ENTITY e FROM s AS SELECT ttl,"
            + " x AS online, hop AS h TTL INTERVAL '1' DAY", SqlCreateFeatureView.class);
        assertThat(v.selectList()).hasSize(3);
        assertThat(((SqlIdentifier) v.selectList().get(0)).getSimple()).isEqualTo("ttl");
        assertThat(alias(v.selectList().get(1))).isEqualTo("online");
        assertThat(alias(v.selectList().get(2))).isEqualTo("h");
        assertThat(v.ttlMillis()).isEqualTo(86_400_000L);
        assertThat(v.online()).isFalse();
    }

    @Test
    void featureViewRoundTrip() {
        assertThat(roundTrip("CREATE FEATURE VIEW customer_spend ENTITY customer FROM transactions"
            + " AS SELECT customer_id, SUM(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS spend_7d,"
            + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) txn_1h"
            + " TTL INTERVAL '30' DAY HOP INTERVAL '5' MINUTE ONLINE"))
            .isEqualTo("CREATE FEATURE VIEW \"customer_spend\" ENTITY \"customer\" FROM"
                + " \"transactions\" AS SELECT \"customer_id\", SUM(\"amount\") OVER (RANGE"
                + " INTERVAL '7' DAY PRECEDING) AS \"spend_7d\", COUNT(*) OVER (RANGE INTERVAL '1'"
                + " HOUR PRECEDING) AS \"txn_1h\" TTL INTERVAL '30' DAY HOP INTERVAL '5' MINUTE"
                + " ONLINE");
    }

    @Test
    void featureViewRejectsYearMonthTtl() {
        AsofException e = syntaxError(
            "CREATE FEATURE VIEW v ENTITY e FROM s AS SELECT a TTL INTERVAL '1' MONTH");
        assertThat(e.getMessage()).startsWith("line 1, column 55: TTL must be a DAY, HOUR");
    }

    @Test
    void createOrReplaceIsRejected() {
        assertThat(syntaxError("CREATE OR REPLACE ENTITY e (id INT)").getMessage())
            .isEqualTo("line 1, column 1: CREATE OR REPLACE is not supported for ENTITY;"
                + " DROP it and CREATE it again");
    }

    // ---------------------------------------------------------------- DROP / SHOW / DESCRIBE

    @Test
    void dropEachKind() {
        SqlDropObject d = parse("DROP ENTITY customer", SqlDropObject.class);
        assertThat(d.kind()).isEqualTo(ObjectKind.ENTITY);
        assertThat(d.name().getSimple()).isEqualTo("customer");
        assertThat(d.ifExists()).isFalse();

        d = parse("DROP SOURCE IF EXISTS transactions", SqlDropObject.class);
        assertThat(d.kind()).isEqualTo(ObjectKind.SOURCE);
        assertThat(d.ifExists()).isTrue();

        d = parse("drop feature view if exists customer_spend;", SqlDropObject.class);
        assertThat(d.kind()).isEqualTo(ObjectKind.FEATURE_VIEW);
        assertThat(d.name().getSimple()).isEqualTo("customer_spend");
        assertThat(roundTrip("drop feature view if exists customer_spend"))
            .isEqualTo("DROP FEATURE VIEW IF EXISTS \"customer_spend\"");
    }

    @Test
    void showEachKind() {
        assertThat(parse("SHOW ENTITIES", SqlShowObjects.class).kind())
            .isEqualTo(ObjectKind.ENTITY);
        assertThat(parse("show sources;", SqlShowObjects.class).kind())
            .isEqualTo(ObjectKind.SOURCE);
        assertThat(parse("SHOW FEATURE VIEWS", SqlShowObjects.class).kind())
            .isEqualTo(ObjectKind.FEATURE_VIEW);
        assertThat(roundTrip("show feature views")).isEqualTo("SHOW FEATURE VIEWS");
    }

    @Test
    void describeUsesCalcitesDescribeTable() {
        SqlDescribeTable d = parse("DESCRIBE customer_spend", SqlDescribeTable.class);
        assertThat(d.getTable().getSimple()).isEqualTo("customer_spend");
        assertThat(d.getColumn()).isNull();
        roundTrip("DESCRIBE customer_spend");
    }

    // ---------------------------------------------------------------- MATERIALIZE / EXPLAIN

    @Test
    void materialize() {
        SqlMaterialize m = parse("MATERIALIZE customer_spend", SqlMaterialize.class);
        assertThat(m.name().getSimple()).isEqualTo("customer_spend");
        assertThat(m.from()).isNull();
        assertThat(m.to()).isNull();

        m = parse("MATERIALIZE customer_spend FROM TIMESTAMP '2025-01-01 00:00:00'"
            + " TO TIMESTAMP '2025-02-01 00:00:00'", SqlMaterialize.class);
        assertThat(m.from().toString()).isEqualTo("TIMESTAMP '2025-01-01 00:00:00'");
        assertThat(m.to().toString()).isEqualTo("TIMESTAMP '2025-02-01 00:00:00'");

        // Either bound alone.
        m = parse("MATERIALIZE customer_spend TO TIMESTAMP '2025-02-01 00:00:00'", SqlMaterialize.class);
        assertThat(m.from()).isNull();
        assertThat(m.to().toString()).isEqualTo("TIMESTAMP '2025-02-01 00:00:00'");
        m = parse("MATERIALIZE customer_spend FROM TIMESTAMP '2025-01-01 00:00:00'", SqlMaterialize.class);
        assertThat(m.from().toString()).isEqualTo("TIMESTAMP '2025-01-01 00:00:00'");
        assertThat(m.to()).isNull();
        assertThat(roundTrip("materialize cs from current_timestamp - interval '1' day"
            + " to current_timestamp"))
            .isEqualTo("MATERIALIZE \"cs\" FROM CURRENT_TIMESTAMP - INTERVAL '1' DAY"
                + " TO CURRENT_TIMESTAMP");
    }

    @Test
    void explainQuery() {
        SqlExplainQuery e = parse("EXPLAIN SELECT s.spend_7d FROM labels l"
            + " JOIN customer_spend AS OF l.ts s ON s.id = l.id", SqlExplainQuery.class);
        assertThat(e.query()).isInstanceOf(SqlSelect.class);
        assertThat(parse("EXPLAIN PLAN FOR SELECT 1", SqlExplainQuery.class).query())
            .isInstanceOf(SqlSelect.class);
        assertThat(roundTrip("EXPLAIN SELECT a FROM t AS OF x s"))
            .isEqualTo("EXPLAIN SELECT \"a\" FROM \"t\" FOR SYSTEM_TIME AS OF \"x\" AS \"s\"");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void typoOnLineThreeReportsLineAndColumn() {
        AsofException e = syntaxError("SELECT a\nFROM t\n    ) x");
        assertThat(e.getMessage()).startsWith("line 3, column 5: unexpected \")\"; expected one of: ");
    }

    @Test
    void misspelledKeywordOnLaterLine() {
        AsofException e = syntaxError("SELECT a\nFROM t\nORDER BYE a");
        assertThat(e.getMessage()).isEqualTo("line 3, column 7: unexpected \"BYE\"; expected one of: BY");
    }

    @Test
    void errorInAsofStatement() {
        AsofException e = syntaxError("CREATE SOURCE s\nFROM TABLE a.b\nEVENT ts");
        assertThat(e.getMessage()).isEqualTo("line 3, column 7: unexpected \"ts\"; expected one of: TIME");
        e = syntaxError("SHOW FEATURES");
        assertThat(e.getMessage()).isEqualTo("line 1, column 6: unexpected \"FEATURES\";"
            + " expected one of: ENTITIES, SOURCES, FEATURE VIEWS, USERS, GRANTS");
    }

    @Test
    void endOfInputIsNamedAndListsIdentifier() {
        AsofException e = syntaxError("SELECT a FROM");
        assertThat(e.getMessage()).startsWith("line 1, column 13: unexpected end of input;")
            .contains("identifier");
    }

    @Test
    void longExpectedListsAreCut() {
        AsofException e = syntaxError("SELECT a FROM t WHERE a = 1 1");
        String expected = e.getMessage().substring(e.getMessage().indexOf("expected one of: ") + 17);
        assertThat(expected.split(", ")).hasSizeLessThanOrEqualTo(9);
    }

    @Test
    void nonQueryExpressionIsExplained() {
        AsofException e = syntaxError("SELEC 1");
        assertThat(e.getMessage()).startsWith("line 1, column 1: \"SELEC\" is not a statement;"
            + " expected one of: SELECT, WITH");
        assertThat(syntaxError("1 + 2").getMessage()).contains("is not a statement");
    }

    @Test
    void onlyOneStatement() {
        AsofException e = syntaxError("SELECT 1; SELECT 2");
        assertThat(e.getMessage()).startsWith("line 1, column 11: a second statement starts here");
        assertThat(AsofParser.parse("SELECT 1; -- the end")).isInstanceOf(SqlSelect.class);
    }

    @Test
    void lexicalErrorsAreRewritten() {
        assertThat(syntaxError("SELECT a FROM t\nWHERE b = `c`").getMessage())
            .isEqualTo("line 2, column 11: unexpected character '`'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", ";", " ; \n", "-- x", "/* x */;"})
    void emptyInput(String sql) {
        assertThat(syntaxError(sql).getMessage()).isEqualTo("empty statement");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "select 'abc from t",
        "CREATE ENTITY e (id BIGINT",
        "SELECT * FROM fv AS OF",
        "CREATE FEATURE VIEW v ENTITY e FROM s AS SELECT a TTL 5",
        "MATERIALIZE v FROM TIMESTAMP '2025-01-01 00:00:00' TO",
        "DROP VIEWS x",
        "SELECT a FROM t WHERE a = 'x' AND AND b",
    })
    void errorsAreShortAndPositioned(String sql) {
        assertThat(syntaxError(sql).getMessage()).matches("line \\d+, column \\d+: .+");
    }

    // ---------------------------------------------------------------- issue 14: common names

    /** Trino's usual schema is named default: {@code memory.default.users}, {@code hive.default.t}. */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT * FROM memory.default.users", "SELECT t.x FROM hive.default.t AS t",
        "SELECT * FROM default.users"})
    void defaultIsASchemaName(String sql) {
        SqlSelect select = parse(sql, SqlSelect.class);
        SqlNode from = select.getFrom();
        SqlIdentifier table = (SqlIdentifier) (from instanceof SqlBasicCall as ? as.operand(0) : from);
        assertThat(table.names).contains("default");
        roundTrip(sql);
    }

    @Test
    void defaultKeepsItsMeaningAsAValue() {
        SqlNode node = AsofParser.parse("INSERT INTO t (a) VALUES (DEFAULT)");
        assertThat(node.toString()).contains("DEFAULT");
    }

    /** Column aliases (and names) that Calcite reserves but people use. */
    @Test
    void commonNamesAreAliases() {
        SqlSelect select = parse("SELECT 1 AS one, 2 AS value, 3 AS result, 4 AS pattern, x AS percent FROM t", SqlSelect.class);
        assertThat(select.getSelectList().stream().map(n -> ((SqlBasicCall) n).operand(1).toString()))
            .containsExactly("one", "value", "result", "pattern", "percent");
        parse("SELECT value, one FROM t WHERE result > 0", SqlSelect.class);
    }

    @Test
    void matchRecognizeStillParses() {
        AsofParser.parse("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.x AS ax ONE ROW PER MATCH"
            + " PATTERN (A B) DEFINE B AS B.x > A.x)");
    }
}
