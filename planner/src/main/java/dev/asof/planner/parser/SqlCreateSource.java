package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code CREATE SOURCE [IF NOT EXISTS] name FROM TABLE a.b.c EVENT TIME col [CREATED TIME col]}
 * or {@code ... FROM FILE 'path' ...}, or a push source
 * {@code CREATE SOURCE name (col type, ...) EVENT TIME col PUSH [IDEMPOTENCY KEY col]}. Exactly
 * one of {@link #table()}, {@link #filePath()} and {@link #pushColumns()} is non-null.
 */
public final class SqlCreateSource extends SqlCreate {
    /** The operator of CREATE SOURCE. */
    public static final SqlOperator OPERATOR =
        new SqlSpecialOperator("CREATE SOURCE", SqlKind.OTHER_DDL);

    private final SqlIdentifier name;
    private final @Nullable SqlIdentifier table;
    private final @Nullable String filePath;
    private final SqlIdentifier eventTime;
    private final @Nullable SqlIdentifier createdTime;
    private final @Nullable List<SqlEntityColumn> pushColumns;
    private final @Nullable SqlIdentifier idempotencyKey;

    /** Creates a CREATE SOURCE statement; give exactly one of {@code table} and {@code filePath}. */
    public SqlCreateSource(SqlParserPos pos, SqlIdentifier name, @Nullable SqlIdentifier table,
            @Nullable String filePath, SqlIdentifier eventTime, @Nullable SqlIdentifier createdTime,
            boolean ifNotExists) {
        super(OPERATOR, requireNonNull(pos, "pos"), false, ifNotExists);
        this.name = requireNonNull(name, "name");
        if ((table == null) == (filePath == null)) {
            throw new IllegalArgumentException("exactly one of table and filePath is required");
        }
        this.table = table;
        this.filePath = filePath;
        this.eventTime = requireNonNull(eventTime, "eventTime");
        this.createdTime = createdTime;
        this.pushColumns = null;
        this.idempotencyKey = null;
    }

    /** Creates a push source: its columns are declared, its rows arrive through asof. */
    public SqlCreateSource(SqlParserPos pos, SqlIdentifier name, List<SqlEntityColumn> pushColumns,
            SqlIdentifier eventTime, @Nullable SqlIdentifier idempotencyKey, boolean ifNotExists) {
        super(OPERATOR, requireNonNull(pos, "pos"), false, ifNotExists);
        this.name = requireNonNull(name, "name");
        this.table = null;
        this.filePath = null;
        this.eventTime = requireNonNull(eventTime, "eventTime");
        this.createdTime = null;
        this.pushColumns = List.copyOf(pushColumns);
        this.idempotencyKey = idempotencyKey;
    }

    /** The declared columns of a push source ({@code PUSH}), or null for a table or file source. */
    public @Nullable List<SqlEntityColumn> pushColumns() {
        return pushColumns;
    }

    /** The idempotency key column of a push source, or null. */
    public @Nullable SqlIdentifier idempotencyKey() {
        return idempotencyKey;
    }

    /** The source name (simple identifier). */
    public SqlIdentifier name() {
        return name;
    }

    /** The warehouse table ({@code FROM TABLE a.b.c}), or null for a file or push source. */
    public @Nullable SqlIdentifier table() {
        return table;
    }

    /** The file path ({@code FROM FILE 'path'}), unquoted, or null for a table source. */
    public @Nullable String filePath() {
        return filePath;
    }

    /** The event-time column. */
    public SqlIdentifier eventTime() {
        return eventTime;
    }

    /** The created-time (load time) column, or null. */
    public @Nullable SqlIdentifier createdTime() {
        return createdTime;
    }

    /** Whether IF NOT EXISTS was given. */
    public boolean ifNotExists() {
        return ifNotExists;
    }

    @Override
    public List<SqlNode> getOperandList() {
        if (pushColumns != null) {
            return ImmutableNullableList.of(name, new org.apache.calcite.sql.SqlNodeList(pushColumns,
                getParserPosition()), eventTime, idempotencyKey);
        }
        SqlNode from = table != null
            ? table
            : SqlLiteral.createCharString(requireNonNull(filePath), getParserPosition());
        return ImmutableNullableList.of(name, from, eventTime, createdTime);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE SOURCE");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
        if (pushColumns != null) {
            SqlWriter.Frame frame = writer.startList("(", ")");
            for (SqlEntityColumn c : pushColumns) {
                writer.sep(",");
                c.unparse(writer, 0, 0);
            }
            writer.endList(frame);
            writer.keyword("EVENT TIME");
            eventTime.unparse(writer, 0, 0);
            writer.keyword("PUSH");
            if (idempotencyKey != null) {
                writer.keyword("IDEMPOTENCY KEY");
                idempotencyKey.unparse(writer, 0, 0);
            }
            return;
        }
        writer.keyword("FROM");
        if (table != null) {
            writer.keyword("TABLE");
            table.unparse(writer, 0, 0);
        } else {
            writer.keyword("FILE");
            writer.literal(AsofParserSupport.quote(requireNonNull(filePath)));
        }
        writer.keyword("EVENT TIME");
        eventTime.unparse(writer, 0, 0);
        if (createdTime != null) {
            writer.keyword("CREATED TIME");
            createdTime.unparse(writer, 0, 0);
        }
    }
}
