package io.gatehouse.oauth;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's external base URL ({@code GATEHOUSE_ISSUER}): the {@code iss} and {@code aud} of every
 * token. Known only once the public port is bound when it was 0, hence a holder set at start.
 */
public final class Issuer {
    private final AtomicReference<String> url = new AtomicReference<>();

    public void set(String value) {
        url.set(value);
    }

    public String url() {
        String u = url.get();
        if (u == null) {
            throw new IllegalStateException("issuer not known before the server started");
        }
        return u;
    }
}
