package dev.asof.planner.sql;

import dev.asof.planner.catalog.SourceLocation;
import dev.asof.spi.warehouse.EngineDialect;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;

/** Small constructors for the SQL trees the planner generates. Positions are ZERO: generated. */
public final class Nodes {
    public static final SqlParserPos POS = SqlParserPos.ZERO;

    private Nodes() {}

    public static SqlIdentifier id(String... names) {
        return new SqlIdentifier(Arrays.asList(names), POS);
    }

    public static SqlIdentifier id(List<String> names) {
        return new SqlIdentifier(names, POS);
    }

    public static SqlNode as(SqlNode node, String alias) {
        return SqlStdOperatorTable.AS.createCall(POS, node, id(alias));
    }

    public static SqlNode and(List<SqlNode> conjuncts) {
        SqlNode result = null;
        for (SqlNode c : conjuncts) {
            result = result == null ? c : SqlStdOperatorTable.AND.createCall(POS, result, c);
        }
        return result == null ? SqlLiteral.createBoolean(true, POS) : result;
    }

    /** The operands of a tree of ANDs, left to right ({@link #and}'s inverse); any other condition alone. */
    public static List<SqlNode> conjuncts(SqlNode condition) {
        if (condition.getKind() != SqlKind.AND) {
            return List.of(condition);
        }
        List<SqlNode> out = new ArrayList<>();
        for (SqlNode operand : ((SqlCall) condition).getOperandList()) {
            out.addAll(conjuncts(operand));
        }
        return out;
    }

    public static SqlNode eq(SqlNode a, SqlNode b) {
        return SqlStdOperatorTable.EQUALS.createCall(POS, a, b);
    }

    public static SqlNode isNotNull(SqlNode a) {
        return SqlStdOperatorTable.IS_NOT_NULL.createCall(POS, a);
    }

    /** {@code CASE WHEN condition THEN then ELSE otherwise END}; {@code otherwise} null means NULL. */
    public static SqlNode caseWhen(SqlNode condition, SqlNode then, SqlNode otherwise) {
        return SqlStdOperatorTable.CASE.createCall(POS, null, SqlNodeList.of(condition), SqlNodeList.of(then),
                otherwise == null ? nullLiteral() : otherwise);
    }

    public static SqlNode nullLiteral() {
        return SqlLiteral.createNull(POS);
    }

    public static SqlNode number(long value) {
        return SqlLiteral.createExactNumeric(Long.toString(value), POS);
    }

    public static SqlNode cast(SqlNode value, SqlTypeName type) {
        return SqlStdOperatorTable.CAST.createCall(POS, value, new SqlDataTypeSpec(new SqlBasicTypeNameSpec(type, POS), POS));
    }

    /** {@code CAST(value AS type(precision, scale))}, e.g. an exact {@code DECIMAL(38, 0)}. */
    public static SqlNode cast(SqlNode value, SqlTypeName type, int precision, int scale) {
        return SqlStdOperatorTable.CAST.createCall(POS, value,
                new SqlDataTypeSpec(new SqlBasicTypeNameSpec(type, precision, scale, POS), POS));
    }

    /** A call of an engine function by name, unparsed as {@code NAME(args)}. */
    public static SqlNode function(String name, SqlNode... args) {
        SqlFunction f = new SqlFunction(name, SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null,
                OperandTypes.VARIADIC, SqlFunctionCategory.SYSTEM);
        return f.createCall(POS, args);
    }

    public static SqlSelect select(List<SqlNode> items, SqlNode from, SqlNode where, boolean distinct) {
        return new SqlSelect(POS,
                distinct ? SqlNodeList.of(SqlSelectKeyword.DISTINCT.symbol(POS)) : SqlNodeList.EMPTY,
                new SqlNodeList(items, POS), from, where, null, null, null, null, null, null, null);
    }

    /** True when any call in the tree (the root included) satisfies {@code test}. */
    public static boolean contains(SqlNode tree, java.util.function.Predicate<SqlCall> test) {
        boolean[] found = {false};
        tree.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                if (test.test(call)) {
                    found[0] = true;
                    return call;
                }
                return super.visit(call);
            }
        });
        return found[0];
    }

    /** {@code "line L, column C: "} for a node the user wrote; empty for generated nodes. */
    public static String position(SqlNode node) {
        if (node == null || node.getParserPosition() == null || node.getParserPosition().getLineNum() <= 0) {
            return "";
        }
        return "line " + node.getParserPosition().getLineNum() + ", column " + node.getParserPosition().getColumnNum() + ": ";
    }

    /** The relation a source's rows are read from: its table, or the dialect's file reader. */
    public static SqlNode relation(SourceLocation location, EngineDialect dialect) {
        if (location instanceof SourceLocation.Table t) {
            return id(t.name().parts());
        }
        SourceLocation.File f = (SourceLocation.File) location;
        return dialect.fileRelation(f.path(), f.format());
    }
}
