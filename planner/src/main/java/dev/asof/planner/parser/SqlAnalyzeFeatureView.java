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
 * {@code ANALYZE FEATURE VIEW name [AS OF t]} (statistics of the view's values at t) or
 * {@code ANALYZE FEATURE VIEW name DRIFT FROM t1 [TO t2]} (population stability of t2 against t1).
 */
public final class SqlAnalyzeFeatureView extends SqlCall {
    /** The operator of ANALYZE FEATURE VIEW. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("ANALYZE FEATURE VIEW", SqlKind.OTHER);

    private final SqlIdentifier name;
    private final boolean drift;
    private final @Nullable SqlNode asOf;
    private final @Nullable SqlNode from;
    private final @Nullable SqlNode to;

    /** Creates an ANALYZE statement; {@code asOf} only without {@code drift}, {@code from} only with it. */
    public SqlAnalyzeFeatureView(SqlParserPos pos, SqlIdentifier name, boolean drift, @Nullable SqlNode asOf,
            @Nullable SqlNode from, @Nullable SqlNode to) {
        super(requireNonNull(pos, "pos"));
        this.name = requireNonNull(name, "name");
        this.drift = drift;
        this.asOf = asOf;
        this.from = from;
        this.to = to;
    }

    public SqlIdentifier name() {
        return name;
    }

    /** Whether this is the DRIFT form. */
    public boolean drift() {
        return drift;
    }

    /** The time of the statistics; null: now. */
    public @Nullable SqlNode asOf() {
        return asOf;
    }

    /** The baseline time of DRIFT. */
    public @Nullable SqlNode from() {
        return from;
    }

    /** The compared time of DRIFT; null: now. */
    public @Nullable SqlNode to() {
        return to;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(name, asOf, from, to);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ANALYZE FEATURE VIEW");
        name.unparse(writer, 0, 0);
        if (asOf != null) {
            writer.keyword("AS OF");
            asOf.unparse(writer, 0, 0);
        }
        if (drift) {
            writer.keyword("DRIFT FROM");
            requireNonNull(from, "from").unparse(writer, 0, 0);
            if (to != null) {
                writer.keyword("TO");
                to.unparse(writer, 0, 0);
            }
        }
    }
}
