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

/** {@code KILL 'statement id'}: cancels a running statement listed in {@code sys.statements}. */
public final class SqlKill extends SqlCall {
    /** The operator of KILL statements. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("KILL", SqlKind.OTHER);

    private final String statementId;

    /** Creates a KILL statement. */
    public SqlKill(SqlParserPos pos, String statementId) {
        super(requireNonNull(pos, "pos"));
        this.statementId = requireNonNull(statementId, "statementId");
    }

    /** The id of the statement to cancel, as {@code sys.statements} lists it. */
    public String statementId() {
        return statementId;
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
        writer.keyword("KILL");
        writer.literal("'" + statementId.replace("'", "''") + "'");
    }
}
