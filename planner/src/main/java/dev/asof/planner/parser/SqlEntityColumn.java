package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** One key column of {@code CREATE ENTITY}: {@code name type}. */
public final class SqlEntityColumn extends SqlCall {
    /** The operator of entity column declarations. */
    public static final SqlOperator OPERATOR =
        new SqlSpecialOperator("ENTITY COLUMN", SqlKind.COLUMN_DECL);

    private final SqlIdentifier name;
    private final SqlDataTypeSpec type;

    /** Creates a column declaration. */
    public SqlEntityColumn(SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec type) {
        super(requireNonNull(pos, "pos"));
        this.name = requireNonNull(name, "name");
        this.type = requireNonNull(type, "type");
    }

    /** The column name (simple identifier). */
    public SqlIdentifier name() {
        return name;
    }

    /** The declared SQL type. */
    public SqlDataTypeSpec type() {
        return type;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of(name, type);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        name.unparse(writer, 0, 0);
        type.unparse(writer, 0, 0);
    }
}
