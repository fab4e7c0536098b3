package dev.asof.launcher.cli;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code asof serve}: runs a gateway until SIGINT/SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the gateway until interrupted (Ctrl-C / SIGTERM).",
                "Settings: flags override the config file, which overrides the defaults"
                        + " (data dir ./data, host 127.0.0.1, port 8765, Flight SQL port 8815)."})
final class ServeCommand implements Callable<Integer> {
    static final String EXAMPLE_CONFIG = "asof.example.properties";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Java properties file with asof.data-dir, asof.jdbc.host, asof.jdbc.port, asof.flight.port,"
                    + " asof.flight.tls.cert, asof.flight.tls.key.")
    Path config;

    @Mixin
    GatewayOptions options = new GatewayOptions();

    @Option(names = "--print-example-config", description = "Prints an example config file and exits.")
    boolean printExample;

    /** For tests and smoke checks: start, print, stop. */
    @Option(names = "--exit-after-start", hidden = true)
    boolean exitAfterStart;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (printExample) {
            out.print(exampleConfig());
            out.flush();
            return 0;
        }
        GatewayConfig cfg = resolve(config, options);
        AsofGateway gateway = GatewayLauncher.start(cfg);
        out.println("asof gateway running; data directory " + cfg.dataDir().toAbsolutePath().normalize());
        if (gateway.adminAtStart() == dev.asof.gateway.auth.AdminBootstrap.Outcome.CREATED) {
            out.println("Created the admin user '" + cfg.security().adminUser().orElseThrow() + "' ("
                    + GatewayConfig.ADMIN_USER_KEY + ").");
        }
        out.println("JDBC URL: " + gateway.jdbcUrl());
        gateway.endpoints().forEach(e -> out.println(e.describe()));
        out.println("Press Ctrl-C to stop.");
        out.flush();
        serveUntilStopped(gateway, out, exitAfterStart);
        return 0;
    }

    /** Defaults, then the config file (if any), then the flags. */
    static GatewayConfig resolve(Path configFile, GatewayOptions flags) {
        GatewayConfig base = GatewayConfig.defaults();
        if (configFile != null) {
            base = GatewayConfig.load(configFile, base);
        }
        return flags.applyTo(base);
    }

    static String exampleConfig() throws IOException {
        try (InputStream in = ServeCommand.class.getResourceAsStream(EXAMPLE_CONFIG)) {
            if (in == null) {
                throw new IllegalStateException("example config resource missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** How long stopping may take before the process ends anyway: a clean stop is within 10 s. */
    static final Duration STOP_LIMIT = Duration.ofSeconds(8);

    /**
     * Blocks until the JVM shuts down (SIGINT/SIGTERM); a shutdown hook closes the gateway (which
     * cancels running statements first), so the registry and the DuckDB file are released cleanly.
     * Should closing hang (an engine that does not answer a cancel), the process halts after
     * {@link #STOP_LIMIT}: a service manager's SIGTERM always ends it.
     */
    static void serveUntilStopped(AsofGateway gateway, PrintWriter out, boolean exitNow) throws InterruptedException {
        if (exitNow) {
            gateway.close();
            return;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Thread watchdog = new Thread(() -> {
                try {
                    if (!closed.await(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        out.println("asof: not stopped after " + STOP_LIMIT.toSeconds() + " s; exiting now");
                        out.flush();
                        Runtime.getRuntime().halt(1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "asof-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                out.println("asof: stopping");
                out.flush();
                gateway.close();
                out.println("asof: stopped");
                out.flush();
            } finally {
                closed.countDown();
            }
        }, "asof-shutdown"));
        closed.await();
    }
}
