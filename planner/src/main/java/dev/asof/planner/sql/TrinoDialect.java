package dev.asof.planner.sql;

import static dev.asof.planner.sql.Nodes.POS;

import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.FileFormat;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.TrinoSqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Trino spellings. Sessions run with time zone {@code UTC}, so a plain TIMESTAMP is a UTC wall
 * clock, as asof reads it.
 *
 * <ul>
 *   <li>Instants are {@code TIMESTAMP WITH TIME ZONE} values (plain timestamps and dates read as
 *       UTC with {@code with_timezone}): Trino compares them by instant at full precision.
 *       Epoch microseconds would need string work ({@code to_unixtime} is a double, not exact).
 *   <li>Where exact epoch microseconds are needed (tiles of windowed aggregates), they are
 *       {@code date_diff('second', epoch, date_trunc('second', v)) * 1e6} plus the six fraction
 *       digits of {@code CAST(v AS TIMESTAMP(6))}'s text (the last six characters, whatever the
 *       year's width); a zoned value is first moved to UTC ({@code at_timezone}).
 *   <li>{@code max_by(value, key)} keeps NULL values (only NULL keys are skipped) and runs as a
 *       window function with a ROWS frame.
 *   <li>Trino refuses to order ROWs whose fields are NULL, so every nullable field of the
 *       ordering key is wrapped as an array of zero or one element ({@code ARRAY[]} for NULL):
 *       arrays compare element by element and a shorter prefix is smaller, which is exactly
 *       "NULL lowest, then by value" and never compares a NULL.
 * </ul>
 */
public final class TrinoDialect implements EngineDialect {
    @Override
    public String name() {
        return "trino";
    }

    @Override
    public SqlDialect sqlDialect() {
        return TrinoSqlDialect.DEFAULT;
    }

    /**
     * Instants as {@code TIMESTAMP WITH TIME ZONE}, which Trino orders by instant at full
     * precision: exact, and much cheaper than computing epoch microseconds (Trino has no exact
     * function for those). A plain TIMESTAMP is read as UTC, a DATE as its midnight UTC.
     *
     * <p>Trino holds finite times far beyond {@link Instants the supported range} (about ±292,000
     * years) and has no infinite ones; the rule is the one DuckDB follows: a time outside
     * 0001-01-01 … 9999-12-31 UTC in a source or a spine fails the statement with an error naming
     * the column (SQLSTATE 22008), raised with Trino's {@code fail}.
     */
    @Override
    public SqlNode instant(SqlNode value, JDBCType type) {
        SqlNode instant = switch (type) {
            case TIMESTAMP_WITH_TIMEZONE -> value;
            case DATE -> Nodes.function("with_timezone", Nodes.cast(value, SqlTypeName.TIMESTAMP), literal("UTC"));
            default -> Nodes.function("with_timezone", value, literal("UTC"));
        };
        String column = value instanceof org.apache.calcite.sql.SqlIdentifier id
                && !id.names.get(id.names.size() - 1).startsWith("__")
                ? "column '" + id.names.get(id.names.size() - 1) + "'"
                : "the AS OF time";
        SqlNode year = Nodes.function("year", Nodes.function("at_timezone", instant.clone(POS), literal("UTC")));
        SqlNode outside = SqlStdOperatorTable.OR.createCall(POS,
                SqlStdOperatorTable.LESS_THAN.createCall(POS, year, Nodes.number(1)),
                SqlStdOperatorTable.GREATER_THAN.createCall(POS, year.clone(POS), Nodes.number(9999)));
        // fail() has Trino's type "unknown", which the CASE coerces to the instant's type.
        return Nodes.caseWhen(outside, Nodes.function("fail", literal(Instants.outOfRangeMessage(column))), instant);
    }

    @Override
    public SqlNode epochMicros(SqlNode value, JDBCType type) {
        if (type == JDBCType.DATE) {
            SqlNode days = Nodes.function("date_diff", literal("day"), dateLiteral(), value);
            return SqlStdOperatorTable.MULTIPLY.createCall(POS, days, Nodes.number(86_400_000_000L));
        }
        SqlNode utc = type == JDBCType.TIMESTAMP_WITH_TIMEZONE
                ? Nodes.function("at_timezone", value, literal("UTC"))
                : value;
        SqlNode micros6 = cast6(utc);
        // date_trunc floors (also before 1970), so the fraction digits are always added.
        SqlNode seconds = Nodes.function("date_diff", literal("second"), epochLiteral(),
                Nodes.function("date_trunc", literal("second"), micros6));
        SqlNode fraction = Nodes.cast(Nodes.function("substr", Nodes.cast(micros6.clone(POS), SqlTypeName.VARCHAR),
                Nodes.number(-6)), SqlTypeName.BIGINT);
        return SqlStdOperatorTable.PLUS.createCall(POS,
                SqlStdOperatorTable.MULTIPLY.createCall(POS, seconds, Nodes.number(1_000_000L)), fraction);
    }

    @Override
    public SqlNode md5Hex(SqlNode text) {
        return Nodes.function("to_hex", Nodes.function("md5", Nodes.function("to_utf8", text)));
    }

    @Override
    public SqlNode hexToBigint(SqlNode hex) {
        return Nodes.function("from_base", hex, Nodes.number(16));
    }

    @Override
    public SqlNode instantMinus(SqlNode instant, java.time.Duration duration) {
        // Trino's date_add overflows on millisecond amounts beyond an int (about 24 days): whole
        // seconds first, the millisecond remainder only when there is one.
        SqlNode shifted = Nodes.function("date_add", literal("second"), Nodes.number(-duration.getSeconds()), instant);
        int millis = duration.toMillisPart();
        return millis == 0 ? shifted : Nodes.function("date_add", literal("millisecond"), Nodes.number(-millis), shifted);
    }

    /** HyperLogLog (standard error 2.3%). */
    @Override
    public SqlNode approxDistinct(SqlNode value) {
        return Nodes.function("approx_distinct", value);
    }

    @Override
    public SqlNode approxQuantile(SqlNode value, double quantile) {
        return Nodes.function("approx_percentile", value, SqlLiteral.createExactNumeric(new java.math.BigDecimal(Double.toString(quantile)).toPlainString(), Nodes.POS));
    }

    @Override
    public SqlNode argMax(SqlNode value, SqlNode key) {
        return Nodes.function("max_by", value, key);
    }

    @Override
    public SqlNode orderingKey(List<SqlNode> fields) {
        List<SqlNode> encoded = new ArrayList<>(fields.size());
        for (SqlNode f : fields) {
            // ARRAY[] when NULL, ARRAY[f] otherwise: orderable without comparing a NULL.
            SqlNode empty = SqlStdOperatorTable.ARRAY_VALUE_CONSTRUCTOR.createCall(POS);
            SqlNode one = SqlStdOperatorTable.ARRAY_VALUE_CONSTRUCTOR.createCall(POS, f.clone(POS));
            encoded.add(SqlStdOperatorTable.CASE.createCall(POS, null,
                    new org.apache.calcite.sql.SqlNodeList(List.of(Nodes.isNotNull(f)), POS),
                    new org.apache.calcite.sql.SqlNodeList(List.of(one), POS), empty));
        }
        return SqlStdOperatorTable.ROW.createCall(POS, encoded);
    }

    @Override
    public SqlNode fileRelation(String path, FileFormat format) {
        throw new AsofException(ErrorCode.NOT_SUPPORTED,
                "file sources need the embedded warehouse (DuckDB); on Trino, use a Trino table");
    }

    private static SqlNode cast6(SqlNode value) {
        return SqlStdOperatorTable.CAST.createCall(POS, value,
                new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.TIMESTAMP, 6, POS), POS));
    }

    private static SqlNode epochLiteral() {
        return SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP,
                new org.apache.calcite.util.TimestampString(1970, 1, 1, 0, 0, 0), 6, POS);
    }

    private static SqlNode dateLiteral() {
        return SqlLiteral.createDate(new org.apache.calcite.util.DateString(1970, 1, 1), POS);
    }

    private static SqlNode literal(String text) {
        return SqlLiteral.createCharString(text, POS);
    }
}
