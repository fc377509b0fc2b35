package io.gatehouse.core;

/**
 * Why a node cannot start (SPEC §1: a listener that cannot bind, a data folder in use, a database that
 * stays unreachable): one sentence for the operator, printed as the process's last line before it exits
 * non-zero.
 */
public final class StartupFault extends RuntimeException {
    public StartupFault(String message) {
        super(message);
    }

    public StartupFault(String message, Throwable cause) {
        super(message, cause);
    }
}
