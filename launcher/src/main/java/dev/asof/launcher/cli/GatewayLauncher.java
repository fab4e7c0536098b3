package dev.asof.launcher.cli;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Starts a gateway for the CLI, turning the usual start-up failures (port in use, data directory
 * not writable, data directory held by another process) into one clear {@link StartupException}.
 */
final class GatewayLauncher {
    private GatewayLauncher() {}

    static AsofGateway start(GatewayConfig config) {
        return start(config, System.getenv());
    }

    /** As {@link #start(GatewayConfig)}; the first admin's password variable is read from {@code environment}. */
    static AsofGateway start(GatewayConfig config, java.util.Map<String, String> environment) {
        checkDataDir(config.dataDir());
        checkPort(config.host(), config.jdbcPort());
        try {
            return AsofGateway.start(config, java.util.function.UnaryOperator.identity(), environment);
        } catch (RuntimeException e) {
            throw explain(e, config);
        }
    }

    /** The directory exists (or is created) and a file can be written in it. */
    static void checkDataDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
        } catch (FileAlreadyExistsException e) {
            throw new StartupException("data directory " + abs + " is not a directory");
        } catch (AccessDeniedException e) {
            throw new StartupException("cannot create data directory " + abs + ": permission denied");
        } catch (FileSystemException e) {
            throw new StartupException("cannot create data directory " + abs + ": " + reason(e));
        } catch (IOException e) {
            throw new StartupException("cannot create data directory " + abs + ": " + e.getMessage());
        }
        Path probe = abs.resolve(".asof-write-test-" + UUID.randomUUID());
        try {
            Files.createFile(probe);
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new StartupException("data directory " + abs + " is not writable: permission denied");
        } catch (FileSystemException e) {
            throw new StartupException("data directory " + abs + " is not writable: " + reason(e));
        } catch (IOException e) {
            throw new StartupException("data directory " + abs + " is not writable: " + e.getMessage());
        }
    }

    /** Fails early, before the engines open, when the JDBC port cannot be bound. */
    static void checkPort(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new StartupException("cannot listen on " + host + ": unknown host (set --host or asof.jdbc.host)");
        }
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as servers do: a port in TIME_WAIT is not "in use"
            probe.bind(new InetSocketAddress(address, port));
        } catch (BindException e) {
            throw portError(host, port, e);
        } catch (IOException e) {
            throw new StartupException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    private static StartupException portError(String host, int port, BindException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        if (msg.contains("in use")) {
            return new StartupException("cannot listen on " + host + ":" + port
                    + ": the port is already in use (is another asof running? choose another with --port"
                    + " or asof.jdbc.port)");
        }
        return new StartupException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
                + " (set --host/--port or asof.jdbc.host/asof.jdbc.port)");
    }

    private static StartupException explain(RuntimeException e, GatewayConfig config) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException b) {
                return portError(config.host(), config.jdbcPort(), b);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = firstLine(root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName());
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("address already in use")) {
            // A port of another endpoint (HTTP health and metrics): its message names the key to set.
            return new StartupException(text);
        }
        if (lower.contains("lock") || lower.contains("already in use")) {
            return new StartupException("data directory " + config.dataDir().toAbsolutePath().normalize()
                    + " is in use by another process (" + text + ")");
        }
        return new StartupException("cannot start the gateway: " + text);
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
