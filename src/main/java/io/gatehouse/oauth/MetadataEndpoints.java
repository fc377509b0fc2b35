package io.gatehouse.oauth;

import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.token.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 8414 metadata, OpenID Connect Discovery 1.0 (the same facts: every field either document
 * defines is in both, and each is true), and the JWKS that verifies access tokens and id_tokens.
 */
public final class MetadataEndpoints {
    private final Issuer issuer;
    private final SigningKeys keys;
    private final java.util.function.Supplier<List<String>> scopes;

    public MetadataEndpoints(Issuer issuer, SigningKeys keys, java.util.function.Supplier<List<String>> scopes) {
        this.issuer = issuer;
        this.keys = keys;
        this.scopes = scopes;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/.well-known/oauth-authorization-server", Route.Access.OPEN, null, this::metadata));
        r.add(new Route("GET", "/.well-known/openid-configuration", Route.Access.OPEN, null, this::metadata));
        r.add(new Route("GET", "/.well-known/jwks.json", Route.Access.OPEN, null, this::jwks));
    }

    private void metadata(Exchange ex) {
        String base = issuer.url();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", base);
        m.put("authorization_endpoint", base + "/oauth/authorize");
        m.put("token_endpoint", base + "/oauth/token");
        m.put("revocation_endpoint", base + "/oauth/revoke");
        m.put("introspection_endpoint", base + "/oauth/introspect");
        m.put("jwks_uri", base + "/.well-known/jwks.json");
        m.put("userinfo_endpoint", base + "/oauth/userinfo");
        m.put("end_session_endpoint", base + "/oauth/logout");
        m.put("device_authorization_endpoint", base + "/oauth/device_authorization");
        m.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials",
                "urn:ietf:params:oauth:grant-type:device_code"));
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        m.put("revocation_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        m.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        List<String> scopes = new ArrayList<>(OidcScopes.ALL);
        scopes.addAll(this.scopes.get());
        m.put("scopes_supported", scopes);
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.of(keys.tokenAlgorithm().jws().getName()));
        m.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "at_hash",
                "name", "given_name", "family_name", "email", "email_verified"));
        m.put("prompt_values_supported", List.of("none", "login", "consent"));
        // Discovery 1.0 §3: these default to true (request_uri) or mean work we do not do; say so.
        m.put("claims_parameter_supported", false);
        m.put("request_parameter_supported", false);
        m.put("request_uri_parameter_supported", false);
        m.put("authorization_response_iss_parameter_supported", true);
        m.put("service_documentation", base + "/portal/docs");
        ex.header("Cache-Control", "public, max-age=300");
        ex.send(200, "application/json", io.gatehouse.core.Json.bytes(m));
    }

    private void jwks(Exchange ex) {
        // Shorter than the signing-key activation delay, so clients see a new key before tokens use it.
        ex.header("Cache-Control", "public, max-age=15");
        ex.send(200, "application/jwk-set+json", keys.publicJwks().toString(true).getBytes(StandardCharsets.UTF_8));
    }
}
