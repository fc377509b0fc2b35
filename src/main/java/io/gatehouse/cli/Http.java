package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The CLI's HTTP: one request and its answer (parsed as JSON when it is), with {@code --verbose} lines
 * that never show a header value; and SPEC §10's wait-and-retry on 429 until {@code X-RateLimit-Reset}.
 */
final class Http {
    /** A 429 asking to wait longer than this is not waited for. */
    static final long MAX_WAIT_SECONDS = 120;

    record Response(int status, JsonNode json, String body, HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final Terminal terminal;
    private final boolean verbose;
    private final int retries;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    Http(Terminal terminal, boolean verbose, int retries) {
        this.terminal = terminal;
        this.verbose = verbose;
        this.retries = retries;
    }

    Response send(HttpRequest req) {
        long start = System.nanoTime();
        verbose("> " + req.method() + " " + req.uri());
        try {
            HttpResponse<String> raw = client.send(req, HttpResponse.BodyHandlers.ofString());
            verbose("< " + raw.statusCode() + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)"
                    + raw.headers().firstValue("X-RateLimit-Remaining").map(v -> ", " + v + " requests left").orElse(""));
            JsonNode json = null;
            String body = raw.body();
            if (body != null && !body.isBlank()) {
                try {
                    json = CliJson.MAPPER.readTree(body);
                } catch (IOException notJson) {
                    // leave it null
                }
            }
            return new Response(raw.statusCode(), json, body, raw.headers());
        } catch (ConnectException e) {
            throw new CliException(CliException.FAILURE, "Cannot reach " + req.uri().getScheme() + "://" + req.uri().getAuthority()
                    + " (is Gatehouse running? " + (req.uri().getPath().startsWith("/admin/")
                    ? "set --admin-url or GATEHOUSE_ADMIN_URL)" : "set --base-url or GATEHOUSE_BASE_URL)"));
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "Request to " + req.uri().getAuthority() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.FAILURE, "interrupted");
        }
    }

    /** SPEC §10: on 429, wait until X-RateLimit-Reset and retry (a bounded number of times), saying so on stderr. */
    Response sendRetrying(Supplier<HttpRequest> request) {
        for (int i = 0; ; i++) {
            Response r = send(request.get());
            if (r.status() != 429) {
                return r;
            }
            long wait = waitSeconds(r);
            if (i >= retries || wait > MAX_WAIT_SECONDS) {
                throw new CliException(CliException.RATE_LIMITED, "Still rate limited after " + i + " retr" + (i == 1 ? "y" : "ies")
                        + " (limit " + r.header("X-RateLimit-Limit") + " requests per minute; the window resets in " + wait + " s).");
            }
            terminal.err().println("gatehouse: rate limited (" + r.header("X-RateLimit-Limit") + " requests per minute); waiting "
                    + wait + " s for the window to reset, then retrying (" + (i + 1) + " of " + retries + ")");
            try {
                terminal.sleeper().sleep(Duration.ofSeconds(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.FAILURE, "interrupted");
            }
        }
    }

    /** Until X-RateLimit-Reset (or Retry-After), at least one second. */
    private long waitSeconds(Response r) {
        String reset = r.header("X-RateLimit-Reset");
        if (reset != null) {
            try {
                return Math.max(1, Long.parseLong(reset) - terminal.clock().instant().getEpochSecond());
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        String retryAfter = r.header("Retry-After");
        try {
            return retryAfter == null ? 1 : Math.max(1, Long.parseLong(retryAfter));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    void verbose(String line) {
        if (verbose) {
            terminal.err().println(line);
        }
    }
}
