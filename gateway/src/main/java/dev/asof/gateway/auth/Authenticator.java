package dev.asof.gateway.auth;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.audit.AuditEvent;
import dev.asof.gateway.audit.AuditLog;
import dev.asof.gateway.registry.UserStore;
import dev.asof.gateway.session.Peer;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Checks user name and password for every protocol endpoint and says who is asking.
 *
 * <p><b>Answers.</b> No credentials fail with {@link ErrorCode#AUTHENTICATION_REQUIRED} (SQLSTATE
 * 28000); an unknown user and a wrong password fail alike with
 * {@link ErrorCode#AUTHENTICATION_FAILED} (28P01) and the same message, and take the same time (an
 * unknown name is verified against a decoy hash), so user names cannot be probed. Too many failures
 * for one name from one address are refused for a while ({@link LoginThrottle}).
 *
 * <p><b>Cache.</b> Password hashing is deliberately slow (about 50-100 ms) while a prepared lookup
 * must stay sub-millisecond, and the JDBC endpoint sees the credentials on every request. So a
 * successful verification is remembered for {@link #cacheTtl} under the user name and the SHA-256
 * of the presented password (never the password itself), together with the user's credential id
 * at that moment. A cached entry only counts while the user still exists with that same credential
 * id: {@code ALTER USER … PASSWORD} (new id) and {@code DROP USER} invalidate it at once, and
 * {@code ALTER USER … ADMIN|NOADMIN} takes effect on the next request because the admin flag is read
 * from the registry each time, not cached. Failed attempts are never cached.
 *
 * <p><b>Refresh ahead.</b> A client that keeps sending requests would otherwise pay a full hash on
 * one request every {@link #cacheTtl} (a tail of tens of milliseconds on a sub-millisecond lookup).
 * When a request answered from the cache finds its entry in the last fifth of its life,
 * {@link #login} re-verifies the presented password in the background and, when it still matches,
 * starts the entry's life again; the request itself is answered at once. An entry is only ever
 * extended by a full verification that succeeded, never resurrected once dropped
 * ({@link #forget}, a new credential id), and a failed re-verification drops it.
 * {@link #cachedLogin}, which has no password to re-verify with, declines an aging entry until a
 * refresh is under way, so that the caller passes the request to {@link #login}.
 *
 * <p><b>Audit.</b> Refused logins whose password was checked are written to the audit log here; endpoints record accepted
 * logins when a session starts ({@link #recordLogin}), not on every cached request.
 */
public final class Authenticator {
    /** How long a successful verification is reused by default. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    private static final int MAX_CACHED = 10_000;
    private static final String REFUSED = "authentication failed: unknown user or wrong password";

    /**
     * A successful login.
     *
     * @param principal who logged in, from where
     * @param credentialId the user's credential id the password was verified against
     */
    public record Login(Principal principal, long credentialId) {
        public Login {
            requireNonNull(principal, "principal");
        }

        /**
         * An opaque string that names this login's user and credentials, for sessions that outlive
         * the password check (Flight bearer tokens); {@link #resume} maps it back while the user
         * exists with the same password.
         */
        public String identity() {
            return principal.user() + ":" + credentialId;
        }
    }

    private record CacheKey(String user, String passwordDigest) {}

    private record Verified(long credentialId, long expiresAt) {}

    private final UserStore users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration cacheTtl;
    private final LongSupplier nanoTime;
    private final LoginThrottle throttle;
    private final Map<CacheKey, Verified> verified = new ConcurrentHashMap<>();
    /** Runs re-verifications ahead of expiry, one at a time. */
    private final Executor refresher;
    /** Entries whose re-verification is queued or running. */
    private final Set<CacheKey> refreshing = ConcurrentHashMap.newKeySet();

    /**
     * Caches for {@link #DEFAULT_CACHE_TTL}; default throttling. Re-verifications ahead of expiry
     * run on one daemon thread that exists only while there is one to run.
     */
    public Authenticator(UserStore users, PasswordHasher hasher, AuditLog audit, Clock clock) {
        this(users, hasher, audit, clock, DEFAULT_CACHE_TTL, LoginThrottle.Limits.defaults(), System::nanoTime,
                backgroundRefresher());
    }

    Authenticator(UserStore users, PasswordHasher hasher, AuditLog audit, Clock clock, Duration cacheTtl,
            LoginThrottle.Limits limits, LongSupplier nanoTime, Executor refresher) {
        this.users = requireNonNull(users, "users");
        this.hasher = requireNonNull(hasher, "hasher");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
        this.cacheTtl = requireNonNull(cacheTtl, "cacheTtl");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.refresher = requireNonNull(refresher, "refresher");
        this.throttle = new LoginThrottle(limits, nanoTime);
    }

    /**
     * One thread at most, started when a refresh is queued and ended after 30 s without one (so
     * nothing needs shutting down); a full queue refuses, and that entry is then verified on the
     * request path when it expires, as without refreshing.
     */
    private static Executor backgroundRefresher() {
        return new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_CACHED), r -> {
                    Thread t = new Thread(r, "asof-credential-refresh");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** The error for a call without credentials (SQLSTATE 28000). */
    public static AsofException credentialsRequired() {
        return new AsofException(ErrorCode.AUTHENTICATION_REQUIRED,
                "authentication required: connect with a user name and password");
    }

    /**
     * Verifies {@code user} and {@code password} presented by {@code peer}.
     *
     * @throws AsofException {@link ErrorCode#AUTHENTICATION_REQUIRED} when either is null,
     *     {@link ErrorCode#AUTHENTICATION_FAILED} when they do not match a user or the pair is
     *     throttled
     */
    public Login login(String user, String password, Peer peer) {
        requireNonNull(peer, "peer");
        if (user == null || password == null || user.isEmpty()) {
            // Not audited: not a login attempt (a challenge-based HTTP client's first request has none).
            throw credentialsRequired();
        }
        String key = user.toLowerCase(Locale.ROOT);
        Optional<Duration> wait = throttle.blocked(key, peer.address());
        if (wait.isPresent()) {
            // Not audited one by one: these cost nothing to send; the failures that caused them were.
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            throw new AsofException(ErrorCode.AUTHENTICATION_FAILED, "authentication failed: too many failed attempts"
                    + " for this user from this address; retry in " + seconds + " s");
        }
        Optional<UserStore.User> found = users.get(key);
        CacheKey cacheKey = new CacheKey(key, digest(key, password));
        Verified entry = verified.get(cacheKey);
        Optional<Login> cached = cached(found, cacheKey, entry, peer);
        if (cached.isPresent()) {
            refreshIfAging(cacheKey, entry, password);
            return cached.get();
        }
        boolean ok = found.isPresent() ? hasher.matches(password, found.get().passwordHash())
                : hasher.matchesNothing(password);
        if (!ok) {
            throttle.failed(key, peer.address());
            refused(user, peer, found.isPresent() ? "wrong password" : "unknown user");
            throw new AsofException(ErrorCode.AUTHENTICATION_FAILED, REFUSED);
        }
        throttle.succeeded(key, peer.address());
        if (verified.size() >= MAX_CACHED) {
            long now = nanoTime.getAsLong();
            verified.values().removeIf(v -> now - v.expiresAt() >= 0);
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
        }
        verified.put(cacheKey, new Verified(found.get().credentialId(), nanoTime.getAsLong() + cacheTtl.toNanos()));
        return login(found.get(), peer);
    }

    /**
     * The login {@link #login} would return for {@code credentials} ({@link #present}), when it can
     * be answered from the verification cache alone (no password hashing: microseconds); empty
     * otherwise (an unknown user, a pair not verified lately or verified for an earlier password, a
     * throttled pair), when {@link #login} must decide. Audits nothing. Credentials are prepared
     * once so that a connection presenting the same ones on every request is not hashed again for
     * each; the checks above are made on every call.
     */
    public Optional<Login> cachedLogin(Presented credentials, Peer peer) {
        requireNonNull(credentials, "credentials");
        requireNonNull(peer, "peer");
        String key = credentials.cacheKey.user();
        if (throttle.blocked(key, peer.address()).isPresent()) {
            return Optional.empty();
        }
        Verified v = verified.get(credentials.cacheKey);
        if (v != null && aging(v) && !refreshing.contains(credentials.cacheKey)) {
            // No password here to re-verify with: login() has it, answers from the cache too, and refreshes.
            return Optional.empty();
        }
        return cached(users.get(key), credentials.cacheKey, v, peer);
    }

    /**
     * {@code user} and {@code password} prepared for {@link #cachedLogin(Presented, Peer)}: the
     * user's key and a digest of the password (from which it cannot be read back); empty when
     * either is missing.
     */
    public static Optional<Presented> present(String user, String password) {
        if (user == null || password == null || user.isEmpty()) {
            return Optional.empty();
        }
        String key = user.toLowerCase(Locale.ROOT);
        return Optional.of(new Presented(new CacheKey(key, digest(key, password))));
    }

    /** Credentials as the verification cache knows them ({@link #present}). */
    public static final class Presented {
        private final CacheKey cacheKey;

        private Presented(CacheKey cacheKey) {
            this.cacheKey = cacheKey;
        }

        @Override
        public String toString() {
            return "Presented[user=" + cacheKey.user() + "]";
        }
    }

    /**
     * The login of {@code v}, the verification cached for {@code cacheKey} (or null), when it still
     * holds; drops one that does not.
     */
    private Optional<Login> cached(Optional<UserStore.User> found, CacheKey cacheKey, Verified v, Peer peer) {
        if (found.isEmpty() || v == null) {
            return Optional.empty();
        }
        if (v.credentialId() == found.get().credentialId() && nanoTime.getAsLong() - v.expiresAt() < 0) {
            return Optional.of(login(found.get(), peer));
        }
        verified.remove(cacheKey, v);
        return Optional.empty();
    }

    /** Whether {@code v} is in the last fifth of its life, when {@link #login} refreshes it. */
    private boolean aging(Verified v) {
        return v.expiresAt() - nanoTime.getAsLong() <= cacheTtl.toNanos() / 5;
    }

    /** Queues a re-verification of {@code v}, the entry for {@code cacheKey}, when it is aging and none is queued. */
    private void refreshIfAging(CacheKey cacheKey, Verified v, String password) {
        if (!aging(v) || !refreshing.add(cacheKey)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    refresh(cacheKey, password);
                } finally {
                    refreshing.remove(cacheKey);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.remove(cacheKey);
        }
    }

    /**
     * A full verification of {@code password} against the user's current hash: a match starts the
     * entry's life again (with the credential id verified against), unless the entry was dropped
     * meanwhile; a mismatch or a dropped user drops it.
     */
    private void refresh(CacheKey cacheKey, String password) {
        Optional<UserStore.User> user = users.get(cacheKey.user());
        if (user.isEmpty() || !hasher.matches(password, user.get().passwordHash())) {
            verified.remove(cacheKey);
            return;
        }
        long credentialId = user.get().credentialId();
        verified.computeIfPresent(cacheKey, (k, old) -> new Verified(credentialId,
                nanoTime.getAsLong() + cacheTtl.toNanos()));
    }

    private static Login login(UserStore.User user, Peer peer) {
        return new Login(new Principal(user.name(), user.admin(), peer), user.credentialId());
    }

    /** A {@link Login#identity()} read back: {@code user:credentialId}. */
    private record Identity(String user, long credentialId) {
        static Optional<Identity> parse(String identity) {
            int colon = identity == null ? -1 : identity.lastIndexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Identity(identity.substring(0, colon), Long.parseLong(identity.substring(colon + 1))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** The user a {@link Login#identity()} stands for, lower case; empty for anything else. */
    public static String userOf(String identity) {
        return Identity.parse(identity).map(i -> i.user().toLowerCase(Locale.ROOT)).orElse("");
    }

    /**
     * The principal of a session started by a {@link Login} with this {@link Login#identity()}:
     * empty when the user was dropped or its password changed since.
     */
    public Optional<Principal> resume(String identity, Peer peer) {
        return Identity.parse(identity).flatMap(i -> users.get(i.user())
                .filter(u -> u.credentialId() == i.credentialId())
                .map(u -> new Principal(u.name(), u.admin(), peer)));
    }

    /** Records an accepted login: a JDBC connection opened, a Flight bearer token issued. */
    public void recordLogin(Principal principal, String detail) {
        audit.record(new AuditEvent(clock.instant(), "login", principal.user(), principal.peer(),
                AuditEvent.Outcome.OK, detail));
    }

    /** Forgets cached verifications of {@code user} (any case); the next request verifies again. */
    public void forget(String user) {
        String key = user.toLowerCase(Locale.ROOT);
        verified.keySet().removeIf(k -> k.user().equals(key));
    }

    /** The audit log this authenticator writes to. */
    public AuditLog audit() {
        return audit;
    }

    private void refused(String user, Peer peer, String detail) {
        audit.record(new AuditEvent(clock.instant(), "login", user, peer, AuditEvent.Outcome.REFUSED, detail));
    }

    /** SHA-256 of user and password: a cache key from which the password cannot be read back. */
    private static String digest(String user, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(user.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
            byte[] out = sha.digest(bytes);
            Arrays.fill(bytes, (byte) 0);
            return java.util.HexFormat.of().formatHex(out);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
