package dev.asof.launcher.cli;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Field;
import org.jline.terminal.Terminal;
import sqlline.SqlLine;
import sun.misc.Signal;

/**
 * Ctrl-C in {@code asof sql}: cancels the statement that is running and keeps the shell.
 *
 * <p>sqlline cancels on Ctrl-C only when JLine owns a system terminal, and the shell reads
 * {@code System.in} through a stream terminal, so SIGINT used to reach the JVM's default handler:
 * the shell died and its warehouse query ran on. This handler catches SIGINT for the whole process
 * and hands it to sqlline's own interrupt handling, which calls {@code Statement.cancel()} on the
 * running statement (the asof driver then cancels the warehouse query on the gateway). With no
 * statement running, Ctrl-C does nothing; {@code !quit} or Ctrl-D leave the shell.
 */
final class ShellInterrupt {
    private ShellInterrupt() {}

    /**
     * Routes SIGINT to {@code shell}'s interrupt handling from now on. Falls back to the JVM's
     * default (exit) if this sqlline has no such handling.
     */
    static void install(SqlLine shell) {
        requireNonNull(shell, "shell");
        Terminal.SignalHandler handler = sqllineHandler(shell);
        if (handler == null) {
            return;
        }
        Signal.handle(new Signal("INT"), signal -> {
            try {
                handler.handle(Terminal.Signal.INT);
            } catch (RuntimeException e) {
                // the statement ended meanwhile (its cancel fails on a closed statement): nothing to stop
            }
        });
    }

    /**
     * sqlline's handler, which cancels the statement its last command runs. It is a private field of
     * the shell (sqlline wires it into a JLine system terminal only); sqlline is pinned in the build,
     * and a version without it leaves Ctrl-C as it was.
     */
    private static Terminal.SignalHandler sqllineHandler(SqlLine shell) {
        try {
            Field f = SqlLine.class.getDeclaredField("signalHandler");
            f.setAccessible(true);
            return f.get(shell) instanceof Terminal.SignalHandler h ? h : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
