package io.gatehouse.http;

/**
 * The client's connection failed while its request was read or its answer written (it went away,
 * stalled past the limit, reset). Nothing can be answered, and it is not a fault of ours: the
 * pipeline records it (status 499, as nginx does) and logs it at debug level only.
 */
public final class ClientGoneException extends RuntimeException {
    public ClientGoneException(Throwable cause) {
        super("client connection failed: " + cause, cause, false, false);
    }

    /** The ClientGoneException somewhere in this throwable's causes, or null. */
    public static ClientGoneException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ClientGoneException g) {
                return g;
            }
        }
        return null;
    }
}
