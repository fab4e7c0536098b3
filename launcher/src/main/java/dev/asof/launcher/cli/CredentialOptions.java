package dev.asof.launcher.cli;

import java.io.Console;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * {@code --user}/{@code --password} of the client commands ({@code sql}, {@code materialize}).
 * Without {@code --user}, the user is {@value #USER_ENV} from the environment; without
 * {@code --password}, the password is {@value #PASSWORD_ENV}, else it is asked for on the terminal
 * (not echoed) when a user is given.
 */
final class CredentialOptions {
    static final String USER_ENV = "ASOF_USER";
    static final String PASSWORD_ENV = "ASOF_PASSWORD";

    @Option(names = {"-n", "--user"}, paramLabel = "USER",
            description = "User to log in as (default: the environment variable " + USER_ENV + ").")
    String user;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
            description = "Password (default: the environment variable " + PASSWORD_ENV
                    + ", else asked for on the terminal).")
    String password;

    /** User and password, resolved once. */
    record Credentials(String user, String password) {
        /** As JDBC connection properties (empty when there is no user). */
        Properties properties() {
            Properties p = new Properties();
            if (user != null) {
                p.setProperty("user", user);
                p.setProperty("password", password == null ? "" : password);
            }
            return p;
        }
    }

    /**
     * The credentials to use: flags, then the environment, then a prompt on {@code console} for a
     * missing password.
     *
     * @throws StartupException when a password is needed and there is no terminal to ask on
     */
    Credentials resolve(Map<String, String> environment, Console console) {
        String u = user != null ? user : blankToNull(environment.get(USER_ENV));
        if (u == null) {
            return new Credentials(null, null);
        }
        String p = password != null ? password : environment.get(PASSWORD_ENV);
        if (p == null) {
            if (console == null) {
                throw new StartupException("no password for user '" + u + "': pass --password or set " + PASSWORD_ENV);
            }
            char[] typed = console.readPassword("Password for %s: ", u);
            if (typed == null) {
                throw new StartupException("no password for user '" + u + "'");
            }
            p = new String(typed);
            java.util.Arrays.fill(typed, ' ');
        }
        return new Credentials(u, p);
    }

    /** The one-line hint for a refused or missing login. */
    static String loginHint(String sqlState) {
        if ("28000".equals(sqlState)) {
            return " (log in with --user, or set " + USER_ENV + " and " + PASSWORD_ENV + ")";
        }
        if ("28P01".equals(sqlState)) {
            return " (check --user/--password or " + USER_ENV + "/" + PASSWORD_ENV + ")";
        }
        return " (is `asof serve` or `asof demo` running there?)";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
