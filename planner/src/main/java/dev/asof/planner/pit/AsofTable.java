package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;
import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.sql.AsofJoinDialect;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.warehouse.EngineDialect;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * A latest-value view for an engine's native as-of join ("per key, the row with the greatest
 * ordering value at most the probe"), in three parts:
 *
 * <ol>
 *   <li><b>Candidates</b> ({@link #candidates}): per key, rows whose ordering value {@link #ORDERING}
 *       rises with {@code e}, so that the as-of join finds the greatest {@code e} visible at T.
 *       Without a CREATED TIME that is every source row, ordered by {@code e}: no pass over the
 *       source before the join. With one, rows are ordered by their visibility instant
 *       {@code u = max(e, c)}, and a row is kept only when no row of its key visible no later has
 *       a greater {@code e} (a dropped row can never be the answer): one window pass, one running
 *       maximum.
 *   <li><b>The matched row's values</b> ({@link #resolved}): the as-of join returns any one of the
 *       rows tied on {@code (key, e)}; rule 3 wants the greatest {@code c}, then the greatest
 *       feature tuple, NULL lowest, among the tied rows visible at T. A lateral aggregate over the
 *       source rows of the matched {@code (key, e)} (with a CREATED TIME: those with {@code c <= u}
 *       of the match, which are exactly the tied rows visible at T) applies it. The engine
 *       decorrelates it into one hash join of the source with the distinct matched pairs (at most
 *       one per spine row) and an aggregate over the few rows that match: no sort of the source.
 *   <li><b>The TTL</b> ({@link #live}): {@code e >= T - ttl} of the match, as the lateral join's
 *       condition.
 * </ol>
 *
 * <p>With a CREATED TIME, {@link CarriedLatestJoin} finds the greatest visible {@code e} without
 * the as-of join and uses only the tie step ({@link #resolvedAt}) and the TTL ({@link #liveAt});
 * the candidates here serve the queries it cannot carry.
 */
final class AsofTable {
    /** The as-of join's ordering column of the candidates. */
    static final String ORDERING = "__asof_r";

    private static final String E = "__e";
    /** The time columns as they are, for the tie match, when their types hold whole microseconds. */
    private static final String RAW_E = "__er";
    private static final String RAW_U = "__ur";
    private static final String MAX_E = "__me";

    /** Engine type names whose values are whole microseconds (DuckDB's spellings). */
    private static final Set<String> EXACT_TIME_TYPES =
            Set.of("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE", "TIMESTAMP_MS", "TIMESTAMP_S");

    private final ViewSource vs;
    private final EngineDialect dialect;
    private final boolean created;

    AsofTable(ViewSource vs) {
        this.vs = requireNonNull(vs, "vs");
        this.dialect = vs.dialect();
        this.created = vs.createdInstant().isPresent();
    }

    List<String> keyAliases() {
        return vs.keyAliases();
    }

    /**
     * The candidate rows: the probe-side join keys {@link #keyAliases()}, {@link #ORDERING} (epoch
     * microseconds: {@code e}, or {@code u} with a CREATED TIME) and what the tie step matches on:
     * {@code e} (and {@code u} with a CREATED TIME), as the columns are when their types hold
     * whole microseconds, else as instants.
     *
     * @param keyFilter a condition on the source row restricting it to probed keys (a semi-join
     *     with a selective spine), or empty to read every row
     */
    SqlNode candidates(Optional<SqlNode> keyFilter) {
        List<String> keys = vs.keyAliases();
        List<SqlNode> items = new ArrayList<>();
        List<SqlNode> where = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            items.add(Nodes.as(vs.key(i), keys.get(i)));
            where.add(Nodes.isNotNull(vs.rawKey(i)));
        }
        where.add(Nodes.isNotNull(Nodes.id(vs.source().eventTime())));
        keyFilter.ifPresent(where::add);
        SqlNode source = Nodes.as(vs.relation(), "__src");
        if (!created) {
            items.add(Nodes.as(eventInstant(), ORDERING));
            if (exactEventTime()) {
                items.add(Nodes.as(Nodes.id(vs.source().eventTime()), E));
            }
            return Nodes.select(items, source, Nodes.and(where), false);
        }
        items.add(Nodes.as(eventInstant(), E));
        items.add(Nodes.as(vs.visibleInstant(), ORDERING));
        boolean raw = exactTimes();
        if (raw) {
            items.add(Nodes.as(Nodes.id(vs.source().eventTime()), RAW_E));
            items.add(Nodes.as(SqlLibraryOperators.GREATEST.createCall(POS, Nodes.id(vs.source().eventTime()),
                    rawCreated()), RAW_U));
        }
        SqlNode rows = Nodes.select(items, source, Nodes.and(where), false);

        // A row is kept when its e is the greatest e of the rows of its key visible no later
        // (RANGE: rows of the same u included). A row it drops is dominated: some row visible no
        // later has a greater e. One sort by (key, u), one running maximum. Rows left at one u
        // share their e and differ in c only when c <= e; the tie step orders them by c.
        List<SqlNode> kept = createdColumns(keys, raw);
        List<SqlNode> rankedItems = new ArrayList<>(kept);
        rankedItems.add(Nodes.as(over(SqlStdOperatorTable.MAX.createCall(POS, Nodes.id(E)), keys,
                List.of(Nodes.id(ORDERING))), MAX_E));
        SqlNode ranked = Nodes.select(rankedItems, Nodes.as(rows, "__s"), null, false);
        return Nodes.select(createdColumns(keys, raw), Nodes.as(ranked, "__d"),
                Nodes.eq(Nodes.id(E), Nodes.id(MAX_E)), false);
    }

    /** The candidates' columns with a CREATED TIME: keys, instants, and the raw times when {@code raw}. */
    private static List<SqlNode> createdColumns(List<String> keys, boolean raw) {
        List<SqlNode> items = new ArrayList<>();
        keys.forEach(k -> items.add(Nodes.id(k)));
        items.add(Nodes.id(E));
        items.add(Nodes.id(ORDERING));
        if (raw) {
            items.add(Nodes.id(RAW_E));
            items.add(Nodes.id(RAW_U));
        }
        return items;
    }

    /**
     * The view's columns for the candidate the as-of join matched, as a sub-query correlated with
     * it (to be joined {@code LATERAL}): the view's keys and features, all NULL when nothing
     * matched. The TTL is not applied here but by {@link #live} on the lateral join: correlating
     * this aggregate with the spine's time would make the engine group by every spine time.
     *
     * @param candidate alias of the matched candidate row
     */
    SqlNode resolved(String candidate) {
        // Tie rule: the greatest (c, feature tuple) among the rows of the matched (key, e) visible
        // when the match became visible (c <= u), NULL lowest (one key pair per feature).
        List<SqlNode> match = new ArrayList<>();
        SqlNode createdTie = null;
        if (created && exactTimes()) {
            // The columns as they are: the hash join then computes no instant per source row.
            match.add(Nodes.eq(Nodes.id(vs.source().eventTime()), Nodes.id(candidate, RAW_E)));
            match.add(SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, rawCreated(),
                    Nodes.id(candidate, RAW_U)));
            createdTie = rawCreated();
        } else if (created) {
            SqlNode c = vs.createdInstant().orElseThrow();
            match.add(Nodes.eq(eventInstant(), Nodes.id(candidate, E)));
            match.add(SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, c, Nodes.id(candidate, ORDERING)));
            createdTie = c.clone(POS);
        } else if (exactEventTime()) {
            // The column itself: the hash join then reads the source's values as they are.
            match.add(Nodes.eq(Nodes.id(vs.source().eventTime()), Nodes.id(candidate, E)));
        } else {
            match.add(Nodes.eq(eventInstant(), Nodes.id(candidate, ORDERING)));
        }
        return tieAggregate(candidate, match, createdTie);
    }

    /**
     * Whether {@link CarriedLatestJoin} may order and compare the times as they are (each checked
     * against the supported range, {@link AsofJoinDialect#checkedTimestamp}) instead of as
     * instants: the event time, the created time and the spine's T are all plain TIMESTAMPs of
     * whole microseconds, which order as their instants (DuckDB's infinities included). Only
     * with a CREATED TIME.
     */
    boolean plainTimes(JDBCType timeType) {
        String c = vs.source().createdTime().orElseThrow();
        return exactTimes() && timeType == JDBCType.TIMESTAMP
                && vs.columnType(vs.source().eventTime()) == JDBCType.TIMESTAMP
                && vs.columnType(c) == JDBCType.TIMESTAMP;
    }

    /**
     * The event time as {@link CarriedLatestJoin}'s running maximum takes it, so that
     * {@link #resolvedAt} can match it: the column as it is when the times hold whole
     * microseconds, else its instant. Only with a CREATED TIME.
     */
    SqlNode maxEventTime() {
        return exactTimes() ? Nodes.id(vs.source().eventTime()) : eventInstant();
    }

    /**
     * The view's columns at a spine row of {@link CarriedLatestJoin}, as a sub-query correlated
     * with it (to be joined {@code LATERAL}): among the source rows of the row's key whose
     * {@code e} is the greatest visible at T ({@code maxE}, as {@link #maxEventTime} gives it),
     * those created no later than T (before T when {@code exclusive}), which are exactly the rows
     * tied on {@code e} visible at T; the greatest {@code c}, then the greatest feature tuple, NULL
     * lowest. All NULL when the row has no visible row (a NULL {@code maxE}, key or T). Only with a
     * CREATED TIME.
     *
     * @param row alias of the spine row
     * @param maxE its column holding the greatest visible {@code e}
     * @param time its column holding T: as it is when {@code plain} ({@link #plainTimes}), else
     *     its instant
     */
    SqlNode resolvedAt(String row, String maxE, String time, boolean plain, boolean exclusive) {
        List<SqlNode> match = new ArrayList<>();
        match.add(Nodes.eq(exactTimes() ? Nodes.id(vs.source().eventTime()) : eventInstant(), Nodes.id(row, maxE)));
        // Plain times are compared as they are: the hash join computes no instant per source row.
        SqlNode c = plain ? rawCreated() : vs.createdInstant().orElseThrow();
        match.add((exclusive ? SqlStdOperatorTable.LESS_THAN : SqlStdOperatorTable.LESS_THAN_OR_EQUAL)
                .createCall(POS, c, Nodes.id(row, time)));
        return tieAggregate(row, match, c.clone(POS));
    }

    /**
     * {@link #live} for {@link #resolvedAt}: TRUE without a TTL, else {@code e >= T - ttl} of the
     * row's greatest visible {@code e}, in instants.
     */
    SqlNode liveAt(String row, String maxE, String time, boolean plain) {
        JDBCType eType = vs.columnType(vs.source().eventTime());
        SqlNode e = exactTimes() ? dialect.instant(Nodes.id(row, maxE), eType) : Nodes.id(row, maxE);
        SqlNode t = plain ? dialect.instant(Nodes.id(row, time), JDBCType.TIMESTAMP) : Nodes.id(row, time);
        return vs.view().ttl().<SqlNode>map(d -> SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS, e,
                        dialect.instantMinus(t, d)))
                .orElse(SqlLiteral.createBoolean(true, POS));
    }

    /**
     * The view's keys and features over the source rows of {@code row}'s key that meet
     * {@code match}: the key as {@code MAX} (NULL when no row matches), each feature the
     * {@code ARG_MAX_NULL} of the tie key ({@code createdTie} when not null, then per feature
     * {@code f IS NOT NULL, f}).
     */
    private SqlNode tieAggregate(String row, List<SqlNode> match, SqlNode createdTie) {
        List<String> keys = vs.keyAliases();
        List<SqlNode> where = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            where.add(Nodes.eq(vs.key(i), Nodes.id(row, keys.get(i))));
        }
        where.addAll(match);
        List<SqlNode> tieFields = new ArrayList<>();
        if (createdTie != null) {
            tieFields.add(createdTie);
        }
        for (Feature f : vs.nonKeyFeatures()) {
            tieFields.add(Nodes.isNotNull(Expressions.parse(f.expression())));
            tieFields.add(Expressions.parse(f.expression()));
        }
        List<SqlNode> items = new ArrayList<>();
        for (Feature f : vs.view().features()) {
            int keyIndex = vs.keyIndex(f.name());
            // Every matched row has the row's key: MAX of it is that key, or NULL without a match.
            SqlNode value = keyIndex >= 0
                    ? SqlStdOperatorTable.MAX.createCall(POS, vs.key(keyIndex))
                    : dialect.argMax(Expressions.parse(f.expression()), dialect.orderingKey(
                            tieFields.stream().map(t -> t.clone(POS)).toList()));
            items.add(Nodes.as(value, f.name()));
        }
        return Nodes.select(items, Nodes.as(vs.relation(), "__t"), Nodes.and(where), false);
    }

    /**
     * The condition under which the matched candidate is the view's value at the spine's time:
     * TRUE without a TTL, else {@code e >= T - ttl} (the latest row has the greatest {@code e}, so
     * when it is expired every older row is too).
     *
     * @param candidate alias of the matched candidate row
     * @param time the spine's AS OF time
     * @param timeType its type
     */
    SqlNode live(String candidate, SqlNode time, JDBCType timeType) {
        return vs.view().ttl().<SqlNode>map(d -> SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS,
                        Nodes.id(candidate, created ? E : ORDERING), dialect.instantMinus(dialect.instant(time, timeType), d)))
                .orElse(SqlLiteral.createBoolean(true, POS));
    }

    /** The probe value of a spine time, compared with {@link #ORDERING} by {@code >=} ({@code >} when EXCLUSIVE). */
    SqlNode probe(SqlNode time, JDBCType timeType) {
        return dialect.instant(time, timeType);
    }

    /**
     * Whether equal event times are equal instants (types of microsecond precision or coarser), so
     * that the tie match may compare the column as it is instead of its instant.
     */
    private boolean exactEventTime() {
        return exact(vs.source().eventTime());
    }

    /** {@link #exactEventTime()} for the event and the created time (and the same type, so COALESCE casts nothing). */
    private boolean exactTimes() {
        String c = vs.source().createdTime().orElseThrow();
        return exactEventTime() && exact(c) && vs.source().column(c).map(ColumnMetadata::typeName)
                .equals(vs.source().column(vs.source().eventTime()).map(ColumnMetadata::typeName));
    }

    private boolean exact(String column) {
        return vs.source().column(column)
                .map(c -> EXACT_TIME_TYPES.contains(c.typeName().toUpperCase(Locale.ROOT)))
                .orElse(false);
    }

    /** The created time as it is, NULL counting as the event time. */
    private SqlNode rawCreated() {
        return SqlStdOperatorTable.COALESCE.createCall(POS, Nodes.id(vs.source().createdTime().orElseThrow()),
                Nodes.id(vs.source().eventTime()));
    }

    private SqlNode eventInstant() {
        return dialect.instant(Nodes.id(vs.source().eventTime()), vs.columnType(vs.source().eventTime()));
    }

    /** {@code aggregate OVER (PARTITION BY keys ORDER BY order RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)}. */
    private static SqlNode over(SqlNode aggregate, List<String> keys, List<SqlNode> order) {
        SqlNodeList partition = new SqlNodeList(keys.stream().map(k -> (SqlNode) Nodes.id(k)).toList(), POS);
        SqlWindow window = SqlWindow.create(null, null, partition,
                new SqlNodeList(order.stream().map(o -> o.clone(POS)).toList(), POS),
                SqlLiteral.createBoolean(false, POS), SqlWindow.createUnboundedPreceding(POS),
                SqlWindow.createCurrentRow(POS), null, POS);
        return SqlStdOperatorTable.OVER.createCall(POS, aggregate, window);
    }
}
