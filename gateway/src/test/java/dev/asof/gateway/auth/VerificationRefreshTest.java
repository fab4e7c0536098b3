package dev.asof.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.audit.AuditLog;
import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.session.Peer;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.Secret;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verification cache refreshed ahead of expiry: a client that keeps sending requests is not
 * made to wait for a password hash every {@link Authenticator#DEFAULT_CACHE_TTL}, and a refresh
 * never keeps credentials alive that a full verification would refuse.
 *
 * <p>{@link Authenticator#cachedLogin} answers from the cache alone, so whether it answers after
 * the entry's first life shows whether the entry was refreshed; refreshes run on a queue the test
 * drains, with a clock the test moves.
 */
class VerificationRefreshTest {
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final Peer PEER = new Peer("jdbc", "10.0.0.7");
    private static final String PASSWORD = "correct horse battery";

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Deque<Runnable> queued = new ArrayDeque<>();
    private final PasswordHasher hasher = new PasswordHasher(4);
    private Registry registry;

    @BeforeEach
    void open(@TempDir Path dir) {
        registry = Registry.open(dir);
        registry.users().create("alice", hasher.hash(new Secret(PASSWORD)), false, false);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private Authenticator authenticator(Executor refresher) {
        return new Authenticator(registry.users(), hasher, AuditLog.none(), Clock.systemUTC(), TTL,
                LoginThrottle.Limits.defaults(), now::get, refresher);
    }

    private void at(Duration sinceStart) {
        now.set(1_000_000_000L + sinceStart.toNanos());
    }

    /** Logs in at 0, then again at 4.5 min (the entry aging, which queues a refresh): that login. */
    private Authenticator.Login loggedInThenAging(Authenticator auth) {
        at(Duration.ZERO);
        auth.login("alice", PASSWORD, PEER);
        at(Duration.ofSeconds(270));
        return auth.login("alice", PASSWORD, PEER);
    }

    private void runQueued() {
        while (!queued.isEmpty()) {
            queued.poll().run();
        }
    }

    @Test
    void aRequestNearExpiryRefreshesTheEntryInTheBackground() {
        Authenticator auth = authenticator(queued::add);
        Authenticator.Presented presented = Authenticator.present("alice", PASSWORD).orElseThrow();
        at(Duration.ZERO);
        auth.login("alice", PASSWORD, PEER);
        at(Duration.ofMinutes(1));
        assertThat(auth.cachedLogin(presented, PEER)).isPresent();
        assertThat(queued).isEmpty();

        // Aging (the last fifth of its life): the cache-only path declines, so the caller goes to login().
        at(Duration.ofSeconds(270));
        assertThat(auth.cachedLogin(presented, PEER)).isEmpty();
        assertThat(auth.login("alice", PASSWORD, PEER).principal().user()).isEqualTo("alice");
        assertThat(queued).hasSize(1);
        // The refresh is under way: answered from the cache again, and no second refresh queued.
        assertThat(auth.cachedLogin(presented, PEER)).isPresent();
        auth.login("alice", PASSWORD, PEER);
        assertThat(queued).hasSize(1);
        runQueued();

        // Past the first life's end (5 min): still answered from the cache alone.
        at(Duration.ofMinutes(6));
        assertThat(auth.cachedLogin(presented, PEER)).map(l -> l.principal().user()).contains("alice");
        // The second life ends 5 min after the refresh ran (at 4.5 min) when nothing refreshes it again.
        at(Duration.ofSeconds(571));
        assertThat(auth.cachedLogin(presented, PEER)).isEmpty();
    }

    @Test
    void aRefreshAfterAPasswordChangeDropsTheOldPassword() {
        Authenticator auth = authenticator(queued::add);
        loggedInThenAging(auth);
        assertThat(queued).hasSize(1);
        registry.users().setPassword("alice", hasher.hash(new Secret("a new password")));
        runQueued();

        at(Duration.ofSeconds(271));
        assertThat(auth.cachedLogin(Authenticator.present("alice", PASSWORD).orElseThrow(), PEER)).isEmpty();
        assertThatThrownBy(() -> auth.login("alice", PASSWORD, PEER))
                .isInstanceOfSatisfying(AsofException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
        assertThat(auth.login("alice", "a new password", PEER).principal().user()).isEqualTo("alice");
    }

    @Test
    void aRefreshDoesNotBringBackAForgottenEntry() {
        Authenticator auth = authenticator(queued::add);
        Authenticator.Presented presented = Authenticator.present("alice", PASSWORD).orElseThrow();
        loggedInThenAging(auth);
        assertThat(queued).hasSize(1);
        auth.forget("alice");
        runQueued();

        at(Duration.ofSeconds(271));
        assertThat(auth.cachedLogin(presented, PEER)).isEmpty();
        // Verified in full again, then cached.
        auth.login("alice", PASSWORD, PEER);
        assertThat(auth.cachedLogin(presented, PEER)).isPresent();
    }

    @Test
    void aRefusedRefreshLeavesTheEntryToExpire() {
        Authenticator auth = authenticator(task -> {
            throw new RejectedExecutionException("full");
        });
        Authenticator.Presented presented = Authenticator.present("alice", PASSWORD).orElseThrow();
        // Answered from the cache although the refresh was refused.
        assertThat(loggedInThenAging(auth).principal().user()).isEqualTo("alice");

        at(Duration.ofMinutes(6));
        assertThat(auth.cachedLogin(presented, PEER)).isEmpty();
        assertThat(auth.login("alice", PASSWORD, PEER).principal().user()).isEqualTo("alice");
    }
}
