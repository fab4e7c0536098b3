package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code CREATE ROLE [IF NOT EXISTS] name}. */
public final class SqlCreateRole extends SqlCreate {
    /** The operator of CREATE ROLE. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("CREATE ROLE", SqlKind.OTHER_DDL);

    private final SqlIdentifier name;

    /** Creates a CREATE ROLE statement. */
    public SqlCreateRole(SqlParserPos pos, SqlIdentifier name, boolean ifNotExists) {
        super(OPERATOR, requireNonNull(pos, "pos"), false, ifNotExists);
        this.name = requireNonNull(name, "name");
    }

    /** The role name (simple identifier). */
    public SqlIdentifier name() {
        return name;
    }

    /** Whether IF NOT EXISTS was given. */
    public boolean ifNotExists() {
        return ifNotExists;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of(name);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE ROLE");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
    }
}
