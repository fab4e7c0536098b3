package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code ALTER USER name PASSWORD 'password'}, {@code ALTER USER name ADMIN} or
 * {@code ALTER USER name NOADMIN}: exactly one change per statement. The password is never
 * unparsed.
 */
public final class SqlAlterUser extends SqlCall {
    /** The operator of ALTER USER. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("ALTER USER", SqlKind.OTHER_DDL);

    private final SqlIdentifier name;
    private final String password;
    private final Boolean admin;

    /**
     * Creates an ALTER USER statement; exactly one of {@code password} and {@code admin} is not
     * null.
     */
    public SqlAlterUser(SqlParserPos pos, SqlIdentifier name, String password, Boolean admin) {
        super(requireNonNull(pos, "pos"));
        this.name = requireNonNull(name, "name");
        if ((password == null) == (admin == null)) {
            throw new IllegalArgumentException("ALTER USER changes either the password or ADMIN");
        }
        this.password = password;
        this.admin = admin;
    }

    /** The user name (simple identifier). */
    public SqlIdentifier name() {
        return name;
    }

    /** The new password in clear, when the statement sets one: hash it, never print it. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** Whether the user becomes an admin (ADMIN) or not (NOADMIN), when the statement says so. */
    public Optional<Boolean> admin() {
        return Optional.ofNullable(admin);
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
        writer.keyword("ALTER USER");
        name.unparse(writer, 0, 0);
        if (password != null) {
            writer.keyword("PASSWORD");
            writer.literal("'***'");
        } else {
            writer.keyword(admin ? "ADMIN" : "NOADMIN");
        }
    }
}
