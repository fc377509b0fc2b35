package io.gatehouse.http;

import io.helidon.common.buffers.DataReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A request body stream whose failures are the client's: the HTTP layer reports a connection that
 * went away as an unchecked exception of its own, which becomes a {@link ClientGoneException} here.
 * Each read runs under the body-stall deadline of {@link ClientDeadlines}. More than {@code limit} bytes
 * (a chunked body declares no length up front) is 413, wherever the body goes, the proxy's upstream too.
 */
final class ClientInput extends FilterInputStream {
    private final ClientDeadlines deadlines;
    private final long limit;
    private long read;

    ClientInput(InputStream in, ClientDeadlines deadlines, long limit) {
        super(in);
        this.deadlines = deadlines;
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = deadlines == null ? super.read() : deadlines.whileReadingBody(super::read);
        } catch (UncheckedIOException e) {
            throw new ClientGoneException(e);
        } catch (RuntimeException e) {
            throw gone(e);
        }
        return b < 0 ? b : counted(b, 1);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = deadlines == null ? super.read(b, off, len) : deadlines.whileReadingBody(() -> super.read(b, off, len));
        } catch (UncheckedIOException e) {
            throw new ClientGoneException(e);
        } catch (RuntimeException e) {
            throw gone(e);
        }
        return n < 0 ? n : counted(n, n);
    }

    private int counted(int result, int bytes) {
        read += bytes;
        if (read > limit) {
            throw new ApiException(ApiError.PAYLOAD_TOO_LARGE, "request body is larger than " + limit + " bytes", Exchange.CLOSE_CONNECTION);
        }
        return result;
    }

    /**
     * Helidon's "no more data" when the connection closed early; its NumberFormatException for a chunk size
     * that is not hex and its IncorrectNewLineException for a chunk line that ends in a bare LF (Helidon 4 lets
     * both through, not as a RequestException) are the client's bad input: 400, and the connection closes, since
     * where the next request starts is unknown. Anything else is not ours to reinterpret.
     */
    private static RuntimeException gone(RuntimeException e) {
        if (e.getClass().getName().contains("InsufficientData") || e instanceof ClientGoneException) {
            return new ClientGoneException(e);
        }
        if (e instanceof NumberFormatException || e instanceof DataReader.IncorrectNewLineException) {
            return new ApiException(ApiError.INVALID_PARAMETER, "The request body is not valid HTTP.", Exchange.CLOSE_CONNECTION);
        }
        return e;
    }
}
