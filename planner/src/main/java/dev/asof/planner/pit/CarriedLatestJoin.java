package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;
import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.sql.AsofJoinDialect;
import dev.asof.planner.sql.Nodes;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * {@code spine LEFT JOIN view AS OF T ON keys} for a view with a CREATED TIME on DuckDB, without
 * its as-of join: the spine's rows (the columns the query reads, the keys, T) and
 * the source rows (key, {@code e}, the visibility instant {@code u = max(e, c)}) in one
 * {@code UNION ALL}, and one running maximum of {@code e} per key in {@code u} order, source rows
 * before spine rows at equal instants (after them when {@code EXCLUSIVE}), gives each spine row the
 * greatest {@code e} visible at T (rules 1-2). The tie step ({@link AsofTable#resolvedAt}) then
 * takes, among the source rows of that {@code (key, e)} created no later than T, the greatest
 * {@code c}, then the greatest feature tuple (rule 3), and the TTL is the lateral join's
 * condition. One sort of spine and source rows together: the as-of join's own sort of the
 * source, and the window pass that dropped dominated rows before it, are both gone.
 *
 * <p>Only the spine columns the query reads go through the union ({@link SpineColumns}): DuckDB
 * does not drop unused columns through a {@code UNION ALL}.
 */
final class CarriedLatestJoin implements SpineCarryingPlan {
    private static final String KIND = "__kind";
    private static final String U = "__u";
    private static final String E = "__e";
    private static final String MAX_E = "__me";
    private static final String ROW = "__w";
    private static final String VALUES = "__v";
    private static final String SPINE = "__spine";

    private final ViewSource vs;
    private final AsofJoinDialect asofJoin;
    private final AsofTable table;

    CarriedLatestJoin(ViewSource vs, AsofJoinDialect asofJoin) {
        this.vs = requireNonNull(vs, "vs");
        this.asofJoin = requireNonNull(asofJoin, "asofJoin");
        this.table = new AsofTable(vs);
    }

    /**
     * The join as one relation ({@link SpineCarryingPlan#carried}). A spine row whose key or time
     * is NULL is carried with every feature NULL.
     */
    @Override
    public SqlNode carried(SqlNode spine, SqlNode spineFilter, List<SqlNode> carriedColumns, List<SqlNode> spineKeys,
            SqlNode time, JDBCType timeType, boolean exclusive, boolean restrictToProbeKeys) {
        List<String> keys = vs.keyAliases();
        List<SqlNode> spineItems = new ArrayList<>();
        List<SqlNode> sourceItems = new ArrayList<>();
        List<SqlNode> where = new ArrayList<>();
        spineItems.add(Nodes.as(Nodes.number(1), KIND));
        sourceItems.add(Nodes.as(Nodes.number(0), KIND));
        for (int i = 0; i < carriedColumns.size(); i++) {
            spineItems.add(Nodes.as(carriedColumns.get(i), WindowRelation.carriedAlias(i)));
            sourceItems.add(Nodes.as(Nodes.nullLiteral(), WindowRelation.carriedAlias(i)));
        }
        for (int i = 0; i < keys.size(); i++) {
            spineItems.add(Nodes.as(spineKeys.get(i), keys.get(i)));
            sourceItems.add(Nodes.as(vs.key(i), keys.get(i)));
            where.add(Nodes.isNotNull(vs.rawKey(i)));
        }
        where.add(Nodes.isNotNull(Nodes.id(vs.source().eventTime())));
        // U: T, or the instant a source row becomes visible; the order of the running maximum.
        // Plain timestamps as they are, each checked against the supported range once; else
        // instants. A NULL T sorts somewhere in its key's rows; the tie step's c <= T then
        // matches nothing.
        boolean plain = table.plainTimes(timeType);
        SqlNode e = Nodes.id(vs.source().eventTime());
        if (plain) {
            String c = vs.source().createdTime().orElseThrow();
            spineItems.add(Nodes.as(asofJoin.checkedTimestamp(time), U));
            SqlNode created = SqlStdOperatorTable.COALESCE.createCall(POS, asofJoin.checkedTimestamp(Nodes.id(c)),
                    e.clone(POS));
            sourceItems.add(Nodes.as(SqlLibraryOperators.GREATEST.createCall(POS, asofJoin.checkedTimestamp(e), created), U));
        } else {
            spineItems.add(Nodes.as(vs.dialect().instant(time, timeType), U));
            sourceItems.add(Nodes.as(vs.visibleInstant(), U));
        }
        spineItems.add(Nodes.as(Nodes.nullLiteral(), E));
        sourceItems.add(Nodes.as(table.maxEventTime(), E));

        List<SqlNode> with = new ArrayList<>();
        SqlNode spineRows = Nodes.select(spineItems, spine, spineFilter, false);
        if (restrictToProbeKeys) {
            with.add(new SqlWithItem(POS, Nodes.id(SPINE), null, spineRows));
            List<SqlNode> probeKeys = new ArrayList<>();
            keys.forEach(k -> probeKeys.add(Nodes.id(k)));
            where.add(vs.probeKeysExist(Nodes.select(probeKeys, Nodes.id(SPINE), null, true)));
            spineRows = Nodes.select(List.of(SqlIdentifier.star(POS)), Nodes.id(SPINE), null, false);
        }
        SqlNode union = SqlStdOperatorTable.UNION_ALL.createCall(POS, spineRows,
                Nodes.select(sourceItems, Nodes.as(vs.relation(), "__src"), Nodes.and(where), false));

        // Per key, in visibility order: the greatest e of the source rows before each spine row.
        List<SqlNode> windowItems = new ArrayList<>();
        for (int i = 0; i < carriedColumns.size(); i++) {
            windowItems.add(Nodes.id(WindowRelation.carriedAlias(i)));
        }
        keys.forEach(k -> windowItems.add(Nodes.id(k)));
        windowItems.add(Nodes.id(KIND));
        windowItems.add(Nodes.id(U));
        SqlNode kindOrder = exclusive ? SqlStdOperatorTable.DESC.createCall(POS, Nodes.id(KIND)) : Nodes.id(KIND);
        SqlWindow window = SqlWindow.create(null, null,
                new SqlNodeList(keys.stream().map(k -> (SqlNode) Nodes.id(k)).toList(), POS),
                SqlNodeList.of(Nodes.id(U), kindOrder), SqlLiteral.createBoolean(true, POS),
                SqlWindow.createUnboundedPreceding(POS), SqlWindow.createCurrentRow(POS), null, POS);
        windowItems.add(Nodes.as(SqlStdOperatorTable.OVER.createCall(POS,
                SqlStdOperatorTable.MAX.createCall(POS, Nodes.id(E)), window), MAX_E));
        SqlNode windowed = Nodes.select(windowItems, Nodes.as(union, "__un"), null, false);
        SqlNode spineOnly = Nodes.select(List.of(SqlIdentifier.star(POS)), Nodes.as(windowed, "__x"),
                Nodes.eq(Nodes.id(KIND), Nodes.number(1)), false);

        SqlNode values = Nodes.as(SqlStdOperatorTable.LATERAL.createCall(POS,
                table.resolvedAt(ROW, MAX_E, U, plain, exclusive)), VALUES);
        SqlNode from = new SqlJoin(POS, Nodes.as(spineOnly, ROW), SqlLiteral.createBoolean(false, POS),
                JoinType.LEFT.symbol(POS), values, JoinConditionType.ON.symbol(POS),
                table.liveAt(ROW, MAX_E, U, plain));
        List<SqlNode> out = new ArrayList<>();
        for (int i = 0; i < carriedColumns.size(); i++) {
            out.add(Nodes.as(Nodes.id(ROW, WindowRelation.carriedAlias(i)), WindowRelation.carriedAlias(i)));
        }
        for (Feature f : vs.view().features()) {
            out.add(Nodes.as(Nodes.id(VALUES, f.name()), f.name()));
        }
        SqlNode body = Nodes.select(out, from, null, false);
        return with.isEmpty() ? body : new SqlWith(POS, new SqlNodeList(with, POS), body);
    }
}
