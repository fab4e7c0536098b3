package dev.asof.gateway.execution;

import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.plan.PlannedStatement;
import java.util.Locale;
import java.util.Optional;

/**
 * The audit line of a statement that changed definitions, roles, grants or (passed through by an
 * admin) the warehouse, once it ran: the event name and a detail naming the object. User
 * statements are audited by {@code UserAdministration}; reads are not audited.
 */
final class AuditedChanges extends PlannedStatement.DefaultVisitor<Optional<AuditedChanges.Change>> {
    /** One audit line's event and detail. */
    record Change(String event, String detail) {}

    AuditedChanges() {
        super(Optional.empty());
    }

    private static Optional<Change> change(String event, String detail) {
        return Optional.of(new Change(event, detail));
    }

    @Override
    public Optional<Change> visit(PlannedStatement.CreateEntity c) {
        return change("create_entity", "entity '" + c.entity().name() + "'");
    }

    @Override
    public Optional<Change> visit(PlannedStatement.CreateSource c) {
        return change("create_source", "source '" + c.name() + "' from "
                + (c.location() instanceof SourceLocation.File f ? "file " + f.path() : c.location().toString()));
    }

    @Override
    public Optional<Change> visit(PlannedStatement.CreateFeatureView c) {
        return change("create_feature_view", "feature view '" + c.draft().name() + "' on source '" + c.draft().source() + "'");
    }

    @Override
    public Optional<Change> visit(PlannedStatement.CreateRequestView c) {
        return change("create_feature_view", "request-time view '" + c.view().name() + "' on feature view '"
                + c.view().view() + "'");
    }

    @Override
    public Optional<Change> visit(PlannedStatement.Drop d) {
        return change("drop_" + d.kind().name().toLowerCase(Locale.ROOT), d.kind().keyword().toLowerCase(Locale.ROOT)
                + " '" + d.name() + "'" + (d.ifExists() ? " (IF EXISTS)" : ""));
    }

    @Override
    public Optional<Change> visit(PlannedStatement.AlterSourceRefresh a) {
        return change("alter_source", "source '" + a.name() + "' refreshed");
    }

    @Override
    public Optional<Change> visit(PlannedStatement.FeatureQuality q) {
        // Settings are changes (who turned logging on); VALIDATE and ANALYZE only read.
        return q.statement().changesSettings() ? change("alter_feature_view", q.statement().toString()) : Optional.empty();
    }

    @Override
    public Optional<Change> visit(PlannedStatement.CreateRole c) {
        return change("create_role", "role '" + c.name() + "'");
    }

    @Override
    public Optional<Change> visit(PlannedStatement.DropRole d) {
        return change("drop_role", "role '" + d.name() + "' with its grants");
    }

    @Override
    public Optional<Change> visit(PlannedStatement.GrantPrivilege g) {
        return change(g.revoke() ? "revoke" : "grant", g.privilege() + g.object().map(o -> " ON " + o).orElse("")
                + (g.revoke() ? " FROM " : " TO ") + g.granteeKind().map(k -> k.name() + " ").orElse("") + g.grantee());
    }

    @Override
    public Optional<Change> visit(PlannedStatement.GrantRole g) {
        return change(g.revoke() ? "revoke" : "grant", "role " + g.role() + (g.revoke() ? " FROM " : " TO ") + "USER "
                + g.user());
    }

    @Override
    public Optional<Change> visit(PlannedStatement.PassThrough p) {
        if (p.query()) {
            return Optional.empty();
        }
        String flat = p.sql().strip().replaceAll("\\s+", " ");
        return change("warehouse_statement", flat.length() <= 120 ? flat : flat.substring(0, 120) + "…");
    }
}
