package dev.asof.gateway.admission;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.execution.StatementOwner;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.warehouse.QueryControl;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admission control for warehouse statements: bounds how many a connection (or Flight SQL
 * session), a user and the whole gateway have running or open at once (an open result cursor
 * holds a pooled warehouse connection until it is closed). A statement over a limit waits in a
 * bounded queue for at most {@link AdmissionLimits#queueTimeout()}; when the wait passes, or the
 * queue is full, it fails with {@link ErrorCode#TOO_MANY_STATEMENTS} (SQLSTATE 53000) and a
 * message naming the limit and its value. Statements wait here, where the wait is bounded and
 * cancellable, instead of in the connector's pool, and one client cannot take every pooled
 * connection.
 *
 * <p>Waiting statements are admitted in arrival order among those that fit: a statement held back
 * by its own user's or connection's limit does not hold back another user's statement.
 *
 * <p>The gateway's own work ({@link StatementOwner#INTERNAL}: materialization, in-process tools) is
 * not admitted here: it is bounded by the pool alone. Thread-safe.
 */
public final class WarehouseAdmission {
    private final AdmissionLimits limits;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private final Map<String, Integer> perUser = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private final Map<String, Integer> perConnection = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private int running;

    public WarehouseAdmission(AdmissionLimits limits) {
        this.limits = requireNonNull(limits, "limits");
    }

    public AdmissionLimits limits() {
        return limits;
    }

    /** A statement's admission; {@link #release()} it when the statement's work ends (idempotent). */
    public interface Permit {
        /** Lets the next waiting statement in; safe to call more than once. */
        void release();
    }

    private static final Permit UNLIMITED = () -> { };

    /**
     * Admits a statement of {@code owner}, waiting while a limit is reached (at most the queue
     * timeout). A cancel of {@code control} while it waits ends the wait.
     *
     * @throws AsofException {@link ErrorCode#TOO_MANY_STATEMENTS} when the queue is full or the
     *     wait passed; {@link ErrorCode#CANCELLED} when the statement was cancelled while waiting
     */
    public Permit admit(StatementOwner owner, QueryControl control) {
        requireNonNull(owner, "owner");
        requireNonNull(control, "control");
        if (owner.equals(StatementOwner.INTERNAL)) {
            return UNLIMITED;
        }
        String user = owner.user();
        String connection = owner.protocol() + ":" + owner.owner();
        Waiter waiter;
        lock.lock();
        try {
            // No queued statement fits (dispatch() admits every one that does), so one that fits
            // now overtakes no one who could run.
            if (fits(user, connection)) {
                take(user, connection);
                return new Held(user, connection);
            }
            if (limits.queueTimeout().isZero() || queue.size() >= limits.maxQueued()) {
                throw refused(user, connection, queue.size() >= limits.maxQueued() && !limits.queueTimeout().isZero());
            }
            waiter = new Waiter(user, connection, lock.newCondition());
            queue.addLast(waiter);
        } finally {
            lock.unlock();
        }
        control.onCancel(() -> wake(waiter));
        lock.lock();
        try {
            long remaining = limits.queueTimeout().toNanos();
            while (!waiter.admitted && !waiter.cancelled && remaining > 0) {
                remaining = waiter.turn.awaitNanos(remaining);
            }
            if (waiter.admitted) {
                return new Held(user, connection);
            }
            queue.remove(waiter);
            if (waiter.cancelled || control.isCancelled()) {
                throw new AsofException(ErrorCode.CANCELLED, "statement cancelled while waiting for admission");
            }
            throw refused(user, connection, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (waiter.admitted) {
                release(user, connection);
            } else {
                queue.remove(waiter);
            }
            throw new AsofException(ErrorCode.CANCELLED, "statement cancelled while waiting for admission");
        } finally {
            lock.unlock();
        }
    }

    /** Statements admitted and not yet released. */
    public int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Statements waiting for admission now. */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(String user, String connection) {
        return running < limits.maxRunning()
                && perUser.getOrDefault(user, 0) < limits.maxPerUser()
                && perConnection.getOrDefault(connection, 0) < limits.maxPerConnection();
    }

    private void take(String user, String connection) {
        running++;
        perUser.merge(user, 1, Integer::sum);
        perConnection.merge(connection, 1, Integer::sum);
    }

    private void release(String user, String connection) {
        lock.lock();
        try {
            running--;
            perUser.computeIfPresent(user, (k, n) -> n == 1 ? null : n - 1);
            perConnection.computeIfPresent(connection, (k, n) -> n == 1 ? null : n - 1);
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** Admits, in arrival order, every waiting statement that fits now. */
    private void dispatch() {
        for (Iterator<Waiter> it = queue.iterator(); it.hasNext() && running < limits.maxRunning(); ) {
            Waiter w = it.next();
            if (fits(w.user, w.connection)) {
                take(w.user, w.connection);
                w.admitted = true;
                it.remove();
                w.turn.signal();
            }
        }
    }

    private void wake(Waiter waiter) {
        lock.lock();
        try {
            if (!waiter.admitted) {
                waiter.cancelled = true;
                waiter.turn.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The error for a statement of {@code user} on {@code connection} that cannot be admitted. */
    private AsofException refused(String user, String connection, boolean queueFull) {
        if (queueFull) {
            return new AsofException(ErrorCode.TOO_MANY_STATEMENTS, "too many statements waiting for the warehouse: "
                    + "the admission queue is full (" + AdmissionSettings.MAX_QUEUED_KEY + " = " + limits.maxQueued()
                    + "); retry later");
        }
        String limit;
        if (perConnection.getOrDefault(connection, 0) >= limits.maxPerConnection()) {
            limit = "this connection has " + limits.maxPerConnection() + " warehouse statement(s) running or open ("
                    + AdmissionSettings.MAX_PER_CONNECTION_KEY + " = " + limits.maxPerConnection() + ")";
        } else if (perUser.getOrDefault(user, 0) >= limits.maxPerUser()) {
            limit = "user '" + user + "' has " + limits.maxPerUser() + " warehouse statement(s) running or open ("
                    + AdmissionSettings.MAX_PER_USER_KEY + " = " + limits.maxPerUser() + ")";
        } else {
            limit = "the gateway has " + limits.maxRunning() + " warehouse statement(s) running or open ("
                    + AdmissionSettings.MAX_RUNNING_KEY + " = " + limits.maxRunning() + ")";
        }
        return new AsofException(ErrorCode.TOO_MANY_STATEMENTS, "too many statements: " + limit
                + (limits.queueTimeout().isZero() ? "" : " for the whole queue wait of "
                        + seconds(limits.queueTimeout()) + " (" + AdmissionSettings.QUEUE_TIMEOUT_KEY + ")")
                + "; close open result sets or retry later");
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A statement waiting in the queue. Fields other than the final ones are guarded by {@link #lock}. */
    private static final class Waiter {
        final String user;
        final String connection;
        final Condition turn;
        boolean admitted;
        boolean cancelled;

        Waiter(String user, String connection, Condition turn) {
            this.user = user;
            this.connection = connection;
            this.turn = turn;
        }
    }

    /** An admitted statement's permit. */
    private final class Held implements Permit {
        private final String user;
        private final String connection;
        private final AtomicBoolean released = new AtomicBoolean();

        Held(String user, String connection) {
            this.user = user;
            this.connection = connection;
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                WarehouseAdmission.this.release(user, connection);
            }
        }
    }
}
