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

/** {@code DROP ENTITY | SOURCE | FEATURE VIEW [IF EXISTS] name}. */
public final class SqlDropObject extends SqlDrop {
    /** The operator of asof's DROP statements. */
    public static final SqlOperator OPERATOR =
        new SqlSpecialOperator("DROP OBJECT", SqlKind.OTHER_DDL);

    private final ObjectKind kind;
    private final SqlIdentifier name;

    /** Creates a DROP statement. */
    public SqlDropObject(SqlParserPos pos, ObjectKind kind, SqlIdentifier name, boolean ifExists) {
        super(OPERATOR, requireNonNull(pos, "pos"), ifExists);
        this.kind = requireNonNull(kind, "kind");
        this.name = requireNonNull(name, "name");
    }

    /** What kind of object is dropped. */
    public ObjectKind kind() {
        return kind;
    }

    /** The object name (simple identifier). */
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
        writer.keyword("DROP");
        writer.keyword(kind.keyword());
        if (ifExists) {
            writer.keyword("IF EXISTS");
        }
        name.unparse(writer, 0, 0);
    }
}
