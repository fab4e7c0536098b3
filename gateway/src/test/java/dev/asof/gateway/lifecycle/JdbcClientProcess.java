package dev.asof.gateway.lifecycle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A JDBC client in a JVM of its own, for tests that kill clients: it connects with the asof driver,
 * runs one statement and then hangs, printing where it is on stdout. Mode {@code query} runs a
 * statement that does not end and prints {@code RUNNING} just before; mode {@code stream} reads the
 * first row of a large result and prints {@code STREAMING}, holding the open result.
 *
 * <p>Arguments: url user password mode sql.
 */
public final class JdbcClientProcess {
    private JdbcClientProcess() {}

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        p.setProperty("password", args[2]);
        try (Connection c = DriverManager.getConnection(args[0], p); Statement st = c.createStatement()) {
            if (args[3].equals("query")) {
                System.out.println("RUNNING");
                System.out.flush();
                st.execute(args[4]);
                System.out.println("ENDED");
            } else {
                try (ResultSet rs = st.executeQuery(args[4])) {
                    rs.next();
                    System.out.println("STREAMING " + rs.getLong(1));
                    System.out.flush();
                    Thread.sleep(TimeUnit.HOURS.toMillis(1));
                }
            }
        }
    }

    /** A started client process and its output. */
    public record Client(Process process, BufferedReader out) {
        /** Waits for a line starting with {@code prefix} (the client's progress) and returns it. */
        public String await(String prefix) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("client ended without printing " + prefix);
        }
    }

    /** Starts a client JVM on the test class path; its stderr goes to {@code log}. */
    public static Client start(String url, String user, String password, String mode, String sql, Path log)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), JdbcClientProcess.class.getName(), url, user, password, mode,
                sql));
        Process process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        return new Client(process, new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)));
    }
}
