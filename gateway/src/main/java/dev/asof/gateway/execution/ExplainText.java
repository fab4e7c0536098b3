package dev.asof.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.plan.PlannedStatement;
import java.util.ArrayList;
import java.util.List;

/**
 * EXPLAIN's answer: one text row per line, saying where a statement runs (online store or
 * warehouse) and the warehouse SQL it sends.
 */
final class ExplainText extends PlannedStatement.DefaultVisitor<List<List<Object>>> {
    private final String engineName;
    private final String storeName;

    ExplainText(String engineName, String storeName) {
        super(List.of());
        this.engineName = requireNonNull(engineName, "engineName");
        this.storeName = requireNonNull(storeName, "storeName");
    }

    @Override
    public List<List<Object>> visit(PlannedStatement.Lookup l) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("online: " + storeName + " (one batched read of "
                + l.lookup().views().size() * l.lookup().keys().size() + " record(s): "
                + l.lookup().views().stream().map(FeatureView::name).toList() + " x " + l.lookup().keys().size()
                + " key(s); TTL applied at lookup time)"));
        l.lookup().projection().ifPresent(p -> rows.add(List.of("request-time expressions compiled in the gateway: "
                + String.join(", ", p.explain()))));
        rows.add(List.of("until every view has a complete MATERIALIZE run, the warehouse answers with:"));
        rows.addAll(warehouseQuery(l.offline()));
        return rows;
    }

    @Override
    public List<List<Object>> visit(PlannedStatement.Explain e) {
        List<List<Object>> rows = new ArrayList<>(e.statement().accept(this));
        e.onlineRefusal().ifPresent(reason -> rows.add(List.of("not served online: " + reason)));
        e.requestViews().forEach(line -> rows.add(List.of(line)));
        return rows;
    }

    @Override
    public List<List<Object>> visit(PlannedStatement.Materialize m) {
        return List.of(List.of("materialize: " + m.view() + " into " + storeName
                + m.from().map(f -> ", changes after " + f).orElse(", changes since the last complete run")
                + ", as of " + m.to().map(Object::toString).orElse("now")));
    }

    @Override
    public List<List<Object>> visit(PlannedStatement.Query q) {
        return warehouseQuery(q.query());
    }

    @Override
    public List<List<Object>> visit(PlannedStatement.PassThrough p) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("offline: " + engineName + " (statement sent as written)"));
        lines(rows, p.sql());
        return rows;
    }

    private static List<List<Object>> warehouseQuery(GeneratedQuery query) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("offline: " + query.engine() + " (warehouse SQL below; point-in-time plan)"));
        lines(rows, query.sql());
        if (!query.parameterOrder().isEmpty()) {
            rows.add(List.of("parameters (by marker): " + query.parameterOrder().stream().map(i -> "?" + (i + 1)).toList()));
        }
        return rows;
    }

    private static void lines(List<List<Object>> rows, String sql) {
        for (String line : sql.split("\n")) {
            rows.add(List.of(line));
        }
    }
}
