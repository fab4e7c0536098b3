package dev.asof.launcher.cli;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.launcher.demo.DemoScenario;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code asof demo}: a gateway with the demo scenario installed, until interrupted. Its admin is
 * {@value #DEMO_USER} with password {@value #DEMO_PASSWORD}, created on first use; because that
 * password is public, the demo serves on loopback addresses only.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs a gateway on a generated demo lake (customers, profile updates,",
                "transactions, fraud labels) with its feature views; the first run installs",
                "them (a few seconds). Default data directory: ./data/demo."})
final class DemoCommand implements Callable<Integer> {
    static final Path DEFAULT_DATA_DIR = Path.of("data", "demo");
    static final String DEMO_USER = "demo";
    static final String DEMO_PASSWORD = "demo";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    GatewayOptions options = new GatewayOptions();

    @Option(names = "--exit-after-start", hidden = true)
    boolean exitAfterStart;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        GatewayConfig cfg = options.applyTo(GatewayConfig.defaults().withDataDir(DEFAULT_DATA_DIR))
                .withAdmin(DEMO_USER, DEMO_PASSWORD);
        requireLoopback(cfg.host());
        // The demo's admin password is always "demo": ASOF_ADMIN_PASSWORD is for real gateways.
        AsofGateway gateway = GatewayLauncher.start(cfg, java.util.Map.of());
        try {
            long t0 = System.nanoTime();
            if (DemoScenario.install(gateway.executor())) {
                out.printf("Installed the demo scenario in %.1f s (data directory %s).%n",
                        (System.nanoTime() - t0) / 1e9, cfg.dataDir().toAbsolutePath().normalize());
            } else {
                out.println("Demo scenario already installed in " + cfg.dataDir().toAbsolutePath().normalize() + ".");
            }
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        if (gateway.adminAtStart() == dev.asof.gateway.auth.AdminBootstrap.Outcome.CREATED) {
            out.println("Created the admin user '" + DEMO_USER + "' with password '" + DEMO_PASSWORD
                    + "' (the demo serves on loopback only).");
        } else {
            out.println("Log in as '" + DEMO_USER + "' (password '" + DEMO_PASSWORD + "', unless you changed it).");
        }
        out.println();
        out.println("JDBC URL: " + gateway.jdbcUrl());
        gateway.endpoints().forEach(e -> out.println(e.describe()));
        out.println();
        out.println("Open a SQL shell in another terminal:");
        out.println("  " + launcher() + " sql" + (isDefault(gateway) ? "" : " " + gateway.jdbcUrl()) + " --user " + DEMO_USER
                + " --password " + DEMO_PASSWORD);
        out.println();
        out.println("Try a point-in-time join of the labels with two feature views:");
        out.println();
        out.println(DemoScenario.sampleQuery().strip() + ";");
        out.println();
        out.println("And an online lookup, served from the online store:");
        out.println();
        out.println(DemoScenario.sampleLookup() + ";");
        out.println();
        out.println("With request-time expressions, computed in the gateway (the amount is a ? in a service):");
        out.println();
        out.println(DemoScenario.sampleRequestTimeLookup() + ";");
        out.println();
        out.println("The same, declared once as a request-time view (the amount is the request's):");
        out.println();
        out.println(DemoScenario.sampleRequestView() + ";");
        out.println();
        out.println("Push a card swipe and read it online at once, without MATERIALIZE:");
        out.println();
        out.println(DemoScenario.samplePush() + ";");
        out.println(DemoScenario.samplePushLookup() + ";");
        out.println();
        out.println("More: SHOW FEATURE VIEWS; DESCRIBE customer_profile; EXPLAIN <query>; SELECT * FROM sys.online_views;");
        out.println("Press Ctrl-C to stop.");
        out.flush();
        ServeCommand.serveUntilStopped(gateway, out, exitAfterStart);
        return 0;
    }

    /** The demo's admin password is public: refuse anything but a loopback address. */
    static void requireLoopback(String host) {
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new StartupException("cannot listen on " + host + ": unknown host");
        }
        if (!loopback) {
            throw new StartupException("the demo serves on loopback addresses only (its admin '" + DEMO_USER
                    + "' has the password '" + DEMO_PASSWORD + "'), not on " + host
                    + "; use `asof serve` with your own admin (asof.admin.user) to serve on the network");
        }
    }

    private static boolean isDefault(AsofGateway gateway) {
        return gateway.jdbcUrl().equals(SqlCommand.DEFAULT_URL);
    }

    /** How the user started us: the launcher script exports ASOF_LAUNCHER. */
    static String launcher() {
        String l = System.getenv("ASOF_LAUNCHER");
        return l == null || l.isBlank() ? "asof" : l;
    }
}
