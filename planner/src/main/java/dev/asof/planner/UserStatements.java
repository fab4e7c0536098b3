package dev.asof.planner;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.SqlAlterUser;
import dev.asof.planner.parser.SqlCreateUser;
import dev.asof.planner.parser.SqlDropUser;
import dev.asof.planner.parser.SqlShowUsers;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.plan.Secret;
import dev.asof.planner.sql.Nodes;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;

/**
 * Plans the user statements (CREATE/ALTER/DROP USER, SHOW USERS). Checks what can be checked
 * without the registry: the name's shape and the password's length. Error messages never quote
 * a password.
 */
final class UserStatements {
    /**
     * BCrypt, which the gateway hashes with, reads at most 72 bytes of a password: a longer one
     * would be silently cut, so it is refused instead.
     */
    static final int MAX_PASSWORD_BYTES = 72;
    /** Names usable in an HTTP Basic header (no ':') and in the audit log without escaping. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,127}");

    private UserStatements() {}

    static PlannedStatement plan(SqlNode node) {
        if (node instanceof SqlCreateUser n) {
            return new PlannedStatement.CreateUser(name(n.name()), password(n, n.password()), n.admin(),
                    n.ifNotExists());
        }
        if (node instanceof SqlAlterUser n) {
            return new PlannedStatement.AlterUser(name(n.name()), n.password().map(p -> password(n, p)), n.admin());
        }
        if (node instanceof SqlDropUser n) {
            return new PlannedStatement.DropUser(name(n.name()), n.ifExists());
        }
        if (node instanceof SqlShowUsers) {
            return new PlannedStatement.ShowUsers();
        }
        throw new IllegalArgumentException("not a user statement: " + node.getKind());
    }

    private static String name(SqlIdentifier id) {
        String name = id.getSimple();
        if (!NAME.matcher(name).matches()) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(id) + "user name '" + name
                    + "' is not valid: use 1-128 letters, digits, '_', '.', '@' or '-', not starting with '.', '@' or '-'");
        }
        return name;
    }

    private static Secret password(SqlNode statement, String password) {
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_PASSWORD_BYTES) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(statement)
                    + "a password must be 1 to " + MAX_PASSWORD_BYTES + " bytes long (UTF-8)");
        }
        return new Secret(password);
    }
}
