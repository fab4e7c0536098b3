package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code ALTER SOURCE name REFRESH}: re-reads a source's columns from its table or file. */
public final class SqlAlterSourceRefresh extends SqlCall {
    /** The operator of ALTER SOURCE … REFRESH. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("ALTER SOURCE", SqlKind.OTHER_DDL);

    private final SqlIdentifier name;

    public SqlAlterSourceRefresh(SqlParserPos pos, SqlIdentifier name) {
        super(requireNonNull(pos, "pos"));
        this.name = requireNonNull(name, "name");
    }

    /** The source to refresh. */
    public SqlIdentifier name() {
        return name;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of(name);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ALTER SOURCE");
        name.unparse(writer, 0, 0);
        writer.keyword("REFRESH");
    }
}
