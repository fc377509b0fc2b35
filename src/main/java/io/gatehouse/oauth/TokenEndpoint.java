package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.Map;

/** {@code POST /oauth/token} (RFC 6749 §3.2): authenticate the client, then the handler of its grant_type. */
public final class TokenEndpoint {
    private final ClientAuthenticator clients;
    private final Map<String, GrantHandler> handlers;

    public TokenEndpoint(ClientAuthenticator clients, Map<String, GrantHandler> handlers) {
        this.clients = clients;
        this.handlers = Map.copyOf(handlers);
    }

    public void register(Router r) {
        r.add(new Route("POST", "/oauth/token", Route.Access.OPEN, null, this::token));
    }

    private void token(Exchange ex) {
        Map<String, String> form = OAuthForms.form(ex);
        App client = clients.authenticate(ex, form);
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isEmpty()) {
            throw OAuthException.invalidRequest("grant_type is required.");
        }
        GrantHandler handler = handlers.get(grantType);
        if (handler == null) {
            throw OAuthException.unsupportedGrantType("grant_type must be one of authorization_code, refresh_token, client_credentials, "
                    + DeviceCodeGrant.GRANT_TYPE + ".");
        }
        TokenResponse response;
        try {
            response = handler.handle(client, form);
        } catch (DomainException e) {
            throw OAuthException.of(e);
        }
        ex.header("Pragma", "no-cache");
        ex.json(200, response);
    }
}
