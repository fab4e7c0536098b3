package dev.asof.planner.sql;

import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.FileFormat;
import java.sql.JDBCType;
import java.util.List;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.TimestampString;

/**
 * DuckDB spellings. Connections run with {@code TimeZone = 'UTC'}, so plain TIMESTAMP is UTC.
 * Latest-value PIT joins use DuckDB's {@code ASOF LEFT JOIN}, its fastest point-in-time operator.
 */
public final class DuckDbDialect implements EngineDialect, AsofJoinDialect {
    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public SqlDialect sqlDialect() {
        return DuckDBSqlDialect.DEFAULT;
    }

    /**
     * Epoch microseconds, with DuckDB's {@code infinity} and {@code -infinity} (whose
     * {@code EPOCH_US} is NULL, which would make such rows vanish and such probes sort last)
     * mapped to {@link Instants#PLUS_INFINITY_MICROS} and {@link Instants#MINUS_INFINITY_MICROS},
     * and a finite time outside {@link Instants the supported range} failing the statement with
     * an error naming the column (SQLSTATE 22008).
     */
    @Override
    public SqlNode instant(SqlNode value, JDBCType type) {
        SqlNode v = type == JDBCType.DATE ? Nodes.cast(value, SqlTypeName.TIMESTAMP) : value;
        SqlNode micros = Nodes.function("EPOCH_US", v);
        String column = columnOf(value);
        SqlNode outOfRange = SqlStdOperatorTable.OR.createCall(Nodes.POS,
                SqlStdOperatorTable.LESS_THAN.createCall(Nodes.POS, micros, Nodes.number(Instants.MIN_MICROS)),
                SqlStdOperatorTable.GREATER_THAN.createCall(Nodes.POS, micros.clone(Nodes.POS), Nodes.number(Instants.MAX_MICROS)));
        return SqlStdOperatorTable.CASE.createCall(Nodes.POS, null,
                SqlNodeList.of(
                        Nodes.eq(v.clone(Nodes.POS), SqlLiteral.createCharString("infinity", Nodes.POS)),
                        Nodes.eq(v.clone(Nodes.POS), SqlLiteral.createCharString("-infinity", Nodes.POS)),
                        outOfRange),
                SqlNodeList.of(
                        Nodes.number(Instants.PLUS_INFINITY_MICROS),
                        Nodes.number(Instants.MINUS_INFINITY_MICROS),
                        // Cast so that the CASE stays BIGINT; error() never returns.
                        Nodes.cast(Nodes.function("ERROR", SqlLiteral.createCharString(Instants.outOfRangeMessage(column), Nodes.POS)),
                                SqlTypeName.BIGINT)),
                micros.clone(Nodes.POS));
    }

    /**
     * {@code CASE WHEN t < TIMESTAMP '0001-01-01 00:00:00' OR t > TIMESTAMP '9999-12-31
     * 23:59:59.999999' THEN CASE WHEN ISINF(t) THEN t ELSE <22008> END ELSE t END}: two comparisons
     * for a time in the range, no {@code EPOCH_US}.
     */
    @Override
    public SqlNode checkedTimestamp(SqlNode value) {
        SqlNode first = SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, new TimestampString(1, 1, 1, 0, 0, 0), 0, Nodes.POS);
        SqlNode last = SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP,
                new TimestampString(9999, 12, 31, 23, 59, 59).withFraction("999999"), 6, Nodes.POS);
        SqlNode outside = SqlStdOperatorTable.OR.createCall(Nodes.POS,
                SqlStdOperatorTable.LESS_THAN.createCall(Nodes.POS, value, first),
                SqlStdOperatorTable.GREATER_THAN.createCall(Nodes.POS, value.clone(Nodes.POS), last));
        SqlNode fail = Nodes.cast(Nodes.function("ERROR",
                SqlLiteral.createCharString(Instants.outOfRangeMessage(columnOf(value)), Nodes.POS)), SqlTypeName.TIMESTAMP);
        return Nodes.caseWhen(outside,
                Nodes.caseWhen(Nodes.function("ISINF", value.clone(Nodes.POS)), value.clone(Nodes.POS), fail),
                value.clone(Nodes.POS));
    }

    /** How a range error names a time: its column, or "the AS OF time" for an expression or an internal column. */
    private static String columnOf(SqlNode value) {
        return value instanceof SqlIdentifier id && !id.names.get(id.names.size() - 1).startsWith("__")
                ? "column '" + id.names.get(id.names.size() - 1) + "'"
                : "the AS OF time";
    }

    /** {@code EPOCH_US} is already exact microseconds. */
    @Override
    public SqlNode epochMicros(SqlNode value, JDBCType type) {
        return instant(value, type);
    }

    @Override
    public SqlNode md5Hex(SqlNode text) {
        return Nodes.function("MD5", text);
    }

    /** DuckDB casts {@code '0x…'} text to integers. */
    @Override
    public SqlNode hexToBigint(SqlNode hex) {
        return Nodes.cast(SqlStdOperatorTable.CONCAT.createCall(Nodes.POS, SqlLiteral.createCharString("0x", Nodes.POS), hex),
                SqlTypeName.BIGINT);
    }

    @Override
    public SqlNode instantMinus(SqlNode instant, java.time.Duration duration) {
        // Saturates: an instant is within ±2^61 µs, so subtracting at most 2^62 never overflows.
        long micros = Instants.saturatedMicros(duration);
        return org.apache.calcite.sql.fun.SqlStdOperatorTable.MINUS.createCall(Nodes.POS, instant, Nodes.number(micros));
    }

    /** HyperLogLog. */
    @Override
    public SqlNode approxDistinct(SqlNode value) {
        return Nodes.function("APPROX_COUNT_DISTINCT", value);
    }

    @Override
    public SqlNode approxQuantile(SqlNode value, double quantile) {
        return Nodes.function("APPROX_QUANTILE", value, SqlLiteral.createExactNumeric(new java.math.BigDecimal(Double.toString(quantile)).toPlainString(), Nodes.POS));
    }

    @Override
    public SqlNode argMax(SqlNode value, SqlNode key) {
        // ARG_MAX skips NULL values; a NULL feature in the latest row must stay NULL.
        return Nodes.function("ARG_MAX_NULL", value, key);
    }

    @Override
    public SqlNode asofLeftJoin(SqlNode left, SqlNode right, SqlNode keyEqualities, SqlNode probe, SqlNode ordering,
            boolean strict) {
        SqlNode inequality = strict
                ? SqlStdOperatorTable.GREATER_THAN.createCall(Nodes.POS, probe, ordering)
                : SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(Nodes.POS, probe, ordering);
        return new AsofLeftJoin(Nodes.POS, left, right, SqlStdOperatorTable.AND.createCall(Nodes.POS, keyEqualities, inequality));
    }

    @Override
    public SqlNode orderingKey(List<SqlNode> fields) {
        return SqlStdOperatorTable.ROW.createCall(Nodes.POS, fields);
    }

    /**
     * {@code READ_PARQUET(path)}, or for CSV {@code READ_CSV(path, sample_size = -1, header = true,
     * delim = …)}: the column types are inferred from every row (DuckDB's sniffer otherwise samples
     * the first rows, so a bad value further down would type a column at CREATE and break queries
     * later), the first line is the header, and the delimiter follows the extension ({@code .tsv}:
     * tab, else comma). CREATE SOURCE and every query read the file through this one relation, so
     * its types are the same at both.
     */
    @Override
    public SqlNode fileRelation(String path, FileFormat format) {
        SqlNode file = SqlLiteral.createCharString(path, Nodes.POS);
        if (format == FileFormat.PARQUET) {
            return Nodes.function("READ_PARQUET", file);
        }
        String delimiter = path.toLowerCase(java.util.Locale.ROOT).endsWith(".tsv") ? "\t" : ",";
        return Nodes.function("READ_CSV", file,
                Nodes.eq(Nodes.id("sample_size"), Nodes.number(-1)),
                Nodes.eq(Nodes.id("header"), SqlLiteral.createBoolean(true, Nodes.POS)),
                Nodes.eq(Nodes.id("delim"), SqlLiteral.createCharString(delimiter, Nodes.POS)));
    }
}
