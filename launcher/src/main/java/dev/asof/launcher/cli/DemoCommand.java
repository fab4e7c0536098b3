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

/** {@code asof demo}: a gateway with the demo scenario installed, until interrupted. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs a gateway on a generated demo lake (customers, profile updates,",
                "transactions, fraud labels) with its feature views; the first run installs",
                "them (a few seconds). Default data directory: ./data/demo."})
final class DemoCommand implements Callable<Integer> {
    static final Path DEFAULT_DATA_DIR = Path.of("data", "demo");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    GatewayOptions options = new GatewayOptions();

    @Option(names = "--exit-after-start", hidden = true)
    boolean exitAfterStart;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        GatewayConfig cfg = options.applyTo(GatewayConfig.defaults().withDataDir(DEFAULT_DATA_DIR));
        AsofGateway gateway = GatewayLauncher.start(cfg);
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
        out.println();
        out.println("JDBC URL: " + gateway.jdbcUrl());
        gateway.endpoints().forEach(e -> out.println(e.describe()));
        out.println();
        out.println("Open a SQL shell in another terminal:");
        out.println("  " + launcher() + " sql" + (isDefault(gateway) ? "" : " " + gateway.jdbcUrl()));
        out.println();
        out.println("Try a point-in-time join of the labels with two feature views:");
        out.println();
        out.println(DemoScenario.sampleQuery().strip() + ";");
        out.println();
        out.println("And an online lookup, served from the online store:");
        out.println();
        out.println(DemoScenario.sampleLookup() + ";");
        out.println();
        out.println("More: SHOW FEATURE VIEWS; DESCRIBE customer_profile; EXPLAIN <query>; SELECT * FROM sys.online_views;");
        out.println("Press Ctrl-C to stop.");
        out.flush();
        ServeCommand.serveUntilStopped(gateway, out, exitAfterStart);
        return 0;
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
