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

/**
 * {@code EXPLAIN [PLAN FOR] query}: shows how asof would run the query (route, generated
 * warehouse SQL, store keys). Replaces Calcite's EXPLAIN PLAN; its options (INCLUDING ATTRIBUTES,
 * AS JSON, ...) are not accepted.
 */
public final class SqlExplainQuery extends SqlCall {
    /** The operator of EXPLAIN. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("EXPLAIN", SqlKind.OTHER);

    private final SqlNode query;

    /** Creates an EXPLAIN statement. */
    public SqlExplainQuery(SqlParserPos pos, SqlNode query) {
        super(requireNonNull(pos, "pos"));
        this.query = requireNonNull(query, "query");
    }

    /** The query (or DML statement) to explain. */
    public SqlNode query() {
        return query;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of(query);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("EXPLAIN");
        query.unparse(writer, 0, 0);
    }
}
