package io.gatehouse.token;

import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signing keys on the admin port: list them (never their secrets) and rotate one purpose. A new key
 * is published at once and starts signing after the activation delay; old keys keep verifying.
 */
public final class SigningKeyEndpoints {
    private final SigningKeys keys;
    private final Clock clock;

    public SigningKeyEndpoints(SigningKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/admin/v1/signing-keys", Route.Access.CREDENTIAL, null, ex -> ex.json(200, Map.of("signing_keys", list()))));
        r.add(new Route("POST", "/admin/v1/signing-keys/rotate", Route.Access.CREDENTIAL, null, this::rotate));
    }

    private List<Map<String, Object>> list() {
        return keys.all().stream().map(this::view).toList();
    }

    private Map<String, Object> view(SigningKeys.Key k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kid", k.kid());
        m.put("purpose", SigningKeys.wire(k.purpose()));
        m.put("algorithm", k.algorithmName());
        m.put("created_at", k.createdAt());
        m.put("signs_from", k.createdAt().plus(SigningKeys.ACTIVATION_DELAY));
        m.put("signing", keys.current(k.purpose()).kid().equals(k.kid()));
        return m;
    }

    private void rotate(Exchange ex) {
        String purposeText = ex.body().length == 0 ? null : ex.jsonObject().optionalString("purpose", 20);
        SigningKeys.Purpose purpose = purposeText == null ? null : SigningKeys.purpose(purposeText);
        if (purpose == null) {
            throw ApiException.invalid("purpose must be access-token or api-key");
        }
        SigningKeys.Key k = keys.rotate(purpose);
        Map<String, Object> out = view(k);
        out.put("now", Instant.now(clock));
        ex.json(201, out);
    }
}
