package dev.asof.planner.quality;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.Planner;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.SqlAlterFeatureView;
import dev.asof.planner.parser.SqlCheckFeatureView;
import dev.asof.planner.parser.SqlCreateFeatureView;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.NameSuggestions;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;

/**
 * Plans the monitoring statements on a feature view: ALTER FEATURE VIEW … SET LOG SAMPLE / DRIFT
 * THRESHOLD, VALIDATE FEATURE VIEW and ANALYZE FEATURE VIEW. Checks that the view exists (with close
 * names when it does not), that settings are in range and that times are TIMESTAMP literals.
 */
public final class QualityPlanner {
    private final Catalog catalog;

    public QualityPlanner(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog");
    }

    /** A {@link SqlAlterFeatureView} or a {@link SqlCheckFeatureView}. */
    public QualityStatement plan(SqlNode node) {
        if (node instanceof SqlAlterFeatureView a) {
            String view = view(a.name());
            double value = number(a.value());
            return switch (a.setting()) {
                case LOG_SAMPLE -> new QualityStatement.SetLogSample(view, logSample(a.value()));
                case DRIFT_THRESHOLD -> {
                    if (!(value > 0)) {
                        throw new AsofException(ErrorCode.VALUE_OUT_OF_RANGE, Nodes.position(a.value())
                                + "DRIFT THRESHOLD must be above 0 (a population stability index; 0.2 is the default)");
                    }
                    yield new QualityStatement.SetDriftThreshold(view, value);
                }
            };
        }
        SqlCheckFeatureView c = (SqlCheckFeatureView) node;
        String view = view(c.name());
        String what = c.check() == SqlCheckFeatureView.Check.VALIDATE ? "VALIDATE" : "ANALYZE";
        Optional<Instant> from = time(c.from(), what + " times");
        Optional<Instant> to = time(c.to(), what + " times");
        return switch (c.check()) {
            case VALIDATE -> {
                checkOrder(from, to, c.from(), "VALIDATE");
                yield new QualityStatement.Validate(view, from, to);
            }
            case ANALYZE -> new QualityStatement.Analyze(view, to);
            case DRIFT -> {
                checkOrder(from, to, c.from(), "ANALYZE … DRIFT");
                yield new QualityStatement.Drift(view, from.orElseThrow(), to);
            }
        };
    }

    /** {@code create} with the fraction of its {@code LOG SAMPLE} clause, when {@code node} has one. */
    public static PlannedStatement.CreateFeatureView withLogSample(PlannedStatement.CreateFeatureView create,
            SqlCreateFeatureView node) {
        if (node.logSample() == null) {
            return create;
        }
        return new PlannedStatement.CreateFeatureView(create.draft(), create.describeSql(), create.ifNotExists(),
                OptionalDouble.of(logSample(node.logSample())));
    }

    private static double logSample(SqlNumericLiteral literal) {
        double value = number(literal);
        if (!(value >= 0 && value <= 1)) {
            throw new AsofException(ErrorCode.VALUE_OUT_OF_RANGE, Nodes.position(literal)
                    + "LOG SAMPLE is the fraction of lookups logged, from 0 (off) to 1 (every lookup); got " + value);
        }
        return value;
    }

    private static double number(SqlNumericLiteral literal) {
        return literal.getValueAs(BigDecimal.class).doubleValue();
    }

    private String view(SqlIdentifier name) {
        String simple = name.getSimple();
        Optional<CatalogObject> object = catalog.object(simple);
        if (object.isPresent() && object.get() instanceof FeatureView view) {
            return view.name();
        }
        if (object.isPresent() && object.get() instanceof RequestView r) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(name) + "'" + r.name()
                    + "' is a request-time view, which stores nothing; monitor feature view '" + r.view()
                    + "', which it reads");
        }
        if (object.isPresent()) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(name) + "'" + object.get().name()
                    + "' is not a feature view; only feature views are monitored");
        }
        throw new AsofException(ErrorCode.UNKNOWN_OBJECT, Nodes.position(name) + "feature view '" + simple
                + "' not found" + NameSuggestions.hint(simple, catalog.visibleObjects().stream()
                        .filter(FeatureView.class::isInstance).map(CatalogObject::name).toList()));
    }

    private static Optional<Instant> time(SqlNode node, String what) {
        return Optional.ofNullable(node).map(n -> Planner.instant(n, what));
    }

    private static void checkOrder(Optional<Instant> from, Optional<Instant> to, SqlNode fromNode, String statement) {
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new AsofException(ErrorCode.INVALID_QUERY, Nodes.position(fromNode) + statement + " FROM "
                    + from.get() + " is not before TO " + to.get());
        }
    }
}
