package dev.asof.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.plan.LookupPlan;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The types of a statement's {@code ?} parameters in the user's marker order: from the online
 * view's key columns for lookups, from the warehouse for queries it runs; {@code OTHER} where
 * nobody can tell.
 */
final class ParameterTypes extends PlannedStatement.DefaultVisitor<List<JDBCType>> {
    private final WarehouseConnector warehouse;
    private final int count;

    ParameterTypes(WarehouseConnector warehouse, int count) {
        super(Collections.nCopies(count, JDBCType.OTHER));
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.count = count;
    }

    @Override
    public List<JDBCType> visit(PlannedStatement.Query q) {
        List<JDBCType> types = unknown();
        List<JDBCType> engineTypes = warehouse.describeParameters(q.query().sql());
        List<Integer> order = q.query().parameterOrder();
        for (int k = 0; k < order.size() && k < engineTypes.size(); k++) {
            if (types.get(order.get(k)) == JDBCType.OTHER) {
                types.set(order.get(k), engineTypes.get(k));
            }
        }
        return types;
    }

    @Override
    public List<JDBCType> visit(PlannedStatement.Lookup l) {
        List<JDBCType> types = unknown();
        for (List<LookupPlan.KeyValue> tuple : l.lookup().keys()) {
            for (int k = 0; k < tuple.size(); k++) {
                if (tuple.get(k) instanceof LookupPlan.Parameter p) {
                    types.set(p.index(), l.lookup().views().get(0).features().get(k).type().jdbcType());
                }
            }
        }
        l.lookup().projection().ifPresent(p -> p.parameterTypes().forEach(types::set));
        return types;
    }

    @Override
    public List<JDBCType> visit(PlannedStatement.PassThrough p) {
        List<JDBCType> types = unknown();
        if (p.query()) {
            List<JDBCType> engineTypes = warehouse.describeParameters(p.sql());
            for (int k = 0; k < count && k < engineTypes.size(); k++) {
                types.set(k, engineTypes.get(k));
            }
        }
        return types;
    }

    @Override
    public List<JDBCType> visit(PlannedStatement.Push p) {
        return p.parameterTypes(); // the types of the columns the parameters fill
    }

    private List<JDBCType> unknown() {
        return new ArrayList<>(Collections.nCopies(count, JDBCType.OTHER));
    }
}
