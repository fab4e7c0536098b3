package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code CREATE FEATURE VIEW [IF NOT EXISTS] name ENTITY entity FROM source [REQUEST (column type
 * [, column type]*)] AS SELECT item [, item]* [TTL interval] [HOP interval] [ONLINE]}.
 *
 * <p>With {@code REQUEST}, {@code source} names a feature view and the statement defines a
 * request-time view over it ({@link #request()} is not null).
 *
 * <p>The select list has no FROM: rows come from {@code source}. Items are expressions with
 * optional aliases ({@code AS} calls), including windowed aggregates such as {@code SUM(amount)
 * OVER (RANGE INTERVAL '7' DAY PRECEDING) AS spend_7d}. TTL and HOP, when present, are positive
 * day-time intervals (checked by the parser).
 */
public final class SqlCreateFeatureView extends SqlCreate {
    /** The operator of CREATE FEATURE VIEW. */
    public static final SqlOperator OPERATOR =
        new SqlSpecialOperator("CREATE FEATURE VIEW", SqlKind.OTHER_DDL);

    private final SqlIdentifier name;
    private final SqlIdentifier entity;
    private final SqlIdentifier source;
    private final SqlNodeList selectList;
    private final @Nullable SqlIntervalLiteral ttl;
    private final @Nullable SqlIntervalLiteral hop;
    private final boolean online;
    private final @Nullable SqlNumericLiteral logSample;
    private final @Nullable List<SqlEntityColumn> request;

    /** Creates a CREATE FEATURE VIEW statement. */
    public SqlCreateFeatureView(SqlParserPos pos, SqlIdentifier name, SqlIdentifier entity,
            SqlIdentifier source, SqlNodeList selectList, @Nullable SqlIntervalLiteral ttl,
            @Nullable SqlIntervalLiteral hop, boolean online, boolean ifNotExists) {
        this(pos, name, entity, source, selectList, ttl, hop, online, ifNotExists, null);
    }

    /** Creates a CREATE FEATURE VIEW statement with a {@code LOG SAMPLE} clause ({@code logSample}, or null). */
    public SqlCreateFeatureView(SqlParserPos pos, SqlIdentifier name, SqlIdentifier entity,
            SqlIdentifier source, SqlNodeList selectList, @Nullable SqlIntervalLiteral ttl,
            @Nullable SqlIntervalLiteral hop, boolean online, boolean ifNotExists,
            @Nullable SqlNumericLiteral logSample) {
        this(pos, name, entity, source, selectList, ttl, hop, online, ifNotExists, logSample, null);
    }

    /** Creates a CREATE FEATURE VIEW statement; {@code request}: the REQUEST columns, or null without REQUEST. */
    public SqlCreateFeatureView(SqlParserPos pos, SqlIdentifier name, SqlIdentifier entity,
            SqlIdentifier source, SqlNodeList selectList, @Nullable SqlIntervalLiteral ttl,
            @Nullable SqlIntervalLiteral hop, boolean online, boolean ifNotExists,
            @Nullable SqlNumericLiteral logSample, @Nullable List<SqlEntityColumn> request) {
        super(OPERATOR, requireNonNull(pos, "pos"), false, ifNotExists);
        this.logSample = logSample;
        this.request = request == null ? null : List.copyOf(request);
        this.name = requireNonNull(name, "name");
        this.entity = requireNonNull(entity, "entity");
        this.source = requireNonNull(source, "source");
        this.selectList = requireNonNull(selectList, "selectList");
        this.ttl = ttl;
        this.hop = hop;
        this.online = online;
    }

    /** The feature view name (simple identifier). */
    public SqlIdentifier name() {
        return name;
    }

    /** The entity the view is keyed by. */
    public SqlIdentifier entity() {
        return entity;
    }

    /** The source the view reads from. */
    public SqlIdentifier source() {
        return source;
    }

    /** The select items (expressions, possibly wrapped in AS calls). */
    public SqlNodeList selectList() {
        return selectList;
    }

    /** The fraction of online lookups to log ({@code LOG SAMPLE x}), or null when not given. */
    public @Nullable SqlNumericLiteral logSample() {
        return logSample;
    }

    /** The REQUEST columns of a request-time view, or null when REQUEST was not given. */
    public @Nullable List<SqlEntityColumn> request() {
        return request;
    }

    /** The TTL interval, or null when none was given. */
    public @Nullable SqlIntervalLiteral ttl() {
        return ttl;
    }

    /** The TTL in milliseconds, or null. */
    public @Nullable Long ttlMillis() {
        return AsofParserSupport.millis(ttl);
    }

    /** The HOP (refresh step of windowed aggregates) interval, or null. */
    public @Nullable SqlIntervalLiteral hop() {
        return hop;
    }

    /** The HOP in milliseconds, or null. */
    public @Nullable Long hopMillis() {
        return AsofParserSupport.millis(hop);
    }

    /** Whether ONLINE was given (served from the online store). */
    public boolean online() {
        return online;
    }

    /** Whether IF NOT EXISTS was given. */
    public boolean ifNotExists() {
        return ifNotExists;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(name, entity, source, selectList, ttl, hop,
            SqlLiteral.createBoolean(online, getParserPosition()));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE FEATURE VIEW");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
        writer.keyword("ENTITY");
        entity.unparse(writer, 0, 0);
        writer.keyword("FROM");
        source.unparse(writer, 0, 0);
        if (request != null) {
            writer.keyword("REQUEST");
            SqlWriter.Frame columns = writer.startList("(", ")");
            for (SqlEntityColumn c : request) {
                writer.sep(",");
                c.unparse(writer, 0, 0);
            }
            writer.endList(columns);
        }
        writer.keyword("AS SELECT");
        SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.SELECT_LIST);
        for (SqlNode item : selectList) {
            writer.sep(",");
            item.unparse(writer, 0, 0);
        }
        writer.endList(frame);
        if (ttl != null) {
            writer.keyword("TTL");
            ttl.unparse(writer, 0, 0);
        }
        if (hop != null) {
            writer.keyword("HOP");
            hop.unparse(writer, 0, 0);
        }
        if (online) {
            writer.keyword("ONLINE");
        }
        if (logSample != null) {
            writer.keyword("LOG SAMPLE");
            logSample.unparse(writer, 0, 0);
        }
    }
}
