package dev.asof.planner.sql;

import static dev.asof.planner.sql.Nodes.POS;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.validate.SqlTypes;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.FileFormat;
import dev.asof.spi.warehouse.TieValue;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.dialect.TrinoSqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimestampString;

/**
 * Trino spellings. Sessions run with time zone {@code UTC}, so a plain TIMESTAMP is a UTC wall
 * clock, as asof reads it.
 *
 * <ul>
 *   <li>Instants are {@code TIMESTAMP WITH TIME ZONE} values (plain timestamps and dates read as
 *       UTC with {@code with_timezone}): Trino compares them by instant at full precision.
 *       Epoch microseconds would need string work ({@code to_unixtime} is a double, not exact).
 *       In a plan whose times are all plain TIMESTAMPs and DATEs, the plain timestamps
 *       themselves, which order the same and cost nothing to compute.
 *   <li>Where exact epoch microseconds are needed (tiles of windowed aggregates), they are
 *       {@code date_diff('second', epoch, date_trunc('second', v)) * 1e6} plus the six fraction
 *       digits of {@code CAST(v AS TIMESTAMP(6))}'s text (the last six characters, whatever the
 *       year's width); a zoned value is first moved to UTC ({@code at_timezone}).
 *   <li>{@code max_by(value, key)} keeps NULL values (only NULL keys are skipped) and runs as a
 *       window function with a ROWS frame.
 *   <li>Trino refuses to order ROWs whose fields are NULL, so a nullable field of an ordering
 *       key is either a flag and a non-NULL stand-in ({@code v IS NOT NULL, COALESCE(v, 0)}) or,
 *       for types without a stand-in here, an array of zero or one element ({@code ARRAY[]} for
 *       NULL): arrays compare element by element and a shorter prefix is smaller, which is
 *       exactly "NULL lowest, then by value" and never compares a NULL.
 * </ul>
 */
public final class TrinoDialect implements EngineDialect {
    /** The time types without a zone: read as UTC, they order as their wall clocks. */
    private static final Set<JDBCType> PLAIN = EnumSet.of(JDBCType.TIMESTAMP, JDBCType.DATE);

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
        SqlNode year = Nodes.function("year", Nodes.function("at_timezone", instant.clone(POS), literal("UTC")));
        SqlNode outside = SqlStdOperatorTable.OR.createCall(POS,
                SqlStdOperatorTable.LESS_THAN.createCall(POS, year, Nodes.number(1)),
                SqlStdOperatorTable.GREATER_THAN.createCall(POS, year.clone(POS), Nodes.number(9999)));
        return checked(outside, value, instant);
    }

    /**
     * When every time the plan compares is a plain {@code TIMESTAMP} or {@code DATE}, the plain
     * values themselves: read as UTC they order exactly as their wall clocks do, so no zone is
     * attached. A DATE becomes {@code CAST(d AS TIMESTAMP)}, its midnight (exact; the reverse
     * cast would drop the time of day), so dates and timestamps compare and a TTL can be
     * subtracted. The range check compares the value with the limits of the range, which Trino
     * does without extracting a field: {@code d < DATE '0001-01-01' OR d > DATE '9999-12-31'},
     * {@code t < TIMESTAMP '0001-01-01 00:00:00' OR t > TIMESTAMP '9999-12-31 23:59:59.999999'}.
     * Otherwise (a zoned time among them) the form of {@link #instant(SqlNode, JDBCType)}.
     */
    @Override
    public SqlNode instant(SqlNode value, JDBCType type, Set<JDBCType> together) {
        if (!together.contains(type) || !PLAIN.containsAll(together)) {
            return instant(value, type);
        }
        SqlNode first;
        SqlNode last;
        SqlNode instant;
        if (type == JDBCType.DATE) {
            first = SqlLiteral.createDate(new DateString(1, 1, 1), POS);
            last = SqlLiteral.createDate(new DateString(9999, 12, 31), POS);
            instant = Nodes.cast(value.clone(POS), SqlTypeName.TIMESTAMP);
        } else {
            first = SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, new TimestampString(1, 1, 1, 0, 0, 0), 0, POS);
            last = SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP,
                    new TimestampString(9999, 12, 31, 23, 59, 59).withFraction("999999"), 6, POS);
            instant = value.clone(POS);
        }
        SqlNode outside = SqlStdOperatorTable.OR.createCall(POS,
                SqlStdOperatorTable.LESS_THAN.createCall(POS, value, first),
                SqlStdOperatorTable.GREATER_THAN.createCall(POS, value.clone(POS), last));
        return checked(outside, value, instant);
    }

    /** {@code CASE WHEN outside THEN fail(<22008 naming the column of value>) ELSE instant END}. */
    private static SqlNode checked(SqlNode outside, SqlNode value, SqlNode instant) {
        String column = value instanceof SqlIdentifier id && !id.names.get(id.names.size() - 1).startsWith("__")
                ? "column '" + id.names.get(id.names.size() - 1) + "'"
                : "the AS OF time";
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
        return SqlStdOperatorTable.ROW.createCall(POS, fields.stream().map(TrinoDialect::wrapped).toList());
    }

    /** {@code ARRAY[]} when NULL, {@code ARRAY[f]} otherwise: orderable without comparing a NULL. */
    private static SqlNode wrapped(SqlNode f) {
        SqlNode empty = SqlStdOperatorTable.ARRAY_VALUE_CONSTRUCTOR.createCall(POS);
        SqlNode one = SqlStdOperatorTable.ARRAY_VALUE_CONSTRUCTOR.createCall(POS, f.clone(POS));
        return SqlStdOperatorTable.CASE.createCall(POS, null, new SqlNodeList(List.of(Nodes.isNotNull(f)), POS),
                new SqlNodeList(List.of(one), POS), empty);
    }

    /**
     * {@code ROW(fields…, v IS NOT NULL, COALESCE(v, <a constant of v's type>), …)}: the flag
     * orders NULL lowest and the constant only ever meets another NULL, so every field is a
     * scalar that is never NULL and the ROW compares without arrays. A value of a type without
     * such a constant here is wrapped as {@link #orderingKey} does.
     */
    @Override
    public SqlNode tieKey(List<SqlNode> fields, List<TieValue> values) {
        List<SqlNode> key = new ArrayList<>();
        fields.forEach(f -> key.add(f.clone(POS)));
        for (TieValue v : values) {
            Optional<SqlNode> constant = tieStandIn(v.type());
            if (constant.isPresent()) {
                key.add(Nodes.isNotNull(v.value().clone(POS)));
                key.add(SqlStdOperatorTable.COALESCE.createCall(POS, v.value().clone(POS), constant.get()));
            } else {
                key.add(wrapped(v.value()));
            }
        }
        return SqlStdOperatorTable.ROW.createCall(POS, key);
    }

    /** A constant of the type, for the types Trino orders as scalars; empty for the others. */
    @Override
    public Optional<SqlNode> tieStandIn(JDBCType type) {
        return Optional.ofNullable(switch (type) {
            case BIGINT, INTEGER, SMALLINT, TINYINT, DOUBLE, REAL, FLOAT ->
                    Nodes.cast(Nodes.number(0), SqlTypes.sqlTypeName(type));
            case VARCHAR -> literal("");
            case BOOLEAN -> SqlLiteral.createBoolean(false, POS);
            case DATE -> SqlLiteral.createDate(new DateString(1970, 1, 1), POS);
            case TIMESTAMP -> SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, new TimestampString(1970, 1, 1, 0, 0, 0), 0, POS);
            default -> null;
        });
    }

    /**
     * One day for a {@code DATE}. A timestamp has none here: Trino's interval offsets are whole
     * milliseconds, exact only for {@code TIMESTAMP(p <= 3)}, and the column metadata asof keeps
     * for a Trino timestamp column does not tell its precision.
     */
    @Override
    public Optional<SqlNode> timeStep(ColumnMetadata column) {
        return column.jdbcType() == JDBCType.DATE
                ? Optional.of(SqlLiteral.createInterval(1, "1", new SqlIntervalQualifier(TimeUnit.DAY, null, POS), POS))
                : Optional.empty();
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
                new TimestampString(1970, 1, 1, 0, 0, 0), 6, POS);
    }

    private static SqlNode dateLiteral() {
        return SqlLiteral.createDate(new DateString(1970, 1, 1), POS);
    }

    private static SqlNode literal(String text) {
        return SqlLiteral.createCharString(text, POS);
    }
}
