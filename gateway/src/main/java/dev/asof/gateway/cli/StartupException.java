package dev.asof.gateway.cli;

/** A failure the CLI reports as one line, without a stack trace, and exit code 1. */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message, null, false, false);
    }
}
