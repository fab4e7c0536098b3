package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlDrop;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code DROP USER [IF EXISTS] name}. */
public final class SqlDropUser extends SqlDrop {
    /** The operator of DROP USER. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("DROP USER", SqlKind.OTHER_DDL);

    private final SqlIdentifier name;

    /** Creates a DROP USER statement. */
    public SqlDropUser(SqlParserPos pos, SqlIdentifier name, boolean ifExists) {
        super(OPERATOR, requireNonNull(pos, "pos"), ifExists);
        this.name = requireNonNull(name, "name");
    }

    /** The user name (simple identifier). */
    public SqlIdentifier name() {
        return name;
    }

    /** Whether IF EXISTS was given. */
    public boolean ifExists() {
        return ifExists;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of(name);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("DROP USER");
        if (ifExists) {
            writer.keyword("IF EXISTS");
        }
        name.unparse(writer, 0, 0);
    }
}
