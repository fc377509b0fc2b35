package io.gatehouse.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A request body stream whose failures are the client's: the HTTP layer reports a connection that
 * went away as an unchecked exception of its own, which becomes a {@link ClientGoneException} here.
 * Each read runs under the body-stall deadline of {@link ClientDeadlines}.
 */
final class ClientInput extends FilterInputStream {
    private final ClientDeadlines deadlines;

    ClientInput(InputStream in, ClientDeadlines deadlines) {
        super(in);
        this.deadlines = deadlines;
    }

    @Override
    public int read() throws IOException {
        try {
            return deadlines == null ? super.read() : deadlines.whileReadingBody(super::read);
        } catch (UncheckedIOException e) {
            throw new ClientGoneException(e);
        } catch (RuntimeException e) {
            throw gone(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return deadlines == null ? super.read(b, off, len) : deadlines.whileReadingBody(() -> super.read(b, off, len));
        } catch (UncheckedIOException e) {
            throw new ClientGoneException(e);
        } catch (RuntimeException e) {
            throw gone(e);
        }
    }

    /**
     * Helidon's "no more data" when the connection closed early; its NumberFormatException for a chunk size
     * that is not hex (Helidon 4 lets it through, not as a RequestException) is the client's bad input: 400.
     * Anything else is not ours to reinterpret.
     */
    private static RuntimeException gone(RuntimeException e) {
        if (e.getClass().getName().contains("InsufficientData") || e instanceof ClientGoneException) {
            return new ClientGoneException(e);
        }
        if (e instanceof NumberFormatException) {
            return new ApiException(ApiError.INVALID_PARAMETER, "The request body is not valid HTTP.");
        }
        return e;
    }
}
