package io.gatehouse.audit;

import java.util.function.Supplier;

/**
 * Who is acting, from where, in which request: set by the pipeline for the length of a request, so
 * that the services recording events need not carry it through every call. Outside a request (a
 * background job) the actor is {@code system}.
 */
public final class AuditContext {
    public static final String ADMIN = "admin";
    public static final String SYSTEM = "system";

    /** A request's context; {@code actor} is asked when an event is recorded (authentication may come later). */
    public record Request(String ip, String requestId, Supplier<String> actor) {
    }

    private static final ThreadLocal<Request> CURRENT = new ThreadLocal<>();
    private static final Request NONE = new Request(null, null, () -> SYSTEM);

    private AuditContext() {
    }

    /** Runs work with this request's context. */
    public static void with(Request request, Runnable work) {
        Request outer = CURRENT.get();
        CURRENT.set(request);
        try {
            work.run();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    static Request current() {
        Request r = CURRENT.get();
        return r == null ? NONE : r;
    }
}
