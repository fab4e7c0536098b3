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

/** {@code SHOW ENTITIES | SHOW SOURCES | SHOW FEATURE VIEWS}. */
public final class SqlShowObjects extends SqlCall {
    /** The operator of SHOW statements. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("SHOW", SqlKind.OTHER);

    private final ObjectKind kind;

    /** Creates a SHOW statement. */
    public SqlShowObjects(SqlParserPos pos, ObjectKind kind) {
        super(requireNonNull(pos, "pos"));
        this.kind = requireNonNull(kind, "kind");
    }

    /** Which kind of object to list. */
    public ObjectKind kind() {
        return kind;
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
        writer.keyword("SHOW");
        writer.keyword(kind.pluralKeyword());
    }
}
