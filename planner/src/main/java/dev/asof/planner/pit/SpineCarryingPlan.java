package dev.asof.planner.pit;

import java.sql.JDBCType;
import java.util.List;
import org.apache.calcite.sql.SqlNode;

/**
 * A plan that carries the spine's rows through its own pass over the source, so that a
 * {@code LEFT JOIN … AS OF} needs no join back on the probe points: {@link WindowRelation#carried}
 * (windowed views) and {@link CarriedLatestJoin#carried} (latest values with a CREATED TIME).
 */
interface SpineCarryingPlan {
    /**
     * The join as one relation. Columns: {@code carriedColumns.get(i)} as
     * {@link WindowRelation#carriedAlias carriedAlias(i)}, then every column of the view by name.
     *
     * @param spine the spine's FROM item(s)
     * @param spineFilter conditions on the spine that the query applies anyway (pushed down), or
     *     null
     * @param carriedColumns spine expressions the query reads above the join
     * @param spineKeys the spine's key expressions, of the entity's key types, in entity order
     * @param time the AS OF time over the spine, of type {@code timeType}
     * @param exclusive whether the view is read strictly before {@code time}
     * @param restrictToProbeKeys read only source rows whose key some spine row has
     */
    SqlNode carried(SqlNode spine, SqlNode spineFilter, List<SqlNode> carriedColumns, List<SqlNode> spineKeys,
            SqlNode time, JDBCType timeType, boolean exclusive, boolean restrictToProbeKeys);
}
