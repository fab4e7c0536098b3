package dev.asof.planner.parser;

import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code DROP ROLE [IF EXISTS] name}. */
public final class SqlDropRole extends SqlDropNamed {
    /** The operator of DROP ROLE. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("DROP ROLE", SqlKind.OTHER_DDL);

    /** Creates a DROP ROLE statement. */
    public SqlDropRole(SqlParserPos pos, SqlIdentifier name, boolean ifExists) {
        super(OPERATOR, pos, "ROLE", name, ifExists);
    }
}
