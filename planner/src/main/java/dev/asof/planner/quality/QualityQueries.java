package dev.asof.planner.quality;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.QueryPlanner;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.SqlAsOf;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.sql.Nodes;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.EngineDialect;
import java.math.BigDecimal;
import java.sql.JDBCType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.TimestampString;

/**
 * The warehouse queries behind the monitoring statements, each one set-based query built as a tree
 * on the PIT planner's output (names are identifiers, times and bin edges literals; no text of a
 * user's is spliced):
 *
 * <ul>
 *   <li>{@link #replay}: the log of served lookups as the spine of a PIT join with the view, AS OF
 *       each lookup's time (VALIDATE);
 *   <li>{@link #statistics}: one pass over the view's values as of a time (ANALYZE);
 *   <li>{@link #quantiles} and {@link #histogram}: the baseline's bin edges and the counts per bin
 *       (ANALYZE … DRIFT).
 * </ul>
 *
 * "The view's values as of t" is {@code SELECT keys, features FROM view AS OF t}: one row per
 * entity key that has a value at t, the same rows a training extract or lookup at t sees.
 */
public final class QualityQueries {
    /** The column of a log table that holds each lookup's time (TIMESTAMP, UTC, microseconds). */
    public static final String LOOKUP_TIME = "asof_lookup_time";

    private static final Set<JDBCType> NUMBERS = EnumSet.of(JDBCType.TINYINT, JDBCType.SMALLINT, JDBCType.INTEGER,
            JDBCType.BIGINT, JDBCType.REAL, JDBCType.FLOAT, JDBCType.DOUBLE, JDBCType.DECIMAL, JDBCType.NUMERIC);

    private final Catalog catalog;
    private final EngineDialect dialect;

    public QualityQueries(Catalog catalog, EngineDialect dialect) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.dialect = requireNonNull(dialect, "dialect");
    }

    /** Whether a feature is compared as a number (bins by quantiles, mean, quantiles) rather than by value. */
    public static boolean numeric(Feature feature) {
        return NUMBERS.contains(feature.type().jdbcType());
    }

    /** The view's key columns, in entity order. */
    public List<Feature> keys(FeatureView view) {
        return view.features().subList(0, keyCount(view));
    }

    /** The view's features (its columns after the keys), in definition order. */
    public List<Feature> features(FeatureView view) {
        return view.features().subList(keyCount(view), view.features().size());
    }

    private int keyCount(FeatureView view) {
        return catalog.object(view.entity()).filter(Entity.class::isInstance).map(e -> ((Entity) e).keys().size())
                .orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT, "entity '" + view.entity() + "' not found"));
    }

    /**
     * VALIDATE's replay: per logged lookup at {@code from <= time < to}, its keys and time, then per
     * feature {@code i} the served value ({@code served_i}) and the warehouse's value AS OF the
     * lookup's time ({@code offline_i}).
     */
    public GeneratedQuery replay(FeatureView view, TableName log, Optional<Instant> from, Optional<Instant> to) {
        SqlIdentifier time = Nodes.id("l", LOOKUP_TIME);
        List<SqlNode> items = new ArrayList<>();
        List<SqlNode> on = new ArrayList<>();
        for (Feature key : keys(view)) {
            items.add(Nodes.id("l", key.name()));
            on.add(Nodes.eq(Nodes.id("v", key.name()), Nodes.id("l", key.name())));
        }
        items.add(time);
        List<Feature> features = features(view);
        for (int i = 0; i < features.size(); i++) {
            items.add(Nodes.as(Nodes.id("l", features.get(i).name()), "served_" + i));
            items.add(Nodes.as(Nodes.id("v", features.get(i).name()), "offline_" + i));
        }
        SqlNode spine = Nodes.as(Nodes.id(log.parts()), "l");
        SqlNode asOf = Nodes.as(new SqlAsOf(Nodes.POS, Nodes.id(view.name()), time.clone(Nodes.POS), false, true), "v");
        SqlNode join = new SqlJoin(Nodes.POS, spine, SqlLiteral.createBoolean(false, Nodes.POS),
                JoinType.LEFT.symbol(Nodes.POS), asOf, JoinConditionType.ON.symbol(Nodes.POS), Nodes.and(on));
        List<SqlNode> where = new ArrayList<>();
        from.ifPresent(t -> where.add(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(Nodes.POS,
                time.clone(Nodes.POS), timestamp(t))));
        to.ifPresent(t -> where.add(SqlStdOperatorTable.LESS_THAN.createCall(Nodes.POS, time.clone(Nodes.POS),
                timestamp(t))));
        SqlSelect select = Nodes.select(items, join, where.isEmpty() ? null : Nodes.and(where), false);
        return new QueryPlanner(catalog, dialect).plan(select);
    }

    /**
     * ANALYZE's one pass over the view's values at {@code asOf}: column {@code rows} (the number of
     * entity keys with a value), then per feature {@code i}: {@code n_i} (non-null values),
     * {@code d_i} (distinct estimate) and, for numbers (as DOUBLE), {@code min_i}, {@code max_i},
     * {@code mean_i}, {@code sd_i} (sample standard deviation), {@code p01_i}, {@code p50_i},
     * {@code p99_i} (approximate quantiles); NULL for other types.
     */
    public GeneratedQuery statistics(FeatureView view, Instant asOf) {
        List<SqlNode> items = new ArrayList<>();
        items.add(Nodes.as(SqlStdOperatorTable.COUNT.createCall(Nodes.POS, SqlIdentifier.star(Nodes.POS)), "rows"));
        List<Feature> features = features(view);
        for (int i = 0; i < features.size(); i++) {
            Feature f = features.get(i);
            items.add(Nodes.as(SqlStdOperatorTable.COUNT.createCall(Nodes.POS, column(f)), "n_" + i));
            items.add(Nodes.as(dialect.approxDistinct(column(f)), "d_" + i));
            boolean number = numeric(f);
            items.add(Nodes.as(number ? SqlStdOperatorTable.MIN.createCall(Nodes.POS, asDouble(f)) : nullDouble(), "min_" + i));
            items.add(Nodes.as(number ? SqlStdOperatorTable.MAX.createCall(Nodes.POS, asDouble(f)) : nullDouble(), "max_" + i));
            items.add(Nodes.as(number ? SqlStdOperatorTable.AVG.createCall(Nodes.POS, asDouble(f)) : nullDouble(), "mean_" + i));
            items.add(Nodes.as(number ? SqlStdOperatorTable.STDDEV_SAMP.createCall(Nodes.POS, asDouble(f)) : nullDouble(), "sd_" + i));
            items.add(Nodes.as(number ? dialect.approxQuantile(asDouble(f), 0.01) : nullDouble(), "p01_" + i));
            items.add(Nodes.as(number ? dialect.approxQuantile(asDouble(f), 0.5) : nullDouble(), "p50_" + i));
            items.add(Nodes.as(number ? dialect.approxQuantile(asDouble(f), 0.99) : nullDouble(), "p99_" + i));
        }
        return over(view, asOf, items, null);
    }

    /**
     * One pass over the view's values at {@code asOf}: per numeric feature of {@code numeric} (in
     * order) and per quantile of {@code quantiles} (in order), one DOUBLE column (approximate).
     */
    public GeneratedQuery quantiles(FeatureView view, Instant asOf, List<Feature> numeric, List<Double> quantiles) {
        List<SqlNode> items = new ArrayList<>();
        for (int i = 0; i < numeric.size(); i++) {
            for (int q = 0; q < quantiles.size(); q++) {
                items.add(Nodes.as(dialect.approxQuantile(asDouble(numeric.get(i)), quantiles.get(q)), "q_" + i + "_" + q));
            }
        }
        return over(view, asOf, items, null);
    }

    /**
     * The number of entity keys per bin of {@code feature} at {@code asOf}: columns {@code bin} and
     * {@code n}, one row per non-empty bin. With {@code edges} (ascending, finite) the bins are
     * {@code -1} for NULL, {@code 0} for values below the first edge, {@code k} for values in
     * {@code [edge k-1, edge k)} and {@code edges.size()} above the last (as INTEGER); without, a
     * bin is one value as VARCHAR (NULL for NULL).
     */
    public GeneratedQuery histogram(FeatureView view, Instant asOf, Feature feature, Optional<List<Double>> edges) {
        SqlNode bin;
        if (edges.isPresent()) {
            List<SqlNode> when = new ArrayList<>();
            List<SqlNode> then = new ArrayList<>();
            when.add(SqlStdOperatorTable.IS_NULL.createCall(Nodes.POS, column(feature)));
            then.add(Nodes.number(-1));
            for (int k = 0; k < edges.get().size(); k++) {
                when.add(SqlStdOperatorTable.LESS_THAN.createCall(Nodes.POS, asDouble(feature), number(edges.get().get(k))));
                then.add(Nodes.number(k));
            }
            bin = SqlStdOperatorTable.CASE.createCall(Nodes.POS, null, new SqlNodeList(when, Nodes.POS),
                    new SqlNodeList(then, Nodes.POS), Nodes.number(edges.get().size()));
        } else {
            bin = Nodes.cast(column(feature), SqlTypeName.VARCHAR);
        }
        List<SqlNode> items = List.of(Nodes.as(bin, "bin"),
                Nodes.as(SqlStdOperatorTable.COUNT.createCall(Nodes.POS, SqlIdentifier.star(Nodes.POS)), "n"));
        return over(view, asOf, items, SqlNodeList.of(bin.clone(Nodes.POS)));
    }

    /** {@code SELECT items FROM (the view's values at asOf) s [GROUP BY groupBy]}. */
    private GeneratedQuery over(FeatureView view, Instant asOf, List<SqlNode> items, SqlNodeList groupBy) {
        QueryPlanner planner = new QueryPlanner(catalog, dialect);
        List<SqlNode> columns = view.features().stream().map(f -> (SqlNode) Nodes.id(f.name())).toList();
        SqlSelect values = Nodes.select(columns, new SqlAsOf(Nodes.POS, Nodes.id(view.name()), timestamp(asOf), false, true),
                null, false);
        SqlSelect outer = Nodes.select(items, Nodes.as(planner.rewrite(values), "s"), null, false);
        outer.setGroupBy(groupBy);
        return planner.unparse(outer, 0);
    }

    private static SqlNode column(Feature f) {
        return Nodes.id("s", f.name());
    }

    private static SqlNode asDouble(Feature f) {
        return Nodes.cast(column(f), SqlTypeName.DOUBLE);
    }

    private static SqlNode nullDouble() {
        return Nodes.cast(Nodes.nullLiteral(), SqlTypeName.DOUBLE);
    }

    private static SqlNode number(double value) {
        return SqlLiteral.createExactNumeric(new BigDecimal(Double.toString(value)).toPlainString(), Nodes.POS);
    }

    /** A TIMESTAMP literal (UTC) with microseconds. */
    static SqlNode timestamp(Instant instant) {
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        TimestampString s = new TimestampString(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                t.getMinute(), t.getSecond()).withNanos(t.getNano() / 1_000 * 1_000);
        return SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, s, 6, Nodes.POS);
    }
}
