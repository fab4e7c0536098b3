package dev.asof.gateway.security;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.GrantStore;
import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.Privilege;
import dev.asof.planner.parser.SecurableKind;
import dev.asof.planner.parser.SqlGrant;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.validate.NameSuggestions;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs the role and grant statements (CREATE/DROP ROLE, GRANT, REVOKE, SHOW GRANTS) once
 * {@link AccessControl} allowed them: checks that the object and the grantee exist, changes the
 * {@link GrantStore}. The executor audits each change once it ran. {@code GRANT ADMIN TO u} sets the user's admin flag,
 * as {@code ALTER USER u ADMIN} does.
 */
public final class GrantAdministration {
    /** Columns of SHOW GRANTS. */
    public static final List<ColumnMetadata> COLUMNS = List.of(
            ColumnMetadata.of("grantee", JDBCType.VARCHAR),
            ColumnMetadata.of("grantee_type", JDBCType.VARCHAR),
            ColumnMetadata.of("privilege", JDBCType.VARCHAR),
            ColumnMetadata.of("object_type", JDBCType.VARCHAR),
            ColumnMetadata.of("object_name", JDBCType.VARCHAR));

    private final Registry registry;
    private final Function<List<String>, Optional<TableName>> tables;

    /**
     * @param tables resolves a table name as written (one to three parts) to the warehouse table
     *     it names, fully qualified; empty when there is none
     */
    public GrantAdministration(Registry registry, Function<List<String>, Optional<TableName>> tables) {
        this.registry = requireNonNull(registry, "registry");
        this.tables = requireNonNull(tables, "tables");
    }

    /** CREATE ROLE; the name must not be a user's. */
    public void createRole(PlannedStatement.CreateRole c) {
        registry.grants().createRole(c.name(), c.ifNotExists());
    }

    /** DROP ROLE, with its grants and memberships. */
    public void dropRole(PlannedStatement.DropRole d) {
        registry.grants().dropRole(d.name(), d.ifExists());
    }

    /** GRANT role TO user, REVOKE role FROM user. */
    public void grantRole(PlannedStatement.GrantRole g) {
        if (g.revoke()) {
            registry.grants().revokeRole(g.role(), g.user());
        } else {
            registry.grants().grantRole(g.role(), g.user());
        }
    }

    /** GRANT or REVOKE of SELECT, MATERIALIZE, INSERT (push sources only), CREATE or ADMIN; the object must exist. */
    public void grantPrivilege(PlannedStatement.GrantPrivilege g) {
        if (g.privilege() == Privilege.ADMIN) {
            registry.users().setAdmin(g.grantee(), !g.revoke());
            return;
        }
        String objectName = g.object().map(this::objectName).orElse("");
        if (g.privilege() == Privilege.INSERT && !g.revoke() && registry.get(objectName)
                .filter(o -> o instanceof Source s && s.push().isPresent()).isEmpty()) {
            throw new AsofException(ErrorCode.INVALID_QUERY, "source '" + objectName + "' is not a push source;"
                    + " INSERT is granted on sources declared with PUSH");
        }
        Optional<GrantStore.GranteeKind> kind = g.granteeKind().map(k -> k == SqlGrant.GranteeKind.ROLE
                ? GrantStore.GranteeKind.ROLE : GrantStore.GranteeKind.USER);
        Optional<SecurableKind> objectKind = g.object().map(PlannedStatement.SecuredObject::kind);
        if (g.revoke()) {
            registry.grants().revoke(g.privilege(), objectKind, objectName, g.grantee(), kind);
        } else {
            registry.grants().grant(g.privilege(), objectKind, objectName, g.grantee(), kind);
        }
    }

    /** The object's name as grants keep it; fails when it does not exist. */
    private String objectName(PlannedStatement.SecuredObject object) {
        String joined = String.join(".", object.name());
        switch (object.kind()) {
            case FEATURE_VIEW, SOURCE -> {
                // Request-time views are feature views to grants: SELECT on one is what reading it needs.
                java.util.function.Predicate<CatalogObject> type = object.kind() == SecurableKind.FEATURE_VIEW
                        ? o -> o instanceof FeatureView || o instanceof RequestView
                        : Source.class::isInstance;
                Optional<CatalogObject> found = registry.get(joined).filter(type);
                if (found.isEmpty()) {
                    String what = object.kind().keyword().toLowerCase(Locale.ROOT);
                    throw new AsofException(ErrorCode.UNKNOWN_OBJECT, what + " '" + joined + "' not found"
                            + NameSuggestions.hint(joined, registry.objects().stream().filter(type)
                                    .map(CatalogObject::name).toList()));
                }
                return found.get().name();
            }
            default -> {
                return tables.apply(object.name()).map(TableName::toString).orElseThrow(() -> new AsofException(
                        ErrorCode.UNKNOWN_OBJECT, "table '" + joined + "' not found in the warehouse"));
            }
        }
    }

    /**
     * SHOW GRANTS: the grants of {@code grantee} (a user or role; empty: the caller), a user's
     * admin flag and roles, and the grants it has through its roles.
     */
    public List<List<Object>> show(Principal by, PlannedStatement.ShowGrants s) {
        String name = s.grantee().orElse(by.user());
        GrantStore.Grants grants = registry.grants().snapshot();
        List<List<Object>> rows = new ArrayList<>();
        boolean role = grants.roles().containsKey(name.toLowerCase(Locale.ROOT));
        if (!role) {
            var user = registry.users().get(name);
            if (user.isEmpty() && !name.equals(by.user())) {
                throw new AsofException(ErrorCode.UNKNOWN_OBJECT, "no user or role named '" + name + "'");
            }
            if (user.isPresent() && user.get().admin()) {
                rows.add(Arrays.asList(user.get().name(), "USER", "ADMIN", null, null));
            }
            for (String r : grants.rolesOf(name)) {
                rows.add(Arrays.asList(name, "USER", "ROLE", "ROLE", r));
            }
        }
        List<String> roles = role ? List.of() : grants.rolesOf(name);
        for (GrantStore.Grant g : grants.grants()) {
            boolean own = g.grantee().equalsIgnoreCase(name) && (g.granteeKind() == GrantStore.GranteeKind.ROLE) == role;
            boolean throughRole = g.granteeKind() == GrantStore.GranteeKind.ROLE
                    && roles.stream().anyMatch(r -> r.equalsIgnoreCase(g.grantee()));
            if (own || throughRole) {
                rows.add(Arrays.asList(g.grantee(), g.granteeKind().name(), g.privilege().name(),
                        g.objectKind().map(SecurableKind::keyword).orElse(null),
                        g.objectName().isEmpty() ? null : g.objectName()));
            }
        }
        return rows;
    }
}
