package io.gatehouse.http;

import io.gatehouse.core.Json;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests that the HTTP layer refuses before any route sees them (a malformed request
 * line, bad headers, an escape that does not decode, an unknown HTTP version) in the SPEC §3 shape,
 * like every other error. The message is fixed: the HTTP layer's own text may repeat what the client
 * sent. Input never yields a 5xx here either: an unsupported HTTP version or transfer coding, or a request
 * line that fails to parse in a way Helidon calls internal (a method that is not a token), is a 400.
 */
public final class DirectErrors implements DirectHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DirectErrors.class);

    /** This handler for every event the HTTP layer answers by itself. */
    public static final DirectHandlers HANDLERS = handlers();

    private static DirectHandlers handlers() {
        DirectErrors h = new DirectErrors();
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType t : EventType.values()) {
            b.addHandler(t, h);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, Throwable thrown) {
        return answer(eventType, status, headers, thrown);
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        return answer(eventType, status, headers, null);
    }

    private static TransportResponse answer(EventType eventType, Status status, ServerResponseHeaders headers,
                                            Throwable thrown) {
        // Helidon answers a transfer coding it does not know (gzip, chunked) with 501: the fault is the request's.
        // A request line Helidon cannot parse because its method is not a token comes as an internal error.
        int code = eventType == EventType.HTTP_VERSION_NOT_SUPPORTED || eventType == EventType.BAD_REQUEST && status.code() >= 500
                || eventType == EventType.INTERNAL_ERROR && HeadTimingSelector.readingRequestLine() ? 400 : status.code();
        ApiError error;
        String text;
        if (code == 413) {
            error = ApiError.PAYLOAD_TOO_LARGE;
            text = "The request body is too large.";
        } else if (code == 503) {
            error = ApiError.SERVICE_UNAVAILABLE;
            text = "The service is busy; try again shortly.";
            headers.set(HeaderNames.RETRY_AFTER, "1");
        } else if (code >= 500) {
            error = ApiError.INTERNAL_ERROR;
            text = "Something went wrong on our side.";
        } else {
            error = ApiError.INVALID_PARAMETER;
            text = switch (code) {
                case 414 -> "The request line is too long.";
                case 431 -> "The request headers are too large.";
                default -> "The request line or headers are not valid HTTP.";
            };
        }
        String requestId = requestId();
        if (error == ApiError.INTERNAL_ERROR) {
            LOG.error("request {} failed in the HTTP layer ({})", requestId, eventType, thrown);
        }
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        headers.set(HeaderNames.CACHE_CONTROL, "no-store");
        headers.set(Exchange.X_REQUEST_ID, requestId);
        headers.set(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        return TransportResponse.builder()
                .status(Status.create(code))
                .headers(headers)
                .keepAlive(false)
                .entity(Json.bytes(new Exchange.ErrorBody(error.code, error.name(),
                        error == ApiError.INTERNAL_ERROR ? text + " Quote request id " + requestId + " when reporting it." : text)))
                .build();
    }

    private static String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
