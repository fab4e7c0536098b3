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
 * or {@code ... FROM FILE 'path' ...}. Exactly one of {@link #table()} and {@link #filePath()} is
 * non-null.
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
    }

    /** The source name (simple identifier). */
    public SqlIdentifier name() {
        return name;
    }

    /** The warehouse table ({@code FROM TABLE a.b.c}), or null for a file source. */
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
