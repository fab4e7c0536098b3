package dev.asof.launcher.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sqlline.SqlLine;

/** {@code asof sql}: sqlline, in this process, connected to a gateway with the asof JDBC driver. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Opens an interactive SQL shell (sqlline) on a running gateway.",
                "Type !help for shell commands, !quit (or Ctrl-D) to leave.",
                "Options not listed here are passed to sqlline (e.g. --outputformat=csv)."})
final class SqlCommand implements Callable<Integer> {
    static final String DEFAULT_URL = "jdbc:asof://127.0.0.1:8765";
    static final String DRIVER = "dev.asof.jdbc.AsofDriver";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "URL", defaultValue = DEFAULT_URL,
            description = "JDBC URL of the gateway (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = {"-e", "--execute"}, paramLabel = "SQL",
            description = "Runs the statement(s) and exits instead of opening a shell.")
    String execute;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Runs a SQL script and exits.")
    Path file;

    @CommandLine.Mixin
    CredentialOptions credentials = new CredentialOptions();

    /** Resolved by {@link #call} (flags, environment, prompt). */
    private CredentialOptions.Credentials login = new CredentialOptions.Credentials(null, null);

    @CommandLine.Unmatched
    List<String> sqllineArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        login = credentials.resolve(System.getenv(), System.console());
        checkConnection();
        prepareTerminal(System.console());
        SqlLine shell = new SqlLine();
        ShellInterrupt.install(shell); // Ctrl-C cancels the running statement, not the shell
        if (!"1".equals(System.getenv("ASOF_DEBUG"))) {
            ScriptErrors.terse(); // -e/-f: "Error: … (state=…)" without the Java exception
        }
        // On a terminal, sqlline builds JLine's system terminal (the terminal's width, one echo per
        // typed line, Ctrl-C through JLine) only when it is given no input stream; given System.in
        // it builds a stream terminal of 80 columns that echoes what the terminal already echoed.
        InputStream input = System.console() != null ? null : System.in;
        SqlLine.Status status = shell.begin(sqllineArguments().toArray(String[]::new), input, true);
        return status == SqlLine.Status.OK ? 0 : 1;
    }

    /**
     * Connects once before sqlline does, so an unreachable gateway is one clear line (sqlline would
     * print the driver's whole stack trace and then open a shell with no connection).
     */
    void checkConnection() {
        try {
            Class.forName(DRIVER);
        } catch (ClassNotFoundException e) {
            throw new StartupException("the asof JDBC driver (" + DRIVER + ") is not on the class path;"
                    + " rebuild with `mvn install`");
        }
        java.util.Properties props = login.properties();
        try (java.sql.Connection ignored = java.sql.DriverManager.getConnection(url, props)) {
            // reachable
        } catch (java.sql.SQLException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
            throw new StartupException("cannot connect to " + url + ": " + GatewayLauncher.firstLine(why)
                    + CredentialOptions.loginHint(e.getSQLState()));
        }
    }

    List<String> sqllineArguments() {
        List<String> args = new ArrayList<>();
        args.add("-d");
        args.add(DRIVER);
        args.add("-u");
        args.add(url);
        // sqlline never prompts: the credentials were resolved (flags, environment, our prompt) before.
        args.add("--connectInteractionMode=notAskCredentials");
        // Errors are one line with asof's message; stack traces are for ASOF_DEBUG=1.
        boolean debug = "1".equals(System.getenv("ASOF_DEBUG"));
        args.add("--verbose=" + debug);
        args.add("--showNestedErrs=" + debug);
        // The gateway has no transactions: do not ask for sqlline's default REPEATABLE_READ (it
        // would print a warning on every start). Show SQL NULL as NULL, not as an empty cell.
        addDefault(args, "--isolation", "TRANSACTION_NONE");
        addDefault(args, "--nullValue", "NULL");
        if (login.user() != null) {
            args.add("-n");
            args.add(login.user());
            args.add("-p");
            args.add(login.password());
        }
        if (execute != null) {
            args.add("-e");
            args.add(execute);
        }
        if (file != null) {
            args.add("-f");
            args.add(file.toString());
        }
        if (execute != null || file != null) {
            // Scripting: no banner, no prompt echo; errors still go to stderr.
            if (sqllineArgs.stream().noneMatch(a -> a.startsWith("--silent"))) {
                args.add("--silent=true");
            }
        }
        args.addAll(sqllineArgs);
        return args;
    }

    private void addDefault(List<String> args, String option, String value) {
        if (sqllineArgs.stream().noneMatch(a -> a.startsWith(option))) {
            args.add(option + "=" + value);
        }
    }

    /**
     * JLine picks a system terminal when stdin/stdout are a TTY. Without one (pipes, scripts, CI) it
     * would log a warning and fall back to a dumb terminal: ask for the dumb one directly.
     */
    static void prepareTerminal(Console console) {
        if (console == null && System.getProperty("org.jline.terminal.dumb") == null) {
            System.setProperty("org.jline.terminal.dumb", "true");
            if (System.getProperty("org.jline.terminal.type") == null) {
                // Not $TERM's capabilities: no keypad/bracketed-paste escapes in piped output.
                System.setProperty("org.jline.terminal.type", "dumb");
            }
        }
        // JLine reports terminal fallbacks through java.util.logging; keep them off the screen.
        Logger.getLogger("org.jline").setLevel(Level.SEVERE);
    }
}
