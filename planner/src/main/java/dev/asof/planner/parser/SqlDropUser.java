package dev.asof.planner.parser;

import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code DROP USER [IF EXISTS] name}. */
public final class SqlDropUser extends SqlDropNamed {
    /** The operator of DROP USER. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("DROP USER", SqlKind.OTHER_DDL);

    /** Creates a DROP USER statement. */
    public SqlDropUser(SqlParserPos pos, SqlIdentifier name, boolean ifExists) {
        super(OPERATOR, pos, "USER", name, ifExists);
    }
}
