package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.auth.Throttle;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /oauth/device_authorization} (RFC 8628 §3.1, §3.2): a device code to poll with and a
 * user code for the person, who types it at {@code <issuer>/portal/device}. A public client needs no
 * secret here and each start writes a row, so starts are counted per (client, address) and per address:
 * past the limit, 429 with Retry-After.
 */
public final class DeviceAuthorizationEndpoint {
    private final ClientAuthenticator clients;
    private final DeviceCodes codes;
    private final Issuer issuer;
    private final Throttle starts;

    public DeviceAuthorizationEndpoint(ClientAuthenticator clients, DeviceCodes codes, Issuer issuer, Throttle starts) {
        this.clients = clients;
        this.codes = codes;
        this.issuer = issuer;
        this.starts = starts;
    }

    public void register(Router r) {
        r.add(new Route("POST", "/oauth/device_authorization", Route.Access.OPEN, null, this::start));
    }

    private void start(Exchange ex) {
        Map<String, String> form = OAuthForms.form(ex);
        App client = clients.authenticate(ex, form);
        List<String> scope = OidcScopes.resolve(form.get("scope"), client.permissions());
        long wait = starts.fail(client.clientId(), ex.remoteAddress());
        if (wait > 0) {
            throw OAuthException.tooManyStarts(wait);
        }
        DeviceCodes.Issued issued = codes.start(client, scope);
        String page = issuer.url() + "/portal/device";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("device_code", issued.deviceCode());
        body.put("user_code", DeviceCodes.display(issued.userCode()));
        body.put("verification_uri", page);
        body.put("verification_uri_complete", page + "?user_code=" + URLEncoder.encode(DeviceCodes.display(issued.userCode()),
                StandardCharsets.UTF_8));
        body.put("expires_in", DeviceCodes.LIFETIME.toSeconds());
        body.put("interval", DeviceCodes.INTERVAL_SECONDS);
        ex.header("Pragma", "no-cache");
        ex.json(200, body);
    }
}
