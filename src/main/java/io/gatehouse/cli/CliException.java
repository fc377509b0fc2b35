package io.gatehouse.cli;

/** A failure the CLI reports on stderr and turns into its exit code (SPEC §10). */
public final class CliException extends RuntimeException {
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int AUTH = 3;
    public static final int RATE_LIMITED = 4;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
