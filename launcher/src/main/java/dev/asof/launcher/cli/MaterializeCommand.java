package dev.asof.launcher.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code asof materialize VIEW}: runs MATERIALIZE on a gateway and shows its progress (rows done
 * of total, read from {@code sys.materializations}) while it runs.
 */
@Command(name = "materialize",
        mixinStandardHelpOptions = true,
        description = {"Computes an ONLINE feature view into the online store, showing progress.",
                "Without --from it applies the changes since the last complete run (everything the first time);"
                        + " without --to it computes the view as of now."})
final class MaterializeCommand implements Callable<Integer> {
    private static final long POLL_MILLIS = 500;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "VIEW", description = "The feature view.")
    String view;

    @Parameters(index = "1", arity = "0..1", paramLabel = "URL", defaultValue = SqlCommand.DEFAULT_URL,
            description = "JDBC URL of the gateway (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--from", paramLabel = "TIMESTAMP",
            description = "Apply changes visible after this time (UTC), e.g. '2025-03-01 00:00:00'.")
    String from;

    @picocli.CommandLine.Mixin
    CredentialOptions credentials = new CredentialOptions();

    @Option(names = "--to", paramLabel = "TIMESTAMP", description = "Compute the view as of this time (UTC).")
    String to;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Class.forName(SqlCommand.DRIVER);
        String sql = "MATERIALIZE " + quoted(view) + (from == null ? "" : " FROM TIMESTAMP " + literal(from))
                + (to == null ? "" : " TO TIMESTAMP " + literal(to));
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "materialize");
            t.setDaemon(true);
            return t;
        });
        try (Connection run = connect(); Connection watch = connect()) {
            Future<String> result = worker.submit(() -> {
                try (Statement s = run.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    return String.format(Locale.ROOT, "%s: run %d complete, %,d row(s) written in %,d ms, as of %s",
                            rs.getString("view_name"), rs.getLong("run_id"), rs.getLong("rows_written"),
                            rs.getLong("duration_ms"), rs.getString("as_of"));
                }
            });
            String last = "";
            while (true) {
                try {
                    String done = result.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    out.println(done);
                    return 0;
                } catch (TimeoutException e) {
                    String progress = progress(watch);
                    if (!progress.isEmpty() && !progress.equals(last)) {
                        err.println(progress);
                        err.flush();
                        last = progress;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause() instanceof SQLException ? e.getCause() : e;
                    String message = GatewayLauncher.firstLine(String.valueOf(cause.getMessage()));
                    // The driver wraps the gateway's message; the gateway's own words are what matter.
                    int own = message.indexOf("Remote driver error: ");
                    throw new StartupException(own >= 0 ? message.substring(own + "Remote driver error: ".length()) : message);
                }
            }
        } finally {
            worker.shutdownNow();
        }
    }

    private String progress(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, rows_done, rows_total FROM sys.materializations"
                + " WHERE LOWER(view_name) = LOWER(CAST(? AS VARCHAR)) AND status = 'RUNNING'")) {
            ps.setString(1, view);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "";
                }
                long total = rs.getLong(3);
                boolean known = !rs.wasNull() && total > 0;
                long done = rs.getLong(2);
                return known
                        ? String.format(Locale.ROOT, "%s run %d: %,d / %,d rows (%d%%)", view, rs.getLong(1), done, total,
                                done * 100 / total)
                        : String.format(Locale.ROOT, "%s run %d: %,d rows", view, rs.getLong(1), done);
            }
        }
    }

    /** Resolved once per run: a prompt for the password must not repeat for the progress connection. */
    private CredentialOptions.Credentials login;

    private Connection connect() {
        if (login == null) {
            login = credentials.resolve(System.getenv(), System.console());
        }
        try {
            return DriverManager.getConnection(url, login.properties());
        } catch (SQLException e) {
            throw new StartupException("cannot connect to " + url + ": " + GatewayLauncher.firstLine(String.valueOf(
                    e.getMessage())) + CredentialOptions.loginHint(e.getSQLState()));
        }
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
