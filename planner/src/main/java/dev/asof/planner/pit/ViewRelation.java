package dev.asof.planner.pit;

import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.spi.warehouse.EngineDialect;
import java.sql.JDBCType;
import java.util.List;
import org.apache.calcite.sql.SqlNode;

/**
 * The relation "feature view as of T" for a set of probe points (key, T), in one engine's SQL:
 * the view's columns plus {@link #TIME_COLUMN}, at most one row per distinct probe point.
 */
sealed interface ViewRelation permits PitRelation, WindowRelation {
    /** Column of the relation holding the probe time it answers for. */
    String TIME_COLUMN = "__asof_t";

    /** The relation for a view: latest values or windowed aggregates. */
    static ViewRelation of(EngineDialect dialect, FeatureView view, Entity entity, Source source) {
        ViewSource vs = new ViewSource(dialect, view, entity, source);
        return view.windowed() ? new WindowRelation(vs) : new PitRelation(vs);
    }

    /**
     * The view's rows at the probe points.
     *
     * @param probes a query with columns {@link ViewSource#keyAliases()} (entity keys, in entity
     *     order, already of the key types) and {@link ViewSource#PROBE_TIME} (the probe time)
     * @param probeTimeType type of the probe time
     * @param exclusive whether visibility is {@code < T} rather than {@code <= T}
     * @param restrictToProbeKeys read only source rows whose key some probe has (worth it when the
     *     probes are a subset of the keys; not for "every key")
     * @param everyProbe whether every probe point with a non-NULL key and time gets a row even when
     *     the view has no value for it (a LEFT JOIN of a windowed view: its counts are then 0, not
     *     NULL); otherwise only probe points for which the view has the key
     */
    SqlNode build(SqlNode probes, JDBCType probeTimeType, boolean exclusive, boolean restrictToProbeKeys,
            boolean everyProbe);

    /** The source, keys and spellings the relation is built over. */
    ViewSource source();

    /** Aliases of the key columns in probe queries. */
    default List<String> keyAliases() {
        return source().keyAliases();
    }
}
