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
 * {@code MATERIALIZE name [FROM expr] [TO expr]}: computes a feature view into the online store.
 * Either bound may be absent: FROM defaults to the last complete run's watermark, TO to now.
 */
public final class SqlMaterialize extends SqlCall {
    /** The operator of MATERIALIZE. */
    public static final SqlOperator OPERATOR =
        new SqlSpecialOperator("MATERIALIZE", SqlKind.OTHER);

    private final SqlIdentifier name;
    private final @Nullable SqlNode from;
    private final @Nullable SqlNode to;

    /** Creates a MATERIALIZE statement. */
    public SqlMaterialize(SqlParserPos pos, SqlIdentifier name, @Nullable SqlNode from,
            @Nullable SqlNode to) {
        super(requireNonNull(pos, "pos"));
        this.name = requireNonNull(name, "name");
        this.from = from;
        this.to = to;
    }

    /** The feature view to materialize. */
    public SqlIdentifier name() {
        return name;
    }

    /** Start of the range of changes to apply, or null for "since the last complete run". */
    public @Nullable SqlNode from() {
        return from;
    }

    /** Time the view is computed as of, or null for now. */
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
        writer.keyword("MATERIALIZE");
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
