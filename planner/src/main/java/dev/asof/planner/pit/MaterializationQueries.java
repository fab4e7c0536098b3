package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.sql.EngineDialect;
import dev.asof.planner.sql.Nodes;
import java.sql.JDBCType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.TimestampString;

/**
 * Warehouse SQL that computes a latest-value feature view for the online store: the same
 * point-in-time relation the offline path uses ({@link PitRelation}), probed once per key at the
 * materialization time, so the online value of a key is by construction the offline value AS OF
 * that time. The TTL is not applied here: the rows carry the event instant of their value
 * ({@link #EVENT_COLUMN}) and lookups apply the TTL at the time they run.
 */
public final class MaterializationQueries {
    /** Result column with the event instant of each row's value, in the dialect's instant form. */
    public static final String EVENT_COLUMN = PitRelation.EVENT_COLUMN;

    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private final Catalog catalog;
    private final EngineDialect dialect;

    public MaterializationQueries(Catalog catalog, EngineDialect dialect) {
        this.catalog = catalog;
        this.dialect = dialect;
    }

    /**
     * The view's rows as of {@code asOf} (visibility inclusive), for the keys that have a source
     * row that became visible in {@code (changedAfter, asOf]} (every key with a visible row when
     * {@code changedAfter} is empty). Columns: the view's columns, {@code __asof_t} (the
     * materialization time) and {@link #EVENT_COLUMN}.
     */
    public GeneratedQuery latestValues(FeatureView view, Optional<Instant> changedAfter, Instant asOf) {
        PitRelation relation = relation(view);
        SqlNode t = timestamp(asOf);
        SqlNode query = relation.buildForOnlineStore(relation.source().allKeysAt(t, changedKeys(relation, changedAfter, asOf)),
                JDBCType.TIMESTAMP, changedAfter.isPresent());
        return generated(query);
    }

    /** The number of rows {@link #latestValues} returns at most: the keys it probes. */
    public GeneratedQuery changedKeyCount(FeatureView view, Optional<Instant> changedAfter, Instant asOf) {
        PitRelation relation = relation(view);
        SqlNode keys = relation.source().allKeysAt(timestamp(asOf), changedKeys(relation, changedAfter, asOf));
        SqlNode count = Nodes.select(List.of(Nodes.as(SqlStdOperatorTable.COUNT.createCall(POS,
                SqlIdentifier.star(POS)), "n")), Nodes.as(keys, "__keys"), null, false);
        return generated(count);
    }

    private List<SqlNode> changedKeys(PitRelation relation, Optional<Instant> changedAfter, Instant asOf) {
        List<SqlNode> filters = new ArrayList<>();
        SqlNode upper = dialect.instant(timestamp(asOf), JDBCType.TIMESTAMP);
        filters.add(SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, relation.source().visibleInstant(), upper));
        changedAfter.ifPresent(from -> filters.add(SqlStdOperatorTable.GREATER_THAN.createCall(POS,
                relation.source().visibleInstant(), dialect.instant(timestamp(from), JDBCType.TIMESTAMP))));
        return filters;
    }

    private GeneratedQuery generated(SqlNode query) {
        String sql = query.toSqlString(c -> c.withDialect(dialect.sqlDialect())
                .withQuoteAllIdentifiers(true)
                .withAlwaysUseParentheses(false)
                .withIndentation(2)).getSql();
        return new GeneratedQuery(sql, List.of(), 0, dialect.name());
    }

    private PitRelation relation(FeatureView view) {
        return new PitRelation(new ViewSource(dialect, view, PitRelation.entityOf(catalog, view),
                PitRelation.sourceOf(catalog, view)));
    }

    /** A TIMESTAMP literal (UTC wall clock, microseconds) for an instant. */
    private static SqlNode timestamp(Instant instant) {
        String text = LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(MICROS);
        return SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, new TimestampString(text), 6, POS);
    }
}
