package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The gateway's users, kept in the registry database (table {@code asof_user}): name, password
 * hash (never the password), admin flag, creation time and a <em>credential id</em> that changes
 * whenever the password does (from a sequence, never reused), so that anything derived from a
 * verified password (a cached verification, a Flight bearer token) can tell it is stale.
 *
 * <p>Reads come from an in-memory snapshot replaced after each change, so looking a user up on
 * every request costs a map lookup. Changes are serialized and each is one transaction.
 */
public final class UserStore {
    /**
     * One user.
     *
     * @param name as created (names compare case-insensitively)
     * @param passwordHash the password hash as the hasher encoded it (e.g. {@code {bcrypt}$2a$10$...})
     * @param credentialId changes with every password change
     */
    public record User(String name, String passwordHash, boolean admin, Instant created, long credentialId) {
        public User {
            requireNonNull(name, "name");
            requireNonNull(passwordHash, "passwordHash");
            requireNonNull(created, "created");
        }

        /** No hash in the text: records print themselves in logs and debuggers. */
        @Override
        public String toString() {
            return "User[name=" + name + ", admin=" + admin + ", created=" + created + "]";
        }
    }

    private final DataSource pool;
    private final Transactions transactions;
    /** {@code UPDATE} that sets a new password hash and draws a new credential id. */
    private final String setPasswordSql;
    private volatile Map<String, User> snapshot = Map.of();

    UserStore(DataSource pool, Transactions transactions, RegistryDatabase.Vendor vendor) {
        this.pool = pool;
        this.transactions = transactions;
        this.setPasswordSql = "UPDATE asof_user SET password_hash = ?, credential_id = "
                + vendor.nextValue("asof_credential_id") + " WHERE name_key = ?";
        transactions.register(this::reload);
    }

    /** The user named {@code name} (any case). */
    public Optional<User> get(String name) {
        return Optional.ofNullable(snapshot.get(key(name)));
    }

    /** Every user, in creation order. */
    public List<User> all() {
        return List.copyOf(snapshot.values());
    }

    /** Whether there is no user at all. */
    public boolean isEmpty() {
        return snapshot.isEmpty();
    }

    /**
     * Adds a user. Returns false (changing nothing) when the name exists and {@code ifNotExists}
     * is set; fails with {@link ErrorCode#ALREADY_EXISTS} otherwise.
     */
    public boolean create(String name, String passwordHash, boolean admin, boolean ifNotExists) {
        return change(c -> {
            if (load(c, name).isPresent()) {
                if (ifNotExists) {
                    return false;
                }
                throw new AsofException(ErrorCode.ALREADY_EXISTS, "user '" + name
                        + "' already exists; use ALTER USER to change it or CREATE USER IF NOT EXISTS");
            }
            // Users and roles share one namespace: GRANT … TO name must mean one of them.
            if (GrantStore.roleExists(c, name)) {
                throw new AsofException(ErrorCode.ALREADY_EXISTS, "'" + name + "' is a role; users and roles need different names");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO asof_user (name_key, name, password_hash, admin) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, key(name));
                ps.setString(2, name);
                ps.setString(3, passwordHash);
                ps.setBoolean(4, admin);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Replaces a user's password hash and gives it a new credential id. */
    public void setPassword(String name, String passwordHash) {
        change(c -> {
            require(c, name);
            try (PreparedStatement ps = c.prepareStatement(setPasswordSql)) {
                ps.setString(1, passwordHash);
                ps.setString(2, key(name));
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Sets or clears a user's admin flag; refuses to take it from the last admin. */
    public void setAdmin(String name, boolean admin) {
        change(c -> {
            User user = require(c, name);
            if (!admin && user.admin() && admins(c) == 1) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, "user '" + user.name()
                        + "' is the last admin; make another user ADMIN first");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE asof_user SET admin = ? WHERE name_key = ?")) {
                ps.setBoolean(1, admin);
                ps.setString(2, key(name));
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Removes a user; false if absent and {@code ifExists}. Refuses to drop the last admin. */
    public boolean drop(String name, boolean ifExists) {
        return change(c -> {
            Optional<User> user = load(c, name);
            if (user.isEmpty()) {
                if (ifExists) {
                    return false;
                }
                throw unknown(name);
            }
            if (user.get().admin() && admins(c) == 1) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, "user '" + user.get().name()
                        + "' is the last admin; make another user ADMIN first");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM asof_user WHERE name_key = ?")) {
                ps.setString(1, key(name));
                ps.executeUpdate();
            }
            GrantStore.dropUserGrants(c, name);
            return true;
        });
    }

    private <T> T change(Transactions.Work<T> work) {
        return transactions.run("user update", work);
    }

    /** Re-reads every user into a new snapshot. */
    void reload() {
        try (Connection c = pool.getConnection()) {
            reload(c);
        } catch (SQLException e) {
            throw new AsofException(ErrorCode.INTERNAL_ERROR, "cannot read the users: " + e.getMessage(), e);
        }
    }

    private void reload(Connection c) throws SQLException {
        Map<String, User> users = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name_key, name, password_hash, admin, created_at, credential_id"
                        + " FROM asof_user ORDER BY created_at, name_key")) {
            while (rs.next()) {
                users.put(rs.getString(1), user(rs, 2));
            }
        }
        snapshot = Collections.unmodifiableMap(users);
    }

    private static User user(ResultSet rs, int first) throws SQLException {
        return new User(rs.getString(first), rs.getString(first + 1), rs.getBoolean(first + 2),
                rs.getObject(first + 3, OffsetDateTime.class).toInstant(), rs.getLong(first + 4));
    }

    private static Optional<User> load(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name, password_hash, admin, created_at, credential_id"
                + " FROM asof_user WHERE name_key = ? FOR UPDATE")) {
            ps.setString(1, key(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(user(rs, 1)) : Optional.empty();
            }
        }
    }

    private User require(Connection c, String name) throws SQLException {
        return load(c, name).orElseThrow(() -> unknown(name));
    }

    private AsofException unknown(String name) {
        List<String> known = new ArrayList<>();
        snapshot.values().forEach(u -> known.add(u.name()));
        return new AsofException(ErrorCode.UNKNOWN_OBJECT, "user '" + name + "' not found"
                + dev.asof.planner.validate.NameSuggestions.hint(name, known));
    }

    private static int admins(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM asof_user WHERE admin")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
