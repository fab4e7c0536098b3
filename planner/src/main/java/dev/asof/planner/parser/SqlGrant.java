package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
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
 * {@code GRANT privilege [ON kind object] TO [USER|ROLE] grantee}, {@code GRANT role TO [USER] user}
 * and the matching {@code REVOKE … FROM …}. Exactly one of {@link #privilege()} and {@link #role()}
 * is present; {@link #object()} is present exactly for privileges on one object.
 */
public final class SqlGrant extends SqlCall {
    /** The operator of GRANT and REVOKE. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("GRANT", SqlKind.OTHER_DDL);

    /** How the grantee was named, when the statement says it. */
    public enum GranteeKind { USER, ROLE }

    private final boolean revoke;
    private final Privilege privilege;
    private final SecurableKind objectKind;
    private final SqlIdentifier object;
    private final SqlIdentifier role;
    private final GranteeKind granteeKind;
    private final SqlIdentifier grantee;

    /** Creates a GRANT or REVOKE statement; null stands for an absent part. */
    public SqlGrant(SqlParserPos pos, boolean revoke, Privilege privilege, SecurableKind objectKind,
            SqlIdentifier object, SqlIdentifier role, GranteeKind granteeKind, SqlIdentifier grantee) {
        super(requireNonNull(pos, "pos"));
        if ((privilege == null) == (role == null)) {
            throw new IllegalArgumentException("a grant names a privilege or a role");
        }
        if ((object == null) != (objectKind == null)) {
            throw new IllegalArgumentException("an object comes with its kind");
        }
        this.revoke = revoke;
        this.privilege = privilege;
        this.objectKind = objectKind;
        this.object = object;
        this.role = role;
        this.granteeKind = granteeKind;
        this.grantee = requireNonNull(grantee, "grantee");
    }

    public boolean revoke() {
        return revoke;
    }

    public Optional<Privilege> privilege() {
        return Optional.ofNullable(privilege);
    }

    public Optional<SecurableKind> objectKind() {
        return Optional.ofNullable(objectKind);
    }

    public Optional<SqlIdentifier> object() {
        return Optional.ofNullable(object);
    }

    /** The role granted, for {@code GRANT role TO user}. */
    public Optional<SqlIdentifier> role() {
        return Optional.ofNullable(role);
    }

    public Optional<GranteeKind> granteeKind() {
        return Optional.ofNullable(granteeKind);
    }

    public SqlIdentifier grantee() {
        return grantee;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        List<SqlNode> operands = new ArrayList<>();
        if (object != null) {
            operands.add(object);
        }
        if (role != null) {
            operands.add(role);
        }
        operands.add(grantee);
        return operands;
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword(revoke ? "REVOKE" : "GRANT");
        if (privilege != null) {
            writer.keyword(privilege.name());
            if (object != null) {
                writer.keyword("ON");
                writer.keyword(objectKind.keyword());
                object.unparse(writer, 0, 0);
            }
        } else {
            role.unparse(writer, 0, 0);
        }
        writer.keyword(revoke ? "FROM" : "TO");
        if (granteeKind != null) {
            writer.keyword(granteeKind.name());
        }
        grantee.unparse(writer, 0, 0);
    }
}
