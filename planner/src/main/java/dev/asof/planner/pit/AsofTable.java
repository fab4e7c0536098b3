package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;
import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Instants;
import dev.asof.planner.sql.Nodes;
import dev.asof.spi.warehouse.EngineDialect;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A latest-value view as an <em>as-of table</em>: per key, rows whose ordering value rises with
 * the instant they answer from, so that an engine's native as-of join ("the row with the
 * greatest ordering value at most the probe") returns exactly the latest value of the README's
 * semantics. One window pass over the source builds it:
 *
 * <ol>
 *   <li><b>Ties and created-time dominance.</b> A row is never the answer when another row of its
 *       key becomes visible no later ({@code u' <= u}, {@code u = max(e, c)}) and is greater in
 *       the tie order {@code (e, c, features)}: whenever the row is visible, that one is too and
 *       wins. Without a CREATED TIME {@code u = e}: ordering each key's rows by {@code e}, ties
 *       in ascending tie order, a row is kept when the next row's {@code e} is greater
 *       ({@code LEAD}), i.e. it is the last and greatest of its ties; the next row is then the
 *       next kept row, which the TTL needs, so one window does both. With one, ordering by
 *       {@code u}, then {@code (e, c)} and the tie order descending, a row is kept when its
 *       {@code (e, c)} (as one exact number) equals the running maximum up to itself and the
 *       previous row is not its tie (the greatest tie comes first). The tie order is one scalar
 *       sort key per feature, never a ROW value.
 *       The kept rows have strictly rising {@code u} and rising {@code (e, c)}: the answer at T is
 *       the kept row with
 *       the greatest {@code u <= T} (or {@code < T}, EXCLUSIVE), an as-of join on {@code u}.
 *   <li><b>TTL.</b> The answer at T has no value when {@code e + ttl < T}. Each kept row gets an
 *       <em>expiry row</em> (NULL features) at {@code x = e + ttl + 1} µs unless the next kept
 *       row of its key becomes visible before then; a kept row already expired when it becomes
 *       visible ({@code x <= u}) carries NULLs itself. Real rows and expiry rows share one
 *       ordering value, {@code 3u + 1} and {@code 3x}, and the probe is {@code 3T + 1} (inclusive)
 *       or {@code 3T} (EXCLUSIVE: a row visible at {@code u < T}, an expiry at {@code x <= T}):
 *       the TTL rule {@code e >= T - ttl} exactly, in integers, without a filter after the join.
 * </ol>
 *
 * <p>Columns: the probe-side join keys {@link #keyAliases()}, the view's columns (keys and
 * features under their names; NULL on expiry rows) and {@link #ORDERING}.
 */
final class AsofTable {
    /** The as-of join's ordering column. */
    static final String ORDERING = "__asof_r";

    private static final String E = "__e";
    private static final String C = "__c";
    private static final String U = "__u";
    private static final String PREVIOUS = "__p";
    private static final String HASH = "__h";
    private static final String RUNNING_MAX = "__hm";
    private static final String NEXT = "__nu";
    private static final String REAL = "__real";
    /** Expiry instants are capped just beyond +∞ (2^61 µs), so that {@code 3x} fits a BIGINT. */
    private static final long EXPIRY_CAP = Instants.PLUS_INFINITY_MICROS + 1;

    private final ViewSource vs;
    private final EngineDialect dialect;

    AsofTable(ViewSource vs) {
        this.vs = requireNonNull(vs, "vs");
        this.dialect = vs.dialect();
    }

    List<String> keyAliases() {
        return vs.keyAliases();
    }

    /**
     * The as-of table.
     *
     * @param keyFilter a condition on the source row restricting it to probed keys (a semi-join
     *     with a selective spine), or empty to read every row
     */
    SqlNode relation(Optional<SqlNode> keyFilter) {
        List<String> keys = vs.keyAliases();
        List<Feature> features = vs.nonKeyFeatures();
        boolean created = vs.createdInstant().isPresent();
        Optional<Duration> ttl = vs.view().ttl();

        // 1. Source rows with their instants and tie order.
        List<SqlNode> rowItems = new ArrayList<>();
        List<SqlNode> rowWhere = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            rowItems.add(Nodes.as(vs.key(i), keys.get(i)));
            rowWhere.add(Nodes.isNotNull(vs.rawKey(i)));
        }
        String eventTime = vs.source().eventTime();
        rowWhere.add(Nodes.isNotNull(Nodes.id(eventTime)));
        keyFilter.ifPresent(rowWhere::add);
        rowItems.add(Nodes.as(dialect.instant(Nodes.id(eventTime), vs.columnType(eventTime)), E));
        vs.createdInstant().ifPresent(c -> rowItems.add(Nodes.as(c, C)));
        if (created) {
            rowItems.add(Nodes.as(vs.visibleInstant(), U));
        }
        List<SqlNode> tieFields = new ArrayList<>();
        for (int j = 0; j < features.size(); j++) {
            SqlNode f = Expressions.parse(features.get(j).expression());
            rowItems.add(Nodes.as(f, featureAlias(j)));
            // Tie rule: the greatest feature tuple wins, NULL lowest. Scalar sort keys, one pair per
            // feature, not one ROW value: DuckDB's window sorts a ROW key about 2.5 times slower.
            tieFields.add(Nodes.isNotNull(Nodes.id(featureAlias(j))));
            tieFields.add(Nodes.id(featureAlias(j)));
        }
        SqlNode rows = Nodes.select(rowItems, Nodes.as(vs.relation(), "__src"), Nodes.and(rowWhere), false);

        // 2. Per key by u: drop ties and dominated rows; with a TTL, also the next kept row's u.
        SqlNode kept;
        if (!created) {
            // u = e. By rising e, ties in ascending tie order: a row is kept when it is the last of
            // its e (the greatest tie), i.e. when the next row's e is greater; that next row is then
            // the next kept row, so one window serves both the keep test and the TTL.
            // u is e itself, named only after the window, which then sorts one instant, not two.
            List<SqlNode> order = new ArrayList<>();
            order.add(Nodes.id(E));
            tieFields.forEach(t -> order.add(t.clone(POS)));
            List<SqlNode> rankedItems = new ArrayList<>();
            for (SqlNode column : columns(keys, features, false)) {
                boolean isU = column instanceof SqlIdentifier id && id.getSimple().equals(U);
                rankedItems.add(isU ? Nodes.as(Nodes.id(E), U) : column);
            }
            rankedItems.add(Nodes.as(over(SqlStdOperatorTable.LEAD.createCall(POS, Nodes.id(E)), keys, order, null, null),
                    NEXT));
            SqlNode ranked = Nodes.select(rankedItems, Nodes.as(rows, "__s"), null, false);
            SqlNode keep = SqlStdOperatorTable.OR.createCall(POS,
                    SqlStdOperatorTable.IS_NULL.createCall(POS, Nodes.id(NEXT)),
                    SqlStdOperatorTable.GREATER_THAN.createCall(POS, Nodes.id(NEXT), Nodes.id(U)));
            if (ttl.isEmpty()) {
                return Nodes.select(output(keys, features, null, Nodes.id(U)), Nodes.as(ranked, "__d"), keep, false);
            }
            List<SqlNode> keptItems = new ArrayList<>(columns(keys, features, false));
            keptItems.add(Nodes.id(NEXT));
            kept = Nodes.select(keptItems, Nodes.as(ranked, "__d"), keep, false);
        } else {
            // By u, then by (e, c) and the tie order descending. (e, c) as one exact number,
            // e * 10^19 + c (|c| < 2^62 < 10^19 / 2, |h| < 10^38). A row is greater than every
            // earlier one when it equals the running maximum up to itself and the previous row is
            // not its tie (rows tied on (e, c) are adjacent, the greatest tie first). A frame
            // ending at the current row is a running aggregate for DuckDB; one ending at
            // 1 PRECEDING is evaluated through a segment tree, several times slower.
            List<SqlNode> order = new ArrayList<>();
            order.add(Nodes.id(U));
            order.add(desc(Nodes.id(E)));
            order.add(desc(Nodes.id(C)));
            tieFields.forEach(t -> order.add(desc(t.clone(POS))));
            SqlNode h = SqlStdOperatorTable.PLUS.createCall(POS,
                    SqlStdOperatorTable.MULTIPLY.createCall(POS, Nodes.cast(Nodes.id(E), SqlTypeName.DECIMAL, 38, 0),
                            SqlLiteral.createExactNumeric("10000000000000000000", POS)),
                    Nodes.id(C));
            List<SqlNode> rankedItems = new ArrayList<>(columns(keys, features, true));
            rankedItems.add(Nodes.as(h, HASH));
            rankedItems.add(Nodes.as(over(SqlStdOperatorTable.MAX.createCall(POS, h.clone(POS)), keys, order,
                    SqlWindow.createUnboundedPreceding(POS), SqlWindow.createCurrentRow(POS)), RUNNING_MAX));
            rankedItems.add(Nodes.as(over(SqlStdOperatorTable.LAG.createCall(POS, h.clone(POS)), keys, order, null, null),
                    PREVIOUS));
            SqlNode ranked = Nodes.select(rankedItems, Nodes.as(rows, "__s"), null, false);
            SqlNode keep = SqlStdOperatorTable.AND.createCall(POS,
                    Nodes.eq(Nodes.id(HASH), Nodes.id(RUNNING_MAX)),
                    SqlStdOperatorTable.OR.createCall(POS,
                            SqlStdOperatorTable.IS_NULL.createCall(POS, Nodes.id(PREVIOUS)),
                            SqlStdOperatorTable.NOT_EQUALS.createCall(POS, Nodes.id(PREVIOUS), Nodes.id(HASH))));
            if (ttl.isEmpty()) {
                return Nodes.select(output(keys, features, null, Nodes.id(U)), Nodes.as(ranked, "__d"), keep, false);
            }
            // The row after a kept row may be a dominated one: the next kept row's u needs a
            // second window over the kept rows.
            SqlNode keptRows = Nodes.select(columns(keys, features, false), Nodes.as(ranked, "__d"), keep, false);
            List<SqlNode> nextItems = new ArrayList<>(columns(keys, features, false));
            nextItems.add(Nodes.as(over(SqlStdOperatorTable.LEAD.createCall(POS, Nodes.id(U)), keys,
                    List.of(Nodes.id(U)), null, null), NEXT));
            kept = Nodes.select(nextItems, Nodes.as(keptRows, "__k"), null, false);
        }

        // 3. TTL: expiry rows between kept rows.
        SqlNode expiry = SqlStdOperatorTable.PLUS.createCall(POS, Nodes.id(E),
                Nodes.number(Instants.saturatedMicros(ttl.get()) + 1));
        // Each kept row once as itself and once as its expiry, in one pass: the expiry copy is
        // dropped when the next kept row becomes visible first.
        SqlNode real = Nodes.eq(Nodes.id(REAL), Nodes.number(1));
        SqlNode live = SqlStdOperatorTable.AND.createCall(POS, real.clone(POS),
                SqlStdOperatorTable.GREATER_THAN.createCall(POS, expiry.clone(POS), Nodes.id(U)));
        SqlNode ordering = Nodes.caseWhen(real.clone(POS),
                SqlStdOperatorTable.PLUS.createCall(POS, times3(Nodes.id(U)), Nodes.number(1)),
                times3(SqlLibraryOperators.LEAST.createCall(POS, expiry.clone(POS), Nodes.number(EXPIRY_CAP))));
        SqlNode copies = SqlStdOperatorTable.AS.createCall(POS,
                SqlStdOperatorTable.VALUES.createCall(POS,
                        SqlStdOperatorTable.ROW.createCall(POS, Nodes.number(1)),
                        SqlStdOperatorTable.ROW.createCall(POS, Nodes.number(0))),
                Nodes.id("__v"), Nodes.id(REAL));
        SqlNode from = new SqlJoin(POS, Nodes.as(kept, "__n"), SqlLiteral.createBoolean(false, POS),
                JoinType.CROSS.symbol(POS), copies, JoinConditionType.NONE.symbol(POS), null);
        SqlNode where = SqlStdOperatorTable.OR.createCall(POS, real.clone(POS),
                SqlStdOperatorTable.OR.createCall(POS,
                        SqlStdOperatorTable.IS_NULL.createCall(POS, Nodes.id(NEXT)),
                        SqlStdOperatorTable.LESS_THAN.createCall(POS, expiry.clone(POS), Nodes.id(NEXT))));
        return Nodes.select(output(keys, features, live, ordering), from, where, false);
    }

    /**
     * The probe value of a spine time, compared with {@link #ORDERING} by {@code >=}, or {@code >}
     * when {@link #strictProbe} says so.
     */
    SqlNode probe(SqlNode time, JDBCType timeType, boolean exclusive) {
        SqlNode t = dialect.instant(time, timeType);
        if (vs.view().ttl().isEmpty()) {
            return t;
        }
        SqlNode scaled = times3(t);
        return exclusive ? scaled : SqlStdOperatorTable.PLUS.createCall(POS, scaled, Nodes.number(1));
    }

    /** Whether the probe needs a strict comparison: EXCLUSIVE without TTL (with TTL it is in the encoding). */
    boolean strictProbe(boolean exclusive) {
        return exclusive && vs.view().ttl().isEmpty();
    }

    /** The working columns: keys, instants, features. */
    private static List<SqlNode> columns(List<String> keys, List<Feature> features, boolean created) {
        List<SqlNode> items = new ArrayList<>();
        keys.forEach(k -> items.add(Nodes.id(k)));
        items.add(Nodes.id(E));
        if (created) {
            items.add(Nodes.id(C));
        }
        items.add(Nodes.id(U));
        for (int j = 0; j < features.size(); j++) {
            items.add(Nodes.id(featureAlias(j)));
        }
        return items;
    }

    /**
     * The table's columns: join keys, the view's columns (NULL unless {@code live}, when given),
     * and the ordering value.
     */
    private List<SqlNode> output(List<String> keys, List<Feature> features, SqlNode live, SqlNode ordering) {
        List<SqlNode> items = new ArrayList<>();
        keys.forEach(k -> items.add(Nodes.id(k)));
        int featureIndex = 0;
        for (Feature f : vs.view().features()) {
            int keyIndex = vs.keyIndex(f.name());
            SqlNode value = keyIndex >= 0 ? Nodes.id(keys.get(keyIndex)) : Nodes.id(featureAlias(featureIndex++));
            items.add(Nodes.as(live == null ? value : Nodes.caseWhen(live.clone(POS), value, null), f.name()));
        }
        items.add(Nodes.as(ordering, ORDERING));
        return items;
    }

    private static SqlNode over(SqlNode aggregate, List<String> keys, List<SqlNode> order, SqlNode lower, SqlNode upper) {
        SqlNodeList partition = new SqlNodeList(keys.stream().map(k -> (SqlNode) Nodes.id(k)).toList(), POS);
        SqlWindow window = SqlWindow.create(null, null, partition,
                new SqlNodeList(order.stream().map(o -> o.clone(POS)).toList(), POS),
                SqlLiteral.createBoolean(lower != null, POS), lower, upper, null, POS);
        return SqlStdOperatorTable.OVER.createCall(POS, aggregate, window);
    }

    private static SqlNode desc(SqlNode node) {
        return SqlStdOperatorTable.DESC.createCall(POS, node);
    }

    private static SqlNode times3(SqlNode value) {
        return SqlStdOperatorTable.MULTIPLY.createCall(POS, Nodes.number(3), value);
    }

    private static String featureAlias(int i) {
        return "__f" + i;
    }
}
