package dev.asof.launcher.cli;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

    /**
     * Blocks until the JVM shuts down (SIGINT/SIGTERM); a shutdown hook closes the gateway, so the
     * registry and the DuckDB file are released cleanly.
     */
    static void serveUntilStopped(AsofGateway gateway, PrintWriter out, boolean exitNow) throws InterruptedException {
        if (exitNow) {
            gateway.close();
            return;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                out.println("asof: stopping");
                out.flush();
                gateway.close();
            } finally {
                closed.countDown();
            }
        }, "asof-shutdown"));
        closed.await();
    }
}
