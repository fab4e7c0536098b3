package dev.asof.conformance.trino;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * A JDBC client in a JVM of its own that runs one statement that does not end, to be killed by a
 * test: prints {@code RUNNING}, then waits in {@code execute}. Arguments: url user password sql.
 */
public final class KilledJdbcClient {
    private KilledJdbcClient() {}

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        p.setProperty("password", args[2]);
        try (Connection c = DriverManager.getConnection(args[0], p); Statement st = c.createStatement()) {
            System.out.println("RUNNING");
            System.out.flush();
            st.execute(args[3]);
        }
    }

    /** Starts the client on the test class path; its output goes to {@code log}. */
    static Process start(String url, String user, String password, String sql, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                KilledJdbcClient.class.getName(), url, user, password, sql)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }
}
