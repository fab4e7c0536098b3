package dev.asof.planner.sql;

import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * DuckDB's {@code left ASOF LEFT JOIN right ON …}: a join node (so the rest of the rewrite walks
 * it like any join) that unparses in DuckDB's syntax. Calcite's own as-of join prints Snowflake's
 * {@code MATCH_CONDITION}, which DuckDB does not read.
 */
public final class AsofLeftJoin extends SqlJoin {
    private static final SqlOperator OPERATOR = new AsofLeftJoinOperator();

    public AsofLeftJoin(SqlParserPos pos, SqlNode left, SqlNode right, SqlNode condition) {
        super(pos, left, SqlLiteral.createBoolean(false, pos), JoinType.LEFT.symbol(pos), right,
                JoinConditionType.ON.symbol(pos), condition);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    private static final class AsofLeftJoinOperator extends SqlOperator {
        AsofLeftJoinOperator() {
            // Precedence and associativity of Calcite's JOIN operator.
            super("ASOF LEFT JOIN", SqlKind.JOIN, 16, true, null, null, null);
        }

        @Override
        public SqlSyntax getSyntax() {
            return SqlSyntax.SPECIAL;
        }

        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
            // Operands as SqlJoin lists them: left, natural, join type, right, condition type, condition.
            return new AsofLeftJoin(pos, operands[0], operands[3], operands[5]);
        }

        @Override
        public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
            SqlJoin join = (SqlJoin) call;
            SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.JOIN);
            join.getLeft().unparse(writer, leftPrec, getLeftPrec());
            writer.sep("ASOF LEFT JOIN");
            join.getRight().unparse(writer, getRightPrec(), rightPrec);
            writer.keyword("ON");
            join.getCondition().unparse(writer, leftPrec, rightPrec);
            writer.endList(frame);
        }
    }
}
