package io.gatehouse.http;

/** Thrown after a stage or page has already sent its answer, to end the request without rendering anything else. */
public final class Answered extends RuntimeException {
    public Answered() {
        super(null, null, false, false);
    }
}
