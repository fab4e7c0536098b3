package dev.asof.flight;

import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Names the Flight SQL session a call belongs to. A client names its session with the header
 * {@value #HEADER}, or carries the cookie {@value #COOKIE} the server sets on its first call (the
 * Arrow JDBC driver and ADBC with cookies enabled do this on their own). A call with neither
 * starts a new session and gets the cookie in its response headers.
 */
final class SessionMiddleware implements FlightServerMiddleware {
    static final String HEADER = "x-asof-session";
    static final String COOKIE = "asof_session";
    static final Key<SessionMiddleware> KEY = Key.of("asof-session");
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String sessionId;
    private final boolean fresh;
    private final String peerAddress;

    private SessionMiddleware(String sessionId, boolean fresh, String peerAddress) {
        this.sessionId = sessionId;
        this.fresh = fresh;
        this.peerAddress = peerAddress;
    }

    String sessionId() {
        return sessionId;
    }

    /** The client's address as the transport saw it ({@link FlightAuthentication.PeerAddressTracer}). */
    String peerAddress() {
        return peerAddress;
    }

    /**
     * Whether the call named its session (header or cookie). A call that did not was given a fresh
     * one that no later call will name: handles it creates are bound to no session.
     */
    boolean named() {
        return !fresh;
    }

    @Override
    public void onBeforeSendingHeaders(CallHeaders outgoing) {
        if (fresh) {
            outgoing.insert("set-cookie", COOKIE + "=" + sessionId);
        }
    }

    @Override
    public void onCallCompleted(CallStatus status) {}

    @Override
    public void onCallErrored(Throwable err) {}

    static final class Factory implements FlightServerMiddleware.Factory<SessionMiddleware> {
        @Override
        public SessionMiddleware onCallStarted(CallInfo info, CallHeaders incoming, RequestContext context) {
            String id = incoming.get(HEADER);
            if (id == null) {
                id = cookie(incoming);
            }
            if (id != null) {
                id = id.trim();
                if (!VALID.matcher(id).matches()) {
                    throw CallStatus.INVALID_ARGUMENT.withDescription("session id (header " + HEADER + " or cookie "
                            + COOKIE + ") must be 1-64 letters, digits, '_' or '-'").toRuntimeException();
                }
                return new SessionMiddleware(id, false, incoming.get(FlightAuthentication.PEER_ADDRESS_HEADER));
            }
            return new SessionMiddleware(UUID.randomUUID().toString().replace("-", ""), true,
                    incoming.get(FlightAuthentication.PEER_ADDRESS_HEADER));
        }

        private static String cookie(CallHeaders incoming) {
            if (!incoming.containsKey("cookie")) {
                return null;
            }
            for (String header : incoming.getAll("cookie")) {
                for (String part : header.split(";")) {
                    String p = part.trim();
                    if (p.startsWith(COOKIE + "=")) {
                        return p.substring(COOKIE.length() + 1);
                    }
                }
            }
            return null;
        }
    }
}
