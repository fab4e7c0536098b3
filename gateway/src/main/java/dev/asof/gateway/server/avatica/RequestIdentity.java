package dev.asof.gateway.server.avatica;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.session.Principal;

/**
 * Who sent the JDBC request being served. {@link AvaticaHttpServer} authenticates each HTTP
 * request and sets its principal for the duration of the service call (which runs on one request
 * thread, start to end); {@link AsofMeta} reads it to bind connections to their user and to run
 * statements as that user.
 */
final class RequestIdentity {
    private final Authenticator authenticator;
    /** Per endpoint, not static: two endpoints in one process never see each other's callers. */
    private final ThreadLocal<Principal> current = new ThreadLocal<>();

    RequestIdentity(Authenticator authenticator) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
    }

    Authenticator authenticator() {
        return authenticator;
    }

    /** The HTTP request in service on this thread, when it came over a connection that can go away. */
    private final ThreadLocal<InFlight> inFlight = new ThreadLocal<>();

    /**
     * A request in service, as its HTTP connection sees it: when the connection closes before the
     * response is sent (the client was killed, gave up or lost the network), what the request
     * registered with {@link #onClientGone} runs.
     */
    static final class InFlight {
        private Runnable onGone;
        private boolean gone;

        /** The client's connection closed: runs the registered action (now or when registered). */
        void gone() {
            Runnable r;
            synchronized (this) {
                gone = true;
                r = onGone;
            }
            if (r != null) {
                r.run();
            }
        }

        void onGone(Runnable action) {
            boolean now;
            synchronized (this) {
                onGone = action;
                now = gone;
            }
            if (now) {
                action.run();
            }
        }
    }

    /** Runs {@code call} as {@code principal}. */
    <T> T as(Principal principal, java.util.function.Supplier<T> call) {
        return as(principal, null, call);
    }

    /** Runs {@code call} as {@code principal}, for the HTTP request {@code request} (may be null). */
    <T> T as(Principal principal, InFlight request, java.util.function.Supplier<T> call) {
        current.set(requireNonNull(principal, "principal"));
        inFlight.set(request);
        try {
            return call.get();
        } finally {
            current.remove();
            inFlight.remove();
        }
    }

    /**
     * Runs {@code action} if the client's connection closes before the request in service on this
     * thread is answered (at once if it already has); replaces an earlier action of the request.
     * Does nothing for calls made without HTTP.
     */
    void onClientGone(Runnable action) {
        InFlight request = inFlight.get();
        if (request != null) {
            request.onGone(action);
        }
    }

    /** The caller of the request in service on this thread. */
    Principal current() {
        Principal p = current.get();
        if (p == null) {
            // Every request is authenticated before dispatch; reaching this is a bug, not a client error.
            throw new IllegalStateException("JDBC request served without an authenticated principal");
        }
        return p;
    }

    /** Audits an accepted login when a JDBC connection opens (not on every request). */
    void connectionOpened(Principal principal, String connectionId) {
        // Connection ids are the client's choice: keep at most 64 characters of one in the log.
        String id = connectionId.length() <= 64 ? connectionId : connectionId.substring(0, 64) + "…";
        authenticator.recordLogin(principal, "JDBC connection " + id + " opened");
    }
}
