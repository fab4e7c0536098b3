package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code VALIDATE FEATURE VIEW name [FROM t1] [TO t2]}: replays the view's logged online lookups
 * offline, AS OF each lookup's time, and compares the values.
 */
public final class SqlValidateFeatureView extends SqlCall {
    /** The operator of VALIDATE FEATURE VIEW. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("VALIDATE FEATURE VIEW", SqlKind.OTHER);

    private final SqlIdentifier name;
    private final @Nullable SqlNode from;
    private final @Nullable SqlNode to;

    /** Creates a VALIDATE statement; either bound may be null. */
    public SqlValidateFeatureView(SqlParserPos pos, SqlIdentifier name, @Nullable SqlNode from, @Nullable SqlNode to) {
        super(requireNonNull(pos, "pos"));
        this.name = requireNonNull(name, "name");
        this.from = from;
        this.to = to;
    }

    public SqlIdentifier name() {
        return name;
    }

    /** Lookups at or after this time are replayed; null: from the first logged one. */
    public @Nullable SqlNode from() {
        return from;
    }

    /** Lookups before this time are replayed; null: up to the last logged one. */
    public @Nullable SqlNode to() {
        return to;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(name, from, to);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("VALIDATE FEATURE VIEW");
        name.unparse(writer, 0, 0);
        if (from != null) {
            writer.keyword("FROM");
            from.unparse(writer, 0, 0);
        }
        if (to != null) {
            writer.keyword("TO");
            to.unparse(writer, 0, 0);
        }
    }
}
