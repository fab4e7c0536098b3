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
 * A check of a feature view over time, one of:
 *
 * <ul>
 *   <li>{@code VALIDATE FEATURE VIEW name [FROM t1] [TO t2]}: replays the logged online lookups
 *       at {@code t1 <= time < t2} offline and compares the values;
 *   <li>{@code ANALYZE FEATURE VIEW name [AS OF t]}: statistics of the view's values at
 *       {@code to} (null: now);
 *   <li>{@code ANALYZE FEATURE VIEW name DRIFT FROM t1 [TO t2]}: the values at {@code to} (null:
 *       now) against those at {@code from}.
 * </ul>
 */
public final class SqlCheckFeatureView extends SqlCall {
    /** The operator of the checks. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("CHECK FEATURE VIEW", SqlKind.OTHER);

    /** Which check. */
    public enum Check { VALIDATE, ANALYZE, DRIFT }

    private final Check check;
    private final SqlIdentifier name;
    private final @Nullable SqlNode from;
    private final @Nullable SqlNode to;

    /** Creates a check; {@code from} is always null for ANALYZE and never for DRIFT. */
    public SqlCheckFeatureView(SqlParserPos pos, Check check, SqlIdentifier name, @Nullable SqlNode from,
            @Nullable SqlNode to) {
        super(requireNonNull(pos, "pos"));
        this.check = requireNonNull(check, "check");
        this.name = requireNonNull(name, "name");
        this.from = from;
        this.to = to;
    }

    public Check check() {
        return check;
    }

    public SqlIdentifier name() {
        return name;
    }

    /** VALIDATE's lower bound, DRIFT's baseline time; null when not given. */
    public @Nullable SqlNode from() {
        return from;
    }

    /** VALIDATE's upper bound, ANALYZE's AS OF time, DRIFT's compared time; null when not given. */
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
        writer.keyword(check == Check.VALIDATE ? "VALIDATE FEATURE VIEW" : "ANALYZE FEATURE VIEW");
        name.unparse(writer, 0, 0);
        if (check == Check.DRIFT) {
            writer.keyword("DRIFT");
        }
        if (from != null) {
            writer.keyword("FROM");
            from.unparse(writer, 0, 0);
        }
        if (to != null) {
            writer.keyword(check == Check.ANALYZE ? "AS OF" : "TO");
            to.unparse(writer, 0, 0);
        }
    }
}
