package dev.asof.launcher.cli;

/** A failure the CLI reports as one line, without a stack trace, and exit code 1. */
public final class StartupException extends RuntimeException {
    /** @param message the whole line shown after {@code asof: } */
    public StartupException(String message) {
        super(message, null, false, false);
    }
}
