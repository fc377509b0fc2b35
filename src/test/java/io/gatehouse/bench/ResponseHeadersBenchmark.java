package io.gatehouse.bench;

import io.gatehouse.http.OwnHeader;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The headers of a {@code GET /v1.0/me} answer, set and written the way Helidon's HTTP/1 response does
 * (store each header, check every header, write each one), as plain string headers (before) and as
 * {@link OwnHeader}s (after). Run with {@code bench/jmh.sh ResponseHeaders -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResponseHeadersBenchmark {
    private static final HeaderName LIMIT = HeaderNames.create("X-RateLimit-Limit");
    private static final HeaderName REMAINING = HeaderNames.create("X-RateLimit-Remaining");
    private static final HeaderName RESET = HeaderNames.create("X-RateLimit-Reset");
    private static final HeaderName POLICY = HeaderNames.create("RateLimit-Policy");
    private static final HeaderName STATE = HeaderNames.create("RateLimit");
    private static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
    private static final OwnHeader NOSNIFF_H = OwnHeader.of(NOSNIFF, "nosniff");
    private static final OwnHeader NO_STORE = OwnHeader.of(HeaderNames.CACHE_CONTROL, "no-store");
    private static final OwnHeader JSON = OwnHeader.of(HeaderNames.CONTENT_TYPE, "application/json");
    private static final OwnHeader LIMIT_H = OwnHeader.number(LIMIT, 1_000_000_000);
    private static final OwnHeader POLICY_H = OwnHeader.safe(POLICY, "\"app\";q=1000000000;w=60");
    private static final OwnHeader RESET_H = OwnHeader.number(RESET, 1_764_331_260L);

    private String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    private static int write(WritableHeaders<?> headers) {
        headers.forEach(Header::validate);
        BufferData out = BufferData.growing(512);
        for (Header h : headers) {
            h.writeHttp1Header(out);
        }
        return out.available();
    }

    @Benchmark
    public int stringHeaders() {
        WritableHeaders<?> h = WritableHeaders.create();
        int remaining = ThreadLocalRandom.current().nextInt(1_000_000);
        h.set(LIMIT, Integer.toString(1_000_000_000));
        h.set(REMAINING, Integer.toString(remaining));
        h.set(RESET, Long.toString(1_764_331_260L));
        h.set(POLICY, "\"app\";q=" + 1_000_000_000 + ";w=" + 60);
        h.set(STATE, "\"app\";r=" + remaining + ";t=" + 17);
        h.set(HeaderNames.CACHE_CONTROL, "no-store");
        h.set(REQUEST_ID, requestId());
        h.set(NOSNIFF, "nosniff");
        h.set(HeaderNames.CONTENT_TYPE, "application/json");
        return write(h);
    }

    @Benchmark
    public int ownHeaders() {
        WritableHeaders<?> h = WritableHeaders.create();
        int remaining = ThreadLocalRandom.current().nextInt(1_000_000);
        h.set(LIMIT_H);
        h.set(OwnHeader.number(REMAINING, remaining));
        h.set(RESET_H);
        h.set(POLICY_H);
        h.set(OwnHeader.safe(STATE, "\"app\";r=" + remaining + ";t=" + 17));
        h.set(NO_STORE);
        h.set(OwnHeader.safe(REQUEST_ID, requestId()));
        h.set(NOSNIFF_H);
        h.set(JSON);
        return write(h);
    }
}
