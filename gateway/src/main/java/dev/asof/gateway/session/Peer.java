package dev.asof.gateway.session;

import static java.util.Objects.requireNonNull;

/**
 * Where a call comes from, for the audit log and for throttling failed logins.
 *
 * @param protocol {@code jdbc}, {@code flight-sql} or {@code in-process}
 * @param address the client's IP address (no port), or empty when there is none (in-process)
 */
public record Peer(String protocol, String address) {
    /** Statements run inside the gateway process (the demo, tools, tests). */
    public static final Peer IN_PROCESS = new Peer("in-process", "");

    public Peer {
        requireNonNull(protocol, "protocol");
        requireNonNull(address, "address");
    }
}
