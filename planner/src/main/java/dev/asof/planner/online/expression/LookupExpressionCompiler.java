package dev.asof.planner.online.expression;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.plan.LookupPlan;
import dev.asof.planner.plan.LookupProjection;
import dev.asof.planner.validate.QueryValidator;
import dev.asof.spi.ColumnMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexExecutable;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;

/**
 * Compiles the select list of a key lookup into code the gateway runs per lookup: the validated
 * query is converted to relational algebra by Calcite's {@link SqlToRelConverter}; the top
 * projection's expressions, rewritten to read an input record of (looked-up feature columns,
 * parameters), are compiled to Java byte code by Calcite's {@link RexExecutorImpl} (linq4j +
 * Janino), once per planned statement.
 */
public final class LookupExpressionCompiler {
    private final QueryValidator validator;
    private final OnlineExpressionRules rules;

    /**
     * @param validator the validator that validated the queries given to {@link #compile}
     * @param engine the warehouse's engine name, whose arithmetic the gateway must reproduce
     */
    public LookupExpressionCompiler(QueryValidator validator, String engine) {
        this.validator = requireNonNull(validator, "validator");
        this.rules = new OnlineExpressionRules(engine);
    }

    /** The outcome: a projection and the feature columns it reads, or why the warehouse must answer. */
    public sealed interface Result {}

    /** Evaluate {@code projection} over the values of {@code inputs}. */
    public record Compiled(List<LookupPlan.Output> inputs, LookupProjection projection) implements Result {
        public Compiled {
            inputs = List.copyOf(inputs);
            requireNonNull(projection, "projection");
        }
    }

    /** Not evaluated online, for {@code reason} (shown by EXPLAIN). */
    public record Refused(String reason) implements Result {
        public Refused {
            requireNonNull(reason, "reason");
        }
    }

    /**
     * Compiles the select list of a validated key lookup.
     *
     * @param select the query as validated by this compiler's validator
     * @param views the views of its FROM clause, in order (their columns form the join's row)
     */
    public Result compile(SqlSelect select, List<FeatureView> views) {
        RelDataTypeFactory typeFactory = validator.validator().getTypeFactory();
        RexBuilder rexBuilder = new RexBuilder(typeFactory);
        RelOptCluster cluster = RelOptCluster.create(new HepPlanner(HepProgram.builder().build()), rexBuilder);
        SqlToRelConverter converter = new SqlToRelConverter(null, validator.validator(),
                (Prepare.CatalogReader) validator.validator().getCatalogReader(), cluster,
                StandardConvertletTable.INSTANCE, SqlToRelConverter.config().withTrimUnusedFields(false));
        RelRoot root;
        try {
            root = converter.convertQuery(select, false, true);
        } catch (RuntimeException e) {
            return new Refused("the select list cannot be converted for online evaluation");
        }
        RelNode rel = root.rel;
        if (!(rel instanceof Project project)) {
            return new Refused("the select list is not a projection");
        }
        List<RexNode> expressions = project.getProjects();
        List<RelDataTypeField> names = root.validatedRowType.getFieldList();
        for (RexNode e : expressions) {
            Optional<String> refusal = rules.refusal(e);
            if (refusal.isPresent()) {
                return new Refused(refusal.get());
            }
        }

        // The input record: each feature column read (in first-use order), then each parameter read.
        Map<Integer, Integer> featureSlots = new LinkedHashMap<>();
        Map<Integer, RelDataType> parameters = new TreeMap<>();
        for (RexNode e : expressions) {
            e.accept(new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    featureSlots.putIfAbsent(ref.getIndex(), featureSlots.size());
                    return ref;
                }

                @Override
                public RexNode visitDynamicParam(RexDynamicParam param) {
                    parameters.put(param.getIndex(), param.getType());
                    return param;
                }
            });
        }
        Map<Integer, Integer> parameterSlots = new LinkedHashMap<>();
        parameters.keySet().forEach(p -> parameterSlots.put(p, featureSlots.size() + parameterSlots.size()));

        RelDataType joined = project.getInput().getRowType();
        RelDataTypeFactory.Builder record = typeFactory.builder();
        List<LookupPlan.Output> inputs = new ArrayList<>();
        List<RelDataType> slotTypes = new ArrayList<>();
        for (int field : featureSlots.keySet()) {
            LookupPlan.Output input = output(views, field);
            inputs.add(input);
            RelDataType type = joined.getFieldList().get(field).getType();
            record.add("f" + slotTypes.size(), type);
            slotTypes.add(type);
        }
        parameters.forEach((index, type) -> {
            record.add("p" + index, type);
            slotTypes.add(type);
        });
        RelDataType recordType = record.build();

        List<RexNode> rewritten = new ArrayList<>();
        for (RexNode e : expressions) {
            rewritten.add(e.accept(new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    return new RexInputRef(featureSlots.get(ref.getIndex()), ref.getType());
                }

                @Override
                public RexNode visitDynamicParam(RexDynamicParam param) {
                    return new RexInputRef(parameterSlots.get(param.getIndex()), param.getType());
                }

                @Override
                public RexNode visitCall(RexCall call) {
                    RexCall visited = (RexCall) super.visitCall(call);
                    return checked(rexBuilder, visited);
                }
            }));
        }
        List<ColumnMetadata> columns = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            columns.add(ProjectionValues.column(names.get(i).getName(), expressions.get(i).getType()));
        }
        RexExecutable executable;
        try {
            executable = RexExecutorImpl.getExecutable(rexBuilder, rewritten, recordType);
        } catch (RuntimeException e) {
            // Calcite could not generate or compile code for an accepted form: the warehouse answers.
            return new Refused("the select list could not be compiled for online evaluation");
        }
        Map<Integer, Integer> parameterIndexBySlot = new LinkedHashMap<>();
        parameterSlots.forEach((p, slot) -> parameterIndexBySlot.put(slot, p));
        return new Compiled(inputs, new CompiledProjection(executable.getFunction(), slotTypes, parameterIndexBySlot,
                columns, explain(names, expressions, featureSlots.keySet(), views)));
    }

    /** Integer arithmetic that fails on overflow, as both warehouses do, instead of wrapping like Java. */
    private static RexNode checked(RexBuilder rexBuilder, RexCall call) {
        if (!SqlTypeFamily.EXACT_NUMERIC.contains(call.getType())) {
            return call;
        }
        SqlOperator op = switch (call.getKind()) {
            case PLUS -> SqlStdOperatorTable.CHECKED_PLUS;
            case MINUS -> SqlStdOperatorTable.CHECKED_MINUS;
            case TIMES -> SqlStdOperatorTable.CHECKED_MULTIPLY;
            case DIVIDE -> SqlStdOperatorTable.CHECKED_DIVIDE;
            case MINUS_PREFIX -> SqlStdOperatorTable.CHECKED_UNARY_MINUS;
            default -> null;
        };
        return op == null ? call : rexBuilder.makeCall(call.getType(), op, call.getOperands());
    }

    /** {@code label = expression} per column (Calcite's notation), then what each {@code $n} reads. */
    private static List<String> explain(List<RelDataTypeField> names, List<RexNode> expressions,
            Set<Integer> fields, List<FeatureView> views) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            out.add(names.get(i).getName() + " = " + expressions.get(i));
        }
        List<String> legend = new ArrayList<>();
        for (int field : new TreeSet<>(fields)) {
            LookupPlan.Output input = output(views, field);
            legend.add("$" + field + " = " + views.get(input.viewIndex()).name() + "." + input.column().name());
        }
        if (!legend.isEmpty()) {
            out.add("where " + String.join(", ", legend));
        }
        return out;
    }

    /** Which view and feature a field of the views' joined row is. */
    private static LookupPlan.Output output(List<FeatureView> views, int field) {
        int offset = 0;
        for (int v = 0; v < views.size(); v++) {
            List<ColumnMetadata> columns = views.get(v).columns();
            if (field < offset + columns.size()) {
                return new LookupPlan.Output(v, field - offset, columns.get(field - offset));
            }
            offset += columns.size();
        }
        throw new IllegalStateException("field " + field + " is beyond the views' columns");
    }
}
