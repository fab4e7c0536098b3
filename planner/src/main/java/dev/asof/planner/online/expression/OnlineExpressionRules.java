package dev.asof.planner.online.expression;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Which expressions the gateway may evaluate for an online lookup and still give the warehouse's
 * answer. Everything not listed here is refused (the lookup then runs in the warehouse), and the
 * refusal says why, for EXPLAIN.
 *
 * <p>The rules follow the engine the warehouse runs on, measured on DuckDB 2.0 (duckdb_jdbc
 * 2.0.0.1) and taken from Trino's documentation:
 *
 * <ul>
 *   <li>Integer {@code /}: DuckDB divides exactly (the result is DOUBLE, {@code 7 / 2 = 3.5});
 *       Trino truncates like Java. Refused on DuckDB, evaluated on Trino.
 *   <li>DECIMAL arithmetic: the engines' result types (precision, scale, DuckDB's DECIMAL / DECIMAL
 *       = DOUBLE) differ from Calcite's; refused. DECIMAL values may be compared and CAST to
 *       DOUBLE.
 *   <li>CAST: only widening numeric casts, casts to the same type and between character types;
 *       DuckDB rounds DOUBLE to INTEGER half to even, Trino half up, Java truncates; number to
 *       text formats differ per engine.
 *   <li>Integer overflow is an error in both engines: the gateway uses checked arithmetic.
 *   <li>DOUBLE division by zero is ±Infinity or NaN in DuckDB, Trino and Java alike.
 * </ul>
 */
final class OnlineExpressionRules {
    private static final Set<SqlTypeName> VALUE_TYPES = Set.of(SqlTypeName.BOOLEAN, SqlTypeName.TINYINT,
            SqlTypeName.SMALLINT, SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.REAL, SqlTypeName.FLOAT,
            SqlTypeName.DOUBLE, SqlTypeName.DECIMAL, SqlTypeName.CHAR, SqlTypeName.VARCHAR, SqlTypeName.NULL);

    private static final Set<SqlKind> LOGIC = Set.of(SqlKind.AND, SqlKind.OR, SqlKind.NOT, SqlKind.IS_NULL,
            SqlKind.IS_NOT_NULL, SqlKind.IS_TRUE, SqlKind.IS_FALSE, SqlKind.IS_NOT_TRUE, SqlKind.IS_NOT_FALSE,
            SqlKind.CASE, SqlKind.COALESCE, SqlKind.EQUALS, SqlKind.NOT_EQUALS, SqlKind.LESS_THAN,
            SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL);

    private static final Set<SqlKind> ARITHMETIC = Set.of(SqlKind.PLUS, SqlKind.MINUS, SqlKind.TIMES,
            SqlKind.DIVIDE, SqlKind.MOD, SqlKind.MINUS_PREFIX, SqlKind.PLUS_PREFIX);

    /** Functions whose Calcite implementation gives the engines' result for the value types above. */
    private static final Set<String> FUNCTIONS = Set.of("ABS", "SQRT", "EXP", "POWER", "FLOOR", "CEIL", "CEILING",
            "UPPER", "LOWER", "CHAR_LENGTH", "CHARACTER_LENGTH", "||", "MOD");

    private final String engine;

    /** @param engine the warehouse's engine name ({@code duckdb}, {@code trino}) */
    OnlineExpressionRules(String engine) {
        this.engine = requireNonNull(engine, "engine");
    }

    /** Why an expression cannot be evaluated online, or empty when it can. */
    Optional<String> refusal(RexNode node) {
        Optional<String> type = typeRefusal(node.getType());
        if (type.isPresent()) {
            return type;
        }
        if (node instanceof RexInputRef || node instanceof RexDynamicParam || node instanceof RexLiteral) {
            return Optional.empty();
        }
        if (!(node instanceof RexCall call)) {
            return Optional.of("expression " + node + " is not evaluated online");
        }
        Optional<String> own = callRefusal(call);
        if (own.isPresent()) {
            return own;
        }
        for (RexNode operand : call.getOperands()) {
            Optional<String> r = refusal(operand);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    private Optional<String> callRefusal(RexCall call) {
        SqlKind kind = call.getKind();
        if (call.getType().getSqlTypeName() == SqlTypeName.CHAR) {
            // Calcite pads CASE 'a' / 'bb' to CHAR(2) 'a '; the engines return VARCHAR 'a'.
            return Optional.of("expression " + call + " has a blank-padded CHAR result in the gateway;"
                    + " CAST its literals to VARCHAR to serve it online");
        }
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        if (LOGIC.contains(kind)) {
            return Optional.empty();
        }
        if (kind == SqlKind.CAST) {
            return castRefusal(call.getOperands().get(0).getType(), call.getType());
        }
        if (ARITHMETIC.contains(kind) || FUNCTIONS.contains(name)) {
            if (isDecimal(call.getType()) && (ARITHMETIC.contains(kind) || name.equals("MOD"))) {
                return Optional.of("DECIMAL arithmetic (" + call + "): the warehouse's result precision and scale"
                        + " differ from the gateway's; CAST the operands to DOUBLE to serve it online");
            }
            // Only Trino is known to truncate like Java; DuckDB (and any engine not measured) is refused.
            if (kind == SqlKind.DIVIDE && !engine.equals("trino") && call.getOperands().stream().allMatch(
                    o -> SqlTypeFamily.EXACT_NUMERIC.contains(o.getType()))) {
                return Optional.of("integer division (" + call + "): " + (engine.equals("duckdb")
                        ? "DuckDB divides exactly (result DOUBLE)" : "the warehouse's rule is not known to the gateway")
                        + "; CAST an operand to DOUBLE to serve it online");
            }
            return Optional.empty();
        }
        return Optional.of("function or operator " + call.getOperator().getName()
                + " is not among those evaluated online (arithmetic, comparisons, CASE, COALESCE, CAST, AND/OR/NOT, "
                + String.join(", ", new TreeSet<>(FUNCTIONS)) + ")");
    }

    private static Optional<String> castRefusal(RelDataType from, RelDataType to) {
        SqlTypeName f = from.getSqlTypeName();
        SqlTypeName t = to.getSqlTypeName();
        if (f == t && (t != SqlTypeName.DECIMAL || from.getScale() == to.getScale()
                && from.getPrecision() <= to.getPrecision()) || f == SqlTypeName.NULL) {
            return Optional.empty();
        }
        boolean fromChar = SqlTypeFamily.CHARACTER.contains(from);
        boolean toChar = SqlTypeFamily.CHARACTER.contains(to);
        if (fromChar && toChar && to.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED) {
            return Optional.empty();
        }
        if (SqlTypeFamily.EXACT_NUMERIC.contains(from) && f != SqlTypeName.DECIMAL
                && SqlTypeFamily.EXACT_NUMERIC.contains(to) && t != SqlTypeName.DECIMAL
                && rank(f) <= rank(t)) {
            return Optional.empty();
        }
        if (SqlTypeFamily.NUMERIC.contains(from) && SqlTypeFamily.APPROXIMATE_NUMERIC.contains(to)
                && (t == SqlTypeName.DOUBLE || t == SqlTypeName.FLOAT || f == SqlTypeName.REAL)) {
            return Optional.empty();
        }
        return Optional.of("CAST from " + from + " to " + to + ": the engines round or format it differently"
                + " from the gateway");
    }

    private static int rank(SqlTypeName t) {
        return switch (t) {
            case TINYINT -> 1;
            case SMALLINT -> 2;
            case INTEGER -> 3;
            default -> 4;
        };
    }

    static Optional<String> typeRefusal(RelDataType type) {
        if (!VALUE_TYPES.contains(type.getSqlTypeName())) {
            return Optional.of("values of type " + type.getSqlTypeName() + " are not evaluated online (numbers,"
                    + " BOOLEAN and character strings are)");
        }
        return Optional.empty();
    }

    private static boolean isDecimal(RelDataType type) {
        return type.getSqlTypeName() == SqlTypeName.DECIMAL;
    }
}
