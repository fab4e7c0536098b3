package dev.asof.planner;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.SqlAlterUser;
import dev.asof.planner.parser.SqlCreateUser;
import dev.asof.planner.parser.SqlDropUser;
import dev.asof.planner.parser.SqlShowUsers;
import dev.asof.planner.parser.Privilege;
import dev.asof.planner.parser.SqlCreateRole;
import dev.asof.planner.parser.SqlDropRole;
import dev.asof.planner.parser.SqlGrant;
import dev.asof.planner.parser.SqlShowGrants;
import java.util.Optional;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.plan.Secret;
import dev.asof.planner.sql.Nodes;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;

/**
 * Plans the user and grant statements (CREATE/ALTER/DROP USER, SHOW USERS, CREATE/DROP ROLE,
 * GRANT, REVOKE, SHOW GRANTS). Checks what can be checked
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
        if (node instanceof SqlCreateRole n) {
            return new PlannedStatement.CreateRole(name(n.name(), "role"), n.ifNotExists());
        }
        if (node instanceof SqlDropRole n) {
            return new PlannedStatement.DropRole(name(n.name(), "role"), n.ifExists());
        }
        if (node instanceof SqlShowGrants n) {
            return new PlannedStatement.ShowGrants(n.grantee().map(SqlIdentifier::getSimple));
        }
        if (node instanceof SqlGrant n) {
            String grantee = n.grantee().getSimple();
            if (n.role().isPresent()) {
                if (n.granteeKind().orElse(SqlGrant.GranteeKind.USER) != SqlGrant.GranteeKind.USER) {
                    throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(n.grantee())
                            + "roles are granted to users, not to other roles");
                }
                return new PlannedStatement.GrantRole(name(n.role().get(), "role"), grantee, n.revoke());
            }
            Privilege privilege = n.privilege().orElseThrow();
            if (privilege == Privilege.ADMIN && n.granteeKind().orElse(SqlGrant.GranteeKind.USER) != SqlGrant.GranteeKind.USER) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(n.grantee())
                        + "ADMIN is granted to users only (it is the user's admin flag, as ALTER USER ... ADMIN sets it)");
            }
            Optional<PlannedStatement.SecuredObject> object = n.object().map(id -> new PlannedStatement.SecuredObject(
                    n.objectKind().orElseThrow(), id.names));
            return new PlannedStatement.GrantPrivilege(privilege, object, grantee, n.granteeKind(), n.revoke());
        }
        throw new IllegalArgumentException("not a user statement: " + node.getKind());
    }

    private static String name(SqlIdentifier id) {
        return name(id, "user");
    }

    private static String name(SqlIdentifier id, String what) {
        String name = id.getSimple();
        if (!NAME.matcher(name).matches()) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(id) + what + " name '" + name
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
