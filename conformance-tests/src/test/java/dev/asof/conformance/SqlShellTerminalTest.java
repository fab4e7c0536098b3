package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.launcher.cli.AsofCli;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code asof sql} on a real terminal: the launcher's {@code sql} command runs in tmux (a
 * pseudo-terminal 200 columns wide, 50 rows high) against a gateway on the embedded engines, and
 * the test reads the screen as a user sees it. One echo per typed line; a 9-column result uses the
 * terminal's width; Ctrl-C cancels the running statement and the shell answers the next one;
 * {@code -e} and {@code -f} with a bad statement print a one-line error and exit non-zero. tmux is
 * installed from Debian when missing (as root, as the notebook tests' packages are).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SqlShellTerminalTest {
    private static final String ENDLESS = "SELECT sum(a.x * b.x + c.x * d.x) AS n FROM lake.main.nums a,"
            + " lake.main.nums b, lake.main.nums c, lake.main.nums d;";

    @TempDir
    static Path dir;

    static AsofGateway gateway;
    static Path socket;

    @BeforeAll
    static void start() throws Exception {
        HostCommands.ensureDebianPackages(List.of("tmux"), "the terminal tests of asof sql");
        gateway = AsofGateway.start(GatewayConfig.embedded(dir.resolve("data"))
                .withAdmin(TestCredentials.USER, TestCredentials.PASSWORD));
        run(gateway.executor(), "CREATE TABLE lake.main.nums AS SELECT range AS x FROM range(1000)");
        StringBuilder wide = new StringBuilder("CREATE TABLE lake.main.wide AS SELECT ");
        for (int i = 1; i <= 9; i++) {
            wide.append(i > 1 ? ", " : "").append("'value_of_column_").append(i).append("' AS wide_column_").append(i);
        }
        run(gateway.executor(), wide.toString());
        socket = dir.resolve("tmux.sock"); // a server of our own: no other tmux session is touched
    }

    @AfterAll
    static void stop() throws Exception {
        HostCommands.exec(List.of("tmux", "-S", socket.toString(), "kill-server"), Map.of(), 30);
        gateway.close();
    }

    @Test
    void oneEchoFullWidthAndCtrlCCancelsTheStatementNotTheShell() throws Exception {
        String session = "shell";
        tmux("new-session", "-d", "-x", "200", "-y", "50", "-s", session, "sh " + script("shell.sh", List.of("sql",
                gateway.jdbcUrl())));
        tmux("set-option", "-t", session, "remain-on-exit", "on");
        String prompt = "jdbc:asof://";
        awaitScreen(session, s -> s.contains(prompt), Duration.ofSeconds(90));

        type(session, "SELECT 'echo' || 'once' AS probe;");
        String screen = awaitScreen(session, s -> s.contains("echoonce"), Duration.ofSeconds(60));
        assertThat(occurrences(screen, "SELECT 'echo' || 'once' AS probe;")).as(screen).isEqualTo(1);

        type(session, "SELECT * FROM lake.main.wide;");
        screen = awaitScreen(session, s -> s.contains("value_of_column_1"), Duration.ofSeconds(60));
        for (int i = 1; i <= 9; i++) {
            assertThat(screen).as("column %d of 9 on a 200-column terminal:\n%s", i, screen)
                    .contains("wide_column_" + i).contains("value_of_column_" + i);
        }

        type(session, ENDLESS);
        awaitRunning(1, Duration.ofSeconds(60));
        Thread.sleep(500); // running in DuckDB
        tmux("send-keys", "-t", session, "C-c");
        awaitRunning(0, Duration.ofSeconds(30));
        type(session, "SELECT 40 + 2 AS answer;");
        screen = awaitScreen(session, s -> s.contains("42"), Duration.ofSeconds(60));
        assertThat(screen).contains("cancel");
        assertThat(paneDead(session)).as("shell alive after Ctrl-C:\n%s", screen).isFalse();

        type(session, "!quit");
        awaitScreen(session, s -> paneDeadQuietly(session), Duration.ofSeconds(30));
    }

    @Test
    void executeAndFileWithABadStatementPrintOneLineAndExitNonZero() throws Exception {
        Path sqlFile = dir.resolve("bad.sql");
        Files.writeString(sqlFile, "SELECT 1 AS fine;\nSELEC 2;\n");
        for (List<String> args : List.of(List.of("sql", gateway.jdbcUrl(), "-e", "SELEC 2"),
                List.of("sql", gateway.jdbcUrl(), "-f", sqlFile.toString()))) {
            String session = "batch" + args.get(2).substring(1);
            tmux("new-session", "-d", "-x", "200", "-y", "50", "-s", session, "sh " + script(session + ".sh", args)
                    + "; echo EXIT=$?; sleep 120");
            String screen = awaitScreen(session, s -> s.contains("EXIT="), Duration.ofSeconds(90));
            assertThat(screen).as(screen).doesNotContain("EXIT=0").doesNotContain("\tat ").doesNotContain("Exception")
                    .contains("42000");
            List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
            List<String> errors = lines.stream().filter(l -> l.contains("42000")).toList();
            assertThat(errors).as(screen).hasSize(1);
            assertThat(errors.get(0)).contains("line 1, column 1");
            // nothing but the error line (and, for -f, the good statement's result) before the exit code
            assertThat(lines.size()).as(screen).isLessThanOrEqualTo(args.get(2).equals("-f") ? 8 : 2);
            tmux("kill-session", "-t", session);
        }
    }

    // ---- tmux -------------------------------------------------------------------------------

    /** A shell script that runs {@code asof args…} (the launcher's main class) on the test class path. */
    static String script(String name, List<String> args) throws Exception {
        StringBuilder sh = new StringBuilder("#!/bin/sh\nexport ASOF_USER='" + TestCredentials.USER
                + "' ASOF_PASSWORD='" + TestCredentials.PASSWORD + "'\n");
        sh.append("'").append(Path.of(System.getProperty("java.home"), "bin", "java")).append("'")
                .append(" -Xmx256m --add-opens=java.base/java.nio=ALL-UNNAMED --enable-native-access=ALL-UNNAMED")
                .append(" -cp '").append(System.getProperty("java.class.path")).append("' ")
                .append(AsofCli.class.getName());
        for (String a : args) {
            sh.append(" '").append(a.replace("'", "'\\''")).append("'");
        }
        sh.append('\n');
        Path file = dir.resolve(name);
        Files.writeString(file, sh);
        return file.toString();
    }

    static String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        command.addAll(List.of(args));
        HostCommands.Result r = HostCommands.exec(command, Map.of("TERM", "xterm-256color"), 60);
        assertThat(r.code()).as("%s:\n%s", command, r.output()).isZero();
        return r.output();
    }

    /** Types a line as a user does: the characters, then Enter. */
    static void type(String session, String line) throws Exception {
        // tmux reads an argument ending in ';' as its command separator: send that one as a byte
        boolean semicolon = line.endsWith(";");
        tmux("send-keys", "-t", session, "-l", semicolon ? line.substring(0, line.length() - 1) : line);
        if (semicolon) {
            tmux("send-keys", "-t", session, "-H", "3b");
        }
        tmux("send-keys", "-t", session, "Enter");
    }

    /**
     * The screen and its scroll-back, wrapped lines joined; without SLF4J's start-up notes, which the
     * test class path causes (two logging providers; the launcher's class path has one).
     */
    static String screen(String session) throws Exception {
        return tmux("capture-pane", "-p", "-J", "-S", "-1000", "-t", session).lines()
                .filter(l -> !l.startsWith("SLF4J(")).collect(java.util.stream.Collectors.joining("\n"));
    }

    static String awaitScreen(String session, Predicate<String> ready, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = screen(session);
            if (ready.test(screen)) {
                return screen;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not on the screen within " + wait + ":\n" + screen);
    }

    static boolean paneDead(String session) throws Exception {
        return tmux("list-panes", "-t", session, "-F", "#{pane_dead}").strip().equals("1");
    }

    static boolean paneDeadQuietly(String session) {
        try {
            return paneDead(session);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    static void awaitRunning(int n, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<?> now = List.of();
        while (System.nanoTime() < deadline) {
            now = gateway.executor().running().list().stream().filter(r -> !r.route().equals("system")).toList();
            if (now.size() == n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + n + " running statement(s) within " + wait + ", found " + now);
    }

    static void run(StatementExecutor x, String sql) {
        x.execute(x.prepare(sql), List.of(), QueryControl.none());
    }
}
