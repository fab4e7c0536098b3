package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code CREATE ENTITY [IF NOT EXISTS] name (column type [, column type]*)}. */
public final class SqlCreateEntity extends SqlCreate {
    /** The operator of CREATE ENTITY. */
    public static final SqlOperator OPERATOR =
        new SqlSpecialOperator("CREATE ENTITY", SqlKind.OTHER_DDL);

    private final SqlIdentifier name;
    private final List<SqlEntityColumn> columns;

    /** Creates a CREATE ENTITY statement; {@code columns} must not be empty. */
    public SqlCreateEntity(SqlParserPos pos, SqlIdentifier name, List<SqlEntityColumn> columns,
            boolean ifNotExists) {
        super(OPERATOR, requireNonNull(pos, "pos"), false, ifNotExists);
        this.name = requireNonNull(name, "name");
        this.columns = List.copyOf(requireNonNull(columns, "columns"));
        if (this.columns.isEmpty()) {
            throw new IllegalArgumentException("an entity needs at least one key column");
        }
    }

    /** The entity name (simple identifier). */
    public SqlIdentifier name() {
        return name;
    }

    /** The key columns, in declaration order. */
    public List<SqlEntityColumn> columns() {
        return columns;
    }

    /** Whether IF NOT EXISTS was given. */
    public boolean ifNotExists() {
        return ifNotExists;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of(name, new SqlNodeList(columns, getParserPosition()));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE ENTITY");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
        SqlWriter.Frame frame = writer.startList("(", ")");
        for (SqlEntityColumn column : columns) {
            writer.sep(",");
            column.unparse(writer, 0, 0);
        }
        writer.endList(frame);
    }
}
