package dev.asof.spi.warehouse;

import java.sql.JDBCType;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;

/**
 * What differs between warehouses in the SQL the planner generates: each warehouse connector
 * brings one ({@link WarehouseConnector#dialect()}). The PIT plan shape is the same on every
 * engine; only these pieces are spelled per engine, as Calcite trees (never text).
 */
public interface EngineDialect {
    /** Engine name, as EXPLAIN shows it. */
    String name();

    /** Calcite's unparser settings for this engine (quoting, literals, casts). */
    SqlDialect sqlDialect();

    /**
     * A time value as an instant that orders exactly (microsecond precision, no rounding), in a
     * form every instant this dialect produces compares with: epoch microseconds on DuckDB,
     * {@code TIMESTAMP WITH TIME ZONE} on Trino.
     *
     * @param type the value's type: {@code TIMESTAMP} is read as UTC, {@code DATE} as its midnight UTC
     */
    SqlNode instant(SqlNode value, JDBCType type);

    /**
     * A time value as exact epoch microseconds, a {@code BIGINT}: the integer arithmetic of
     * windowed aggregates (tiles of the hop grid) needs it. A plain TIMESTAMP is read as UTC, a
     * DATE as its midnight UTC; times before 1970 are negative.
     */
    SqlNode epochMicros(SqlNode value, JDBCType type);

    /** The MD5 digest of a string's UTF-8 bytes as 32 hex digits (either case). */
    SqlNode md5Hex(SqlNode text);

    /** A string of at most 15 hex digits as a {@code BIGINT}. */
    SqlNode hexToBigint(SqlNode hex);

    /** The instant {@code duration} before {@code instant} (an expression made by {@link #instant}). */
    SqlNode instantMinus(SqlNode instant, java.time.Duration duration);

    /** Aggregate: the {@code value} of the row with the greatest {@code key}. */
    SqlNode argMax(SqlNode value, SqlNode key);

    /** Aggregate: an estimate of the number of distinct non-null {@code value}s (a sketch where the engine has one). */
    SqlNode approxDistinct(SqlNode value);

    /**
     * Aggregate: an estimate of the {@code quantile} (0 to 1) of the non-null values of
     * {@code value}, a {@code DOUBLE} expression.
     */
    SqlNode approxQuantile(SqlNode value, double quantile);

    /** A composite sort key compared field by field. */
    SqlNode orderingKey(java.util.List<SqlNode> fields);

    /**
     * The relation that reads a file source.
     *
     * @throws UnsupportedOperationException when the engine cannot read files
     */
    SqlNode fileRelation(String path, FileFormat format);
}
