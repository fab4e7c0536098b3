package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlDrop;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code DROP <what> [IF EXISTS] name} for every asof object named by one simple identifier
 * (registry definitions, users, roles): the subclasses differ only in what they drop.
 */
public abstract class SqlDropNamed extends SqlDrop {
    private final String keyword;
    private final SqlIdentifier name;

    /**
     * @param keyword the words naming what is dropped, e.g. {@code FEATURE VIEW} or {@code USER}
     */
    protected SqlDropNamed(SqlOperator operator, SqlParserPos pos, String keyword, SqlIdentifier name,
            boolean ifExists) {
        super(operator, requireNonNull(pos, "pos"), ifExists);
        this.keyword = requireNonNull(keyword, "keyword");
        this.name = requireNonNull(name, "name");
    }

    /** The name (simple identifier). */
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
        writer.keyword(keyword);
        if (ifExists) {
            writer.keyword("IF EXISTS");
        }
        name.unparse(writer, 0, 0);
    }
}
