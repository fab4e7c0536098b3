package dev.asof.launcher.cli;

import java.lang.reflect.Field;
import sqlline.SqlLine;

/**
 * One-line errors for {@code asof sql -e} and {@code -f}. sqlline runs {@code -e} statements and
 * {@code -f} scripts while it starts up, and during start-up it prints every failing statement's
 * Java exception after the {@code Error: … (state=…)} line, whatever {@code --verbose} says. This
 * marks sqlline's start-up as done first, so that those errors follow {@code --verbose} (off
 * unless {@code ASOF_DEBUG=1}) like the interactive shell's. The flag is a private static field of
 * sqlline, which is pinned in the build; a version without it keeps its own behaviour.
 */
final class ScriptErrors {
    private ScriptErrors() {}

    /** Makes sqlline's errors while it starts up as terse as after. */
    static void terse() {
        try {
            Field f = SqlLine.class.getDeclaredField("initComplete");
            f.setAccessible(true);
            f.setBoolean(null, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another sqlline: its start-up errors stay verbose
        }
    }
}
