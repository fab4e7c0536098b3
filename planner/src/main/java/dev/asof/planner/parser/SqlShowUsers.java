package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code SHOW USERS}. */
public final class SqlShowUsers extends SqlCall {
    /** The operator of SHOW USERS. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("SHOW USERS", SqlKind.OTHER);

    /** Creates a SHOW USERS statement. */
    public SqlShowUsers(SqlParserPos pos) {
        super(requireNonNull(pos, "pos"));
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of();
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("SHOW USERS");
    }
}
