package dev.asof.launcher.cli;

import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code asof} command line: {@code serve} runs a gateway, {@code demo} runs one with the demo
 * scenario installed, {@code sql} opens an interactive SQL shell (sqlline) on a gateway.
 *
 * <p>Failures print one line ({@code asof: ...}) on standard error and exit with code 1; set the
 * environment variable {@code ASOF_DEBUG=1} to get the stack trace as well.
 */
@Command(name = "asof",
        mixinStandardHelpOptions = true,
        versionProvider = AsofCli.Version.class,
        description = "SQL gateway for point-in-time feature queries.",
        subcommands = {ServeCommand.class, DemoCommand.class, SqlCommand.class, MaterializeCommand.class,
                CommandLine.HelpCommand.class})
public final class AsofCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // `asof` alone: show the subcommands.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Entry point of {@code ./asof} (and of {@code java -jar launcher/target/asof-launcher.jar}). */
    public static void main(String[] args) {
        quietLogging();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line; returns the exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(out, err);
        return cli.execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new AsofCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter w = commandLine.getErr();
            w.println("asof: " + message(e));
            if (debug()) {
                e.printStackTrace(w);
            }
            w.flush();
            return 1;
        });
        return cli;
    }

    /** One line that says what went wrong, for any failure. */
    static String message(Throwable e) {
        if (e instanceof StartupException || e instanceof IllegalArgumentException) {
            return GatewayLauncher.firstLine(String.valueOf(e.getMessage()));
        }
        String m = e.getMessage();
        String text = m == null || m.isBlank() ? e.getClass().getSimpleName() : GatewayLauncher.firstLine(m);
        return text + (debug() ? "" : " (set ASOF_DEBUG=1 for details)");
    }

    private static boolean debug() {
        String v = System.getenv("ASOF_DEBUG");
        return v != null && !v.isBlank() && !v.equals("0") && !v.toLowerCase(Locale.ROOT).equals("false");
    }

    /** slf4j-simple logs INFO by default; the CLI shows warnings and errors only, unless told otherwise. */
    private static void quietLogging() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug() ? "debug" : "warn");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = AsofCli.class.getPackage().getImplementationVersion();
            return new String[] {"asof " + (v != null ? v : "(development build)")};
        }
    }
}
