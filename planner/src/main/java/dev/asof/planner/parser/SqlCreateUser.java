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

/**
 * {@code CREATE USER [IF NOT EXISTS] name PASSWORD 'password' [ADMIN]}. The password is never
 * unparsed: the statement prints as {@code PASSWORD '***'}.
 */
public final class SqlCreateUser extends SqlCreate {
    /** The operator of CREATE USER. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("CREATE USER", SqlKind.OTHER_DDL);

    private final SqlIdentifier name;
    private final String password;
    private final boolean admin;

    /** Creates a CREATE USER statement. */
    public SqlCreateUser(SqlParserPos pos, SqlIdentifier name, String password, boolean admin, boolean ifNotExists) {
        super(OPERATOR, requireNonNull(pos, "pos"), false, ifNotExists);
        this.name = requireNonNull(name, "name");
        this.password = requireNonNull(password, "password");
        this.admin = admin;
    }

    /** The user name (simple identifier). */
    public SqlIdentifier name() {
        return name;
    }

    /** The password as written, in clear: hash it, never print it. */
    public String password() {
        return password;
    }

    /** Whether ADMIN was given. */
    public boolean admin() {
        return admin;
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
        writer.keyword("CREATE USER");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
        writer.keyword("PASSWORD");
        writer.literal("'***'");
        if (admin) {
            writer.keyword("ADMIN");
        }
    }
}
