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

/** {@code SHOW GRANTS [FOR user-or-role]}. */
public final class SqlShowGrants extends SqlCall {
    /** The operator of SHOW GRANTS. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("SHOW GRANTS", SqlKind.OTHER);

    private final SqlIdentifier grantee;

    /** Creates a SHOW GRANTS statement; {@code grantee} null means the caller's own grants. */
    public SqlShowGrants(SqlParserPos pos, SqlIdentifier grantee) {
        super(requireNonNull(pos, "pos"));
        this.grantee = grantee;
    }

    public Optional<SqlIdentifier> grantee() {
        return Optional.ofNullable(grantee);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return grantee == null ? List.of() : List.of(grantee);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("SHOW GRANTS");
        if (grantee != null) {
            writer.keyword("FOR");
            grantee.unparse(writer, 0, 0);
        }
    }
}
