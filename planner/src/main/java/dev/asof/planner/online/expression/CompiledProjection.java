package dev.asof.planner.online.expression;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.LookupProjection;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.schema.SchemaPlus;

/**
 * A lookup's select list compiled by Calcite: byte code generated once, applied to an input
 * record per result row. The generated function is stateless; each evaluation passes its own
 * record, so one instance serves concurrent executions.
 */
final class CompiledProjection implements LookupProjection {
    /** The name under which Calcite's generated code reads the input record. */
    private static final String INPUT_RECORD = "inputRecord";

    private final Function1<DataContext, Object[]> function;
    private final List<RelDataType> slotTypes;
    private final Map<Integer, Integer> parameterIndexBySlot;
    private final List<ColumnMetadata> columns;
    private final List<String> explain;
    private final Map<Integer, JDBCType> parameterTypes;

    /**
     * @param slotTypes the input record's types: the features read, then the parameters read
     * @param parameterIndexBySlot for each parameter slot of the record, the statement's parameter index
     */
    CompiledProjection(Function1<DataContext, Object[]> function, List<RelDataType> slotTypes,
            Map<Integer, Integer> parameterIndexBySlot, List<ColumnMetadata> columns, List<String> explain) {
        this.function = requireNonNull(function, "function");
        this.slotTypes = List.copyOf(slotTypes);
        this.parameterIndexBySlot = Map.copyOf(parameterIndexBySlot);
        this.columns = List.copyOf(columns);
        this.explain = List.copyOf(explain);
        Map<Integer, JDBCType> types = new LinkedHashMap<>();
        parameterIndexBySlot.forEach((slot, index) -> types.put(index, ProjectionValues.jdbcType(slotTypes.get(slot))));
        this.parameterTypes = Map.copyOf(types);
    }

    @Override
    public List<ColumnMetadata> columns() {
        return columns;
    }

    @Override
    public Map<Integer, JDBCType> parameterTypes() {
        return parameterTypes;
    }

    @Override
    public List<String> explain() {
        return explain;
    }

    @Override
    public List<Object> evaluate(Object[] features, List<Object> parameters) {
        Object[] record = new Object[slotTypes.size()];
        int featureCount = slotTypes.size() - parameterIndexBySlot.size();
        for (int slot = 0; slot < record.length; slot++) {
            if (slot < featureCount) {
                record[slot] = ProjectionValues.toStorage(features[slot], slotTypes.get(slot), "feature");
            } else {
                int index = parameterIndexBySlot.get(slot);
                record[slot] = ProjectionValues.toStorage(parameters.get(index), slotTypes.get(slot),
                        "parameter " + (index + 1));
            }
        }
        Object[] out;
        try {
            out = function.apply(new InputRecord(record));
        } catch (ArithmeticException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.contains("by zero")) {
                throw new AsofException(ErrorCode.DIVISION_BY_ZERO, "division by zero");
            }
            throw new AsofException(ErrorCode.NUMERIC_OUT_OF_RANGE, "numeric value out of range: " + message);
        }
        return Arrays.asList(out);
    }

    /** The minimal context Calcite's generated code reads: only the input record. */
    private record InputRecord(Object[] record) implements DataContext {
        @Override
        public SchemaPlus getRootSchema() {
            return null;
        }

        @Override
        public JavaTypeFactory getTypeFactory() {
            return null;
        }

        @Override
        public QueryProvider getQueryProvider() {
            return null;
        }

        @Override
        public Object get(String name) {
            return INPUT_RECORD.equals(name) ? record : null;
        }
    }
}
