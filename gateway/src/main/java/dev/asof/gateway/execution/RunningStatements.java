package dev.asof.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.session.Principal;
import dev.asof.spi.warehouse.QueryControl;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every statement running in the gateway, on every protocol: from execution until its result is
 * closed (a streaming result runs while its client fetches). Listed by {@code sys.statements};
 * {@code KILL 'id'} cancels one through its {@link QueryControl}; the gateway cancels all of them
 * when it stops.
 */
public final class RunningStatements {
    /** Statement text kept for the listing, at most this many characters. */
    static final int SQL_EXCERPT = 200;

    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /**
     * Ids are a counter through a keyed 64-bit permutation: distinct while the counter does not wrap,
     * and as random-looking as before without a SecureRandom draw (a lock and a SHA-1 round) for
     * every lookup. Who may kill a statement never depended on its id being unguessable ({@link #kill}).
     */
    private final long idKey = new SecureRandom().nextLong();
    private final AtomicLong idCounter = new AtomicLong();

    /**
     * One running statement.
     *
     * @param id random, 16 hex digits: what {@code KILL} names
     * @param route where it runs: online, offline, warehouse, system, materialize, ddl
     */
    public record Running(String id, StatementOwner owner, String route, String sql, Instant started,
            QueryControl control, AtomicReference<Duration> timedOutAfter) {
        public Running {
            requireNonNull(id, "id");
            requireNonNull(owner, "owner");
            requireNonNull(route, "route");
            requireNonNull(sql, "sql");
            requireNonNull(started, "started");
            requireNonNull(control, "control");
            requireNonNull(timedOutAfter, "timedOutAfter");
        }

        /** How long it has run at {@code now}. */
        public Duration elapsed(Instant now) {
            return Duration.between(started, now);
        }

        /** The statement limit it was cancelled for ({@link #expire}); empty when it was not. */
        public Optional<Duration> timedOut() {
            return Optional.ofNullable(timedOutAfter.get());
        }
    }

    /** Routes no statement limit applies to: a {@code MATERIALIZE} may rightly run for hours. */
    private static final java.util.Set<String> UNLIMITED_ROUTES = java.util.Set.of("materialize");

    /** Records a statement that starts now; {@link #finish} it when its result is closed. */
    public Running start(StatementOwner owner, String route, String sql, QueryControl control) {
        String excerpt = sql.length() <= SQL_EXCERPT ? sql : sql.substring(0, SQL_EXCERPT - 3) + "...";
        while (true) {
            Running r = new Running(HexFormat.of().toHexDigits(permuted(idCounter.incrementAndGet() ^ idKey)), owner,
                    route, excerpt, Instant.now(), control, new AtomicReference<>());
            if (running.putIfAbsent(r.id(), r) == null) {
                return r;
            }
        }
    }

    /** A bijection of 64-bit values that scatters neighbours (SplitMix64's finalizer). */
    private static long permuted(long x) {
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    public void finish(Running r) {
        running.remove(r.id(), r);
    }

    /** The running statements, oldest first. */
    public List<Running> list() {
        return running.values().stream().sorted(Comparator.comparing(Running::started)).toList();
    }

    public Optional<Running> get(String id) {
        return Optional.ofNullable(running.get(id));
    }

    /**
     * Cancels statement {@code id} on behalf of {@code requester}.
     *
     * @return false when no such statement runs (or the requester may not kill it: not revealed)
     */
    public boolean kill(String id, Principal requester) {
        Running r = running.get(id);
        if (r == null || !mayKill(requester, r)) {
            return false;
        }
        r.control().cancel();
        return true;
    }

    /**
     * Whether {@code requester} may cancel {@code target}: an admin, or the user who runs it. Anyone
     * else is answered as if the statement did not exist.
     */
    static boolean mayKill(Principal requester, Running target) {
        return requester.admin() || requester.user().equalsIgnoreCase(target.owner().user());
    }

    /**
     * Cancels every statement that has run longer than {@code limit} at {@code now} (except
     * {@code MATERIALIZE}), marking it timed out so that its client is told why. The gateway calls
     * this periodically; one sweep costs a look at each running statement and no timer per statement
     * (a service runs thousands of lookups a second).
     *
     * @return how many were cancelled
     */
    public int expire(Duration limit, Instant now) {
        int n = 0;
        for (Running r : running.values()) {
            if (!UNLIMITED_ROUTES.contains(r.route()) && r.elapsed(now).compareTo(limit) > 0
                    && r.timedOutAfter().compareAndSet(null, limit)) {
                r.control().cancel();
                n++;
            }
        }
        return n;
    }

    /** Cancels every running statement (the gateway is stopping); returns how many. */
    public int cancelAll() {
        List<Running> all = List.copyOf(running.values());
        all.forEach(r -> r.control().cancel());
        return all.size();
    }
}
