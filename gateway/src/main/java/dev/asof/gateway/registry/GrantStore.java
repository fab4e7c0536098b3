package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.ObjectKind;
import dev.asof.planner.parser.Privilege;
import dev.asof.planner.parser.SecurableKind;
import dev.asof.planner.validate.NameSuggestions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Roles and grants, kept in the registry database: tables {@code asof_role} (roles),
 * {@code asof_role_member} (which user has which role) and {@code asof_grant} (privilege, object,
 * grantee). Users and roles share one namespace. Dropping a definition, a user or a role drops
 * the grants that name it, in the same transaction.
 *
 * <p>Reads come from an immutable {@link Grants} snapshot replaced after every registry change;
 * its {@link Grants#version()} grows with each replacement, so decisions cached under a version
 * are stale once it changes.
 */
public final class GrantStore {
    /** How a grantee is stored: a user or a role. */
    public enum GranteeKind { USER, ROLE }

    /**
     * One grant.
     *
     * @param objectKind empty for CREATE (which is on no object)
     * @param objectName the object as it was granted (a table fully qualified), empty for CREATE
     */
    public record Grant(GranteeKind granteeKind, String grantee, Privilege privilege, Optional<SecurableKind> objectKind,
            String objectName) {
        public Grant {
            requireNonNull(granteeKind, "granteeKind");
            requireNonNull(grantee, "grantee");
            requireNonNull(privilege, "privilege");
            requireNonNull(objectKind, "objectKind");
            requireNonNull(objectName, "objectName");
        }
    }

    /**
     * Every role, membership and grant at one moment.
     *
     * @param roles role names by lower-case name
     * @param memberships lower-case user name to lower-case role names
     * @param version grows with every registry change
     */
    public record Grants(Map<String, String> roles, Map<String, Set<String>> memberships, List<Grant> grants,
            long version) {
        public Grants {
            roles = Map.copyOf(roles);
            memberships = Map.copyOf(memberships);
            grants = List.copyOf(grants);
        }

        /**
         * Whether {@code user} holds {@code privilege} on the object, directly or through a role.
         * {@code objectName} is compared ignoring case; for CREATE pass an empty kind and name.
         */
        public boolean holds(String user, Privilege privilege, Optional<SecurableKind> kind, String objectName) {
            String userKey = key(user);
            Set<String> roleKeys = memberships.getOrDefault(userKey, Set.of());
            for (Grant g : grants) {
                if (g.privilege() == privilege && g.objectKind().equals(kind) && g.objectName().equalsIgnoreCase(objectName)
                        && (g.granteeKind() == GranteeKind.USER ? key(g.grantee()).equals(userKey)
                                : roleKeys.contains(key(g.grantee())))) {
                    return true;
                }
            }
            return false;
        }

        /** The roles {@code user} has, by their names. */
        public List<String> rolesOf(String user) {
            return memberships.getOrDefault(key(user), Set.of()).stream().map(r -> roles.getOrDefault(r, r)).sorted().toList();
        }
    }

    private final DataSource pool;
    private final Transactions transactions;
    private final AtomicLong versions = new AtomicLong();
    private volatile Grants snapshot = new Grants(Map.of(), Map.of(), List.of(), 0);

    GrantStore(DataSource pool, Transactions transactions) {
        this.pool = pool;
        this.transactions = transactions;
        transactions.register(this::reload);
    }

    /** The current roles and grants. */
    public Grants snapshot() {
        return snapshot;
    }

    /** Adds a role; false if it exists and {@code ifNotExists}. */
    public boolean createRole(String name, boolean ifNotExists) {
        return transactions.run("role update", c -> {
            if (roleExists(c, name)) {
                if (ifNotExists) {
                    return false;
                }
                throw new AsofException(ErrorCode.ALREADY_EXISTS, "role '" + name + "' already exists");
            }
            if (userExists(c, name)) {
                throw new AsofException(ErrorCode.ALREADY_EXISTS, "'" + name + "' is a user; users and roles need different names");
            }
            update(c, "INSERT INTO asof_role (name_key, name) VALUES (?, ?)", key(name), name);
            return true;
        });
    }

    /** Drops a role with its memberships and grants; false if absent and {@code ifExists}. */
    public boolean dropRole(String name, boolean ifExists) {
        return transactions.run("role update", c -> {
            if (!roleExists(c, name)) {
                if (ifExists) {
                    return false;
                }
                throw unknownRole(name);
            }
            update(c, "DELETE FROM asof_role_member WHERE role_key = ?", key(name));
            update(c, "DELETE FROM asof_grant WHERE grantee_kind = 'ROLE' AND grantee_key = ?", key(name));
            update(c, "DELETE FROM asof_role WHERE name_key = ?", key(name));
            return true;
        });
    }

    /** Gives {@code user} the role; false if it had it already. */
    public boolean grantRole(String role, String user) {
        return transactions.run("grant", c -> {
            requireRole(c, role);
            requireUser(c, user);
            if (exists(c, "SELECT 1 FROM asof_role_member WHERE role_key = ? AND user_key = ?", key(role), key(user))) {
                return false;
            }
            update(c, "INSERT INTO asof_role_member (role_key, user_key) VALUES (?, ?)", key(role), key(user));
            return true;
        });
    }

    /** Takes the role from {@code user}; false if it did not have it. */
    public boolean revokeRole(String role, String user) {
        return transactions.run("revoke", c -> {
            requireRole(c, role);
            requireUser(c, user);
            return update(c, "DELETE FROM asof_role_member WHERE role_key = ? AND user_key = ?", key(role), key(user)) > 0;
        });
    }

    /**
     * Grants a privilege; false if the grantee held it already.
     *
     * @param granteeKind empty: the role of that name if there is one, else the user
     * @param objectName the object's name as it should be shown (a table fully qualified); empty
     *     for CREATE
     * @return the grantee as it was resolved
     */
    public GranteeKind grant(Privilege privilege, Optional<SecurableKind> objectKind, String objectName, String grantee,
            Optional<GranteeKind> granteeKind) {
        return transactions.run("grant", c -> {
            GranteeKind kind = resolve(c, grantee, granteeKind);
            String objectKindText = objectKind.map(Enum::name).orElse("");
            if (!exists(c, "SELECT 1 FROM asof_grant WHERE grantee_kind = ? AND grantee_key = ? AND privilege = ?"
                    + " AND object_kind = ? AND object_key = ?", kind.name(), key(grantee), privilege.name(), objectKindText,
                    key(objectName))) {
                update(c, "INSERT INTO asof_grant (grantee_kind, grantee_key, grantee, privilege, object_kind, object_key,"
                        + " object_name) VALUES (?, ?, ?, ?, ?, ?, ?)", kind.name(), key(grantee), grantee, privilege.name(),
                        objectKindText, key(objectName), objectName);
            }
            return kind;
        });
    }

    /** Revokes a privilege; returns how the grantee resolved. Revoking what was not granted changes nothing. */
    public GranteeKind revoke(Privilege privilege, Optional<SecurableKind> objectKind, String objectName, String grantee,
            Optional<GranteeKind> granteeKind) {
        return transactions.run("revoke", c -> {
            GranteeKind kind = resolve(c, grantee, granteeKind);
            update(c, "DELETE FROM asof_grant WHERE grantee_kind = ? AND grantee_key = ? AND privilege = ?"
                    + " AND object_kind = ? AND object_key = ?", kind.name(), key(grantee), privilege.name(),
                    objectKind.map(Enum::name).orElse(""), key(objectName));
            return kind;
        });
    }

    /** Whether {@code name} is a role. */
    public boolean isRole(String name) {
        return snapshot.roles().containsKey(key(name));
    }

    /** Drops the grants on a registry object, inside the transaction that drops it. */
    static void dropObjectGrants(Connection c, ObjectKind kind, String name) throws SQLException {
        SecurableKind securable = switch (kind) {
            case FEATURE_VIEW -> SecurableKind.FEATURE_VIEW;
            case SOURCE -> SecurableKind.SOURCE;
            case ENTITY -> null;
        };
        if (securable != null) {
            update(c, "DELETE FROM asof_grant WHERE object_kind = ? AND object_key = ?", securable.name(), key(name));
        }
    }

    /** Drops a user's grants and role memberships, inside the transaction that drops the user. */
    static void dropUserGrants(Connection c, String user) throws SQLException {
        update(c, "DELETE FROM asof_grant WHERE grantee_kind = 'USER' AND grantee_key = ?", key(user));
        update(c, "DELETE FROM asof_role_member WHERE user_key = ?", key(user));
    }

    static boolean roleExists(Connection c, String name) throws SQLException {
        return exists(c, "SELECT 1 FROM asof_role WHERE name_key = ?", key(name));
    }

    private static boolean userExists(Connection c, String name) throws SQLException {
        return exists(c, "SELECT 1 FROM asof_user WHERE name_key = ?", key(name));
    }

    private GranteeKind resolve(Connection c, String grantee, Optional<GranteeKind> kind) throws SQLException {
        if (kind.isPresent()) {
            if (kind.get() == GranteeKind.ROLE) {
                requireRole(c, grantee);
            } else {
                requireUser(c, grantee);
            }
            return kind.get();
        }
        if (roleExists(c, grantee)) {
            return GranteeKind.ROLE;
        }
        if (userExists(c, grantee)) {
            return GranteeKind.USER;
        }
        throw new AsofException(ErrorCode.UNKNOWN_OBJECT, "no user or role named '" + grantee + "'");
    }

    private void requireRole(Connection c, String name) throws SQLException {
        if (!roleExists(c, name)) {
            throw unknownRole(name);
        }
    }

    private static void requireUser(Connection c, String name) throws SQLException {
        if (!userExists(c, name)) {
            throw new AsofException(ErrorCode.UNKNOWN_OBJECT, "user '" + name + "' not found");
        }
    }

    private AsofException unknownRole(String name) {
        return new AsofException(ErrorCode.UNKNOWN_OBJECT, "role '" + name + "' not found"
                + NameSuggestions.hint(name, List.copyOf(snapshot.roles().values())));
    }

    void reload() {
        try (Connection c = pool.getConnection()) {
            reload(c);
        } catch (SQLException e) {
            throw new AsofException(ErrorCode.INTERNAL_ERROR, "cannot read the grants: " + e.getMessage(), e);
        }
    }

    private void reload(Connection c) throws SQLException {
        Map<String, String> roles = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name_key, name FROM asof_role ORDER BY created_at, name_key")) {
            while (rs.next()) {
                roles.put(rs.getString(1), rs.getString(2));
            }
        }
        Map<String, Set<String>> memberships = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT user_key, role_key FROM asof_role_member")) {
            while (rs.next()) {
                memberships.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
            }
        }
        memberships.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        List<Grant> grants = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT grantee_kind, grantee, privilege, object_kind, object_name"
                        + " FROM asof_grant ORDER BY grantee_key, grantee_kind, privilege, object_kind, object_key")) {
            while (rs.next()) {
                String objectKind = rs.getString(4);
                grants.add(new Grant(GranteeKind.valueOf(rs.getString(1)), rs.getString(2),
                        Privilege.valueOf(rs.getString(3)),
                        objectKind.isEmpty() ? Optional.empty() : Optional.of(SecurableKind.valueOf(objectKind)),
                        rs.getString(5)));
            }
        }
        snapshot = new Grants(roles, memberships, grants, versions.incrementAndGet());
    }

    private static boolean exists(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static int update(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
