package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlVisitor;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A point-in-time table reference: {@code t FOR SYSTEM_TIME AS OF expr [EXCLUSIVE]} or the short
 * {@code t AS OF expr [EXCLUSIVE]}. It is a {@link SqlSnapshot} (kind {@link SqlKind#SNAPSHOT}),
 * so Calcite's validator treats it as a temporal table reference.
 *
 * <p>{@link #exclusive()}: the feature row must be strictly before the AS OF time (rather than at
 * or before it). {@link #shortForm()} only records how the user wrote it; unparse always writes
 * the canonical {@code FOR SYSTEM_TIME AS OF} form.
 *
 * <p>The two flags are not operands; they are carried by the operator ({@link #getOperator()}
 * returns one of four {@link Operator} instances), so copies made through
 * {@code getOperator().createCall(...)} (e.g. by {@code SqlShuttle}) keep them.
 */
public final class SqlAsOf extends SqlSnapshot {
    private final boolean exclusive;
    private final boolean shortForm;

    /** Creates an AS OF table reference. */
    public SqlAsOf(SqlParserPos pos, SqlNode tableRef, SqlNode period, boolean exclusive,
            boolean shortForm) {
        super(requireNonNull(pos, "pos"), requireNonNull(tableRef, "tableRef"),
            requireNonNull(period, "period"));
        this.exclusive = exclusive;
        this.shortForm = shortForm;
    }

    /** Whether {@code EXCLUSIVE} was given: only rows strictly before the time qualify. */
    public boolean exclusive() {
        return exclusive;
    }

    /** Whether the short {@code AS OF} spelling was used instead of FOR SYSTEM_TIME AS OF. */
    public boolean shortForm() {
        return shortForm;
    }

    @Override
    public SqlOperator getOperator() {
        return Operator.of(exclusive, shortForm);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        getTableRef().unparse(writer, 0, 0);
        writer.keyword("FOR SYSTEM_TIME AS OF");
        getPeriod().unparse(writer, 0, 0);
        if (exclusive) {
            writer.keyword("EXCLUSIVE");
        }
    }

    /** The operator of {@link SqlAsOf}; one instance per combination of the two flags. */
    public static final class Operator extends SqlOperator {
        private static final Operator[] INSTANCES = {
            new Operator(false, false), new Operator(false, true),
            new Operator(true, false), new Operator(true, true)
        };

        private final boolean exclusive;
        private final boolean shortForm;

        private Operator(boolean exclusive, boolean shortForm) {
            super("SNAPSHOT", SqlKind.SNAPSHOT, 2, true, null, null, null);
            this.exclusive = exclusive;
            this.shortForm = shortForm;
        }

        /** Returns the operator for the given flags. */
        public static Operator of(boolean exclusive, boolean shortForm) {
            return INSTANCES[(exclusive ? 2 : 0) + (shortForm ? 1 : 0)];
        }

        @Override
        public SqlSyntax getSyntax() {
            return SqlSyntax.SPECIAL;
        }

        @Override
        public SqlCall createCall(@Nullable SqlLiteral functionQualifier, SqlParserPos pos,
                @Nullable SqlNode... operands) {
            requireNonNull(operands, "operands");
            if (operands.length != 2) {
                throw new IllegalArgumentException("AS OF takes 2 operands, got " + operands.length);
            }
            return new SqlAsOf(pos, requireNonNull(operands[0], "tableRef"),
                requireNonNull(operands[1], "period"), exclusive, shortForm);
        }

        @Override
        public <R> void acceptCall(SqlVisitor<R> visitor, SqlCall call, boolean onlyExpressions,
                SqlBasicVisitor.ArgHandler<R> argHandler) {
            if (onlyExpressions) {
                // Like Calcite's snapshot operator: the table reference is not an expression.
                List<SqlNode> operands = call.getOperandList();
                for (int i = 1; i < operands.size(); i++) {
                    argHandler.visitChild(visitor, call, i, operands.get(i));
                }
            } else {
                super.acceptCall(visitor, call, false, argHandler);
            }
        }

        @Override
        public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
            call.unparse(writer, leftPrec, rightPrec);
        }
    }
}
