package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code DROP ENTITY | SOURCE | FEATURE VIEW [IF EXISTS] name}. */
public final class SqlDropObject extends SqlDropNamed {
    /** The operator of asof's DROP statements. */
    public static final SqlOperator OPERATOR =
        new SqlSpecialOperator("DROP OBJECT", SqlKind.OTHER_DDL);

    private final ObjectKind kind;

    /** Creates a DROP statement. */
    public SqlDropObject(SqlParserPos pos, ObjectKind kind, SqlIdentifier name, boolean ifExists) {
        super(OPERATOR, pos, requireNonNull(kind, "kind").keyword(), name, ifExists);
        this.kind = kind;
    }

    /** What kind of object is dropped. */
    public ObjectKind kind() {
        return kind;
    }
}
