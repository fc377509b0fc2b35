package io.gatehouse.api;

import io.gatehouse.http.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The description of every public built-in route, keyed by the route's method and template (the
 * same keys the {@link io.gatehouse.http.Router} serves). A route that is served but not described
 * here shows up in the document as undocumented, and OpenApiTest fails.
 */
public final class Descriptions {
    private static final String FORM = "application/x-www-form-urlencoded";
    private final Map<String, Operation> byKey = new LinkedHashMap<>();

    public Descriptions() {
        // SPEC §7: the built-in API.
        add(op("GET", "/v1.0/me", "The account behind the credential").answers(200, "Account"));
        add(op("GET", "/v1.0/leads", "List the account's leads")
                .query("limit", "integer", "1..100, default 10").query("offset", "integer", "default 0")
                .query("email", "string", "exact email").query("stage", "string", "pipeline stage")
                .query("source", "string", "where the lead came from").query("key", "string", "free-text search")
                .answers(200, "LeadList"));
        add(op("POST", "/v1.0/leads", "Create a lead").body("LeadInput").answers(200, "LeadCreated"));
        add(op("GET", "/v1.0/leads/{leadId}", "Read a lead").answers(200, "LeadOne"));
        add(op("PUT", "/v1.0/leads/{leadId}", "Change a lead (a field sent as null is cleared)").body("LeadInput")
                .answers(200, "Object"));
        add(op("DELETE", "/v1.0/leads/{leadId}", "Move a lead to the trash")
                .required("reason", "string", "why it is deleted").answers(200, "Object"));
        // The account's own keys and authorizations.
        add(op("GET", "/v1.0/me/api-keys", "List the account's API keys (never the key itself)").answers(200, "ApiKeyList"));
        add(op("POST", "/v1.0/me/api-keys", "Create an API key (the key is in this answer only)").body("NewApiKey")
                .answers(201, "ApiKeyCreated"));
        add(op("DELETE", "/v1.0/me/api-keys/{id}", "Revoke an API key").answers(204, null));
        add(op("GET", "/v1.0/me/authorizations", "Apps the account has authorized").answers(200, "Authorizations"));
        add(op("DELETE", "/v1.0/me/authorizations/{clientId}", "Revoke an app's authorization (every token of it ends)")
                .answers(204, null));
        add(op("GET", "/v1.0/permissions", "The permission catalog").answers(200, "Object"));
        // Apps (SPEC §8, the developer's side over the API).
        add(op("GET", "/v1.0/apps", "The account's apps").answers(200, "AppList"));
        add(op("POST", "/v1.0/apps", "Register an app (development mode)").body("NewApp").answers(201, "App"));
        add(op("GET", "/v1.0/apps/{clientId}", "Read an app").answers(200, "App"));
        add(op("PATCH", "/v1.0/apps/{clientId}", "Change an app").body("AppChange").answers(200, "App"));
        add(op("DELETE", "/v1.0/apps/{clientId}", "Delete an app: every grant, token and test user of it ends")
                .answers(204, null));
        add(op("POST", "/v1.0/apps/{clientId}/secret", "Rotate the client secret (shown once)").answers(200, "Object"));
        add(op("POST", "/v1.0/apps/{clientId}/submit", "Submit the app for review").answers(200, "App"));
        add(op("GET", "/v1.0/apps/{clientId}/test-users", "The app's test users and open invitations").answers(200, "Object"));
        add(op("POST", "/v1.0/apps/{clientId}/test-users", "Invite a test user by email").body("Object").answers(201, "Object"));
        add(op("DELETE", "/v1.0/apps/{clientId}/test-users/invitations/{invitationId}", "Withdraw an invitation")
                .answers(204, null));
        add(op("DELETE", "/v1.0/apps/{clientId}/test-users/{accountId}", "Remove a test user").answers(204, null));
        add(op("GET", "/v1.0/apps/{clientId}/usage", "Requests and 429s per minute over the last hour").answers(200, "Object"));
        // SPEC §5: OAuth 2.0 and OpenID Connect.
        add(op("GET", "/oauth/authorize", "Authorization endpoint (RFC 6749 §3.1): login and consent in the browser")
                .required("response_type", "string", "code").required("client_id", "string", "the app")
                .query("redirect_uri", "string", "one of the app's redirect URIs").query("scope", "string", "permissions")
                .query("state", "string", "echoed back").query("code_challenge", "string", "PKCE (RFC 7636)")
                .query("code_challenge_method", "string", "S256")
                .answers(200, "text/html", null));
        add(op("POST", "/oauth/authorize", "The consent decision (portal form)").body(FORM, "Object").answers(303, null));
        add(op("POST", "/oauth/token", "Token endpoint (RFC 6749 §3.2)").body(FORM, "TokenRequest").answers(200, "TokenResponse"));
        add(op("POST", "/oauth/revoke", "Token revocation (RFC 7009)").body(FORM, "Object").answers(200, null));
        add(op("POST", "/oauth/introspect", "Token introspection (RFC 7662)").body(FORM, "Object").answers(200, "Object"));
        add(op("POST", "/oauth/device_authorization", "Device authorization (RFC 8628 §3.1)").body(FORM, "Object")
                .answers(200, "Object"));
        add(op("GET", "/oauth/userinfo", "OpenID Connect UserInfo").answers(200, "Object"));
        add(op("POST", "/oauth/userinfo", "OpenID Connect UserInfo").answers(200, "Object"));
        add(op("GET", "/oauth/logout", "OpenID Connect RP-initiated logout").query("id_token_hint", "string", "the ID token")
                .query("post_logout_redirect_uri", "string", "where to go afterwards").query("state", "string", "echoed back")
                .answers(200, "text/html", null));
        add(op("POST", "/oauth/logout", "OpenID Connect RP-initiated logout (form)").body(FORM, "Object")
                .answers(200, "text/html", null));
        add(op("GET", "/.well-known/oauth-authorization-server", "Authorization server metadata (RFC 8414)")
                .answers(200, "Object"));
        add(op("GET", "/.well-known/openid-configuration", "OpenID Connect discovery").answers(200, "Object"));
        add(op("GET", "/.well-known/jwks.json", "The public signing keys (JWKS)").answers(200, "Object"));
        // Operations.
        add(op("GET", "/healthz", "Liveness").answers(200, "Object"));
        add(op("GET", "/openapi.json", "This document").answers(200, "Object"));
    }

    private static Operation op(String method, String template, String summary) {
        return new Operation(method, template, summary);
    }

    private void add(Operation o) {
        if (byKey.putIfAbsent(o.key(), o) != null) {
            throw new IllegalStateException("described twice: " + o.key());
        }
    }

    public Optional<Operation> of(Route route) {
        return Optional.ofNullable(byKey.get(route.method() + " " + route.template()));
    }

    /** Routes on the public port that are portal pages, not API: left out of the description. */
    public static boolean isPage(Route route) {
        return route.template().equals("/") || route.template().equals("/portal")
                || route.template().startsWith("/portal/");
    }

    /** The component schemas the descriptions name. */
    static Map<String, Object> schemas() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Object", Map.of("type", "object"));
        s.put("Error", obj(Map.of(
                "code", Map.of("type", "integer", "description", "numeric code (SPEC §3 table)",
                        "enum", List.of(200401, 200100, 20017, 20012, 20042, 20006, 20007, 20008, 20009, 20013, 200429,
                                20005, 20502, 20503, 20504)),
                "error", Map.of("type", "string", "enum", List.of("BAD_CREDENTIALS", "VENDOR_HAS_NO_PERMISSION",
                        "PERMISSION_DENIED", "INVALID_PARAMETER", "LIMIT_NOT_VALID", "LEAD_NOT_EXIST", "RESOURCE_NOT_EXIST",
                        "METHOD_NOT_ALLOWED", "CONFLICT", "PAYLOAD_TOO_LARGE", "TOO_MANY_REQUESTS", "INTERNAL_ERROR",
                        "BAD_GATEWAY", "SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT")),
                "message", Map.of("type", "string")), List.of("code", "error", "message")));
        s.put("OAuthError", obj(Map.of("error", Map.of("type", "string"), "error_description", Map.of("type", "string")),
                List.of("error")));
        s.put("Account", obj(Map.of("id", integer(), "email", str(), "firstName", nullableStr(), "lastName", nullableStr(),
                "role", str(), "createTime", str()), List.of("id", "email")));
        s.put("Lead", obj(Map.of("leadId", integer(), "firstName", nullableStr(), "lastName", nullableStr(),
                "email", nullableStr(), "phone", nullableStr(), "stage", nullableStr(), "source", nullableStr(),
                "tags", Map.of("type", "array", "items", str()), "createTime", str(), "updateTime", str()), List.of("leadId")));
        s.put("LeadInput", obj(Map.of("firstName", nullableStr(), "lastName", nullableStr(), "email", nullableStr(),
                "phone", nullableStr(), "stage", nullableStr(), "source", nullableStr(),
                "tags", Map.of("type", "array", "items", str())), List.of()));
        s.put("LeadCreated", obj(Map.of("leadId", integer()), List.of("leadId")));
        s.put("LeadOne", obj(Map.of("lead", ref("Lead")), List.of("lead")));
        s.put("LeadList", obj(Map.of("get_metadata", obj(Map.of("collection", str(), "limit", integer(), "offset", integer(),
                "total", integer()), List.of()), "leads", Map.of("type", "array", "items", ref("Lead"))), List.of("leads")));
        s.put("ApiKey", obj(Map.of("id", integer(), "name", str(), "description", nullableStr(), "status", str(),
                "expires_at", nullableStr()), List.of("id", "name", "status")));
        s.put("ApiKeyList", Map.of("type", "array", "items", ref("ApiKey")));
        s.put("NewApiKey", obj(Map.of("name", str(), "description", str(), "expires_at", str()), List.of("name")));
        s.put("ApiKeyCreated", obj(Map.of("id", integer(), "key", Map.of("type", "string",
                "description", "shown only in this answer"), "name", str(), "status", str()), List.of("id", "key")));
        s.put("Authorizations", Map.of("type", "object", "additionalProperties", true));
        s.put("App", obj(Map.of("client_id", str(), "name", str(), "description", nullableStr(), "type", str(),
                "mode", str(), "redirect_uris", Map.of("type", "array", "items", str()),
                "permissions", Map.of("type", "array", "items", str()), "rate_limit_per_minute", integer()),
                List.of("client_id")));
        s.put("AppList", Map.of("type", "object", "additionalProperties", true));
        s.put("NewApp", obj(Map.of("name", str(), "description", str(), "type", Map.of("type", "string",
                "enum", List.of("confidential", "public")), "redirect_uris", Map.of("type", "array", "items", str()),
                "permissions", Map.of("type", "array", "items", str())), List.of("name")));
        s.put("AppChange", obj(Map.of("name", str(), "description", str(), "redirect_uris", Map.of("type", "array", "items", str()),
                "permissions", Map.of("type", "array", "items", str())), List.of()));
        s.put("TokenRequest", obj(Map.of("grant_type", str(), "code", str(), "redirect_uri", str(), "code_verifier", str(),
                "refresh_token", str(), "client_id", str(), "client_secret", str(), "scope", str(), "device_code", str()),
                List.of("grant_type")));
        s.put("TokenResponse", obj(Map.of("access_token", str(), "token_type", str(), "expires_in", integer(),
                "refresh_token", str(), "scope", str(), "id_token", str()), List.of("access_token", "token_type")));
        return s;
    }

    static Map<String, Object> ref(String name) {
        return Map.of("$ref", "#/components/schemas/" + name);
    }

    private static Map<String, Object> obj(Map<String, ?> properties, List<String> required) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "object");
        m.put("properties", new java.util.TreeMap<>(properties));
        if (!required.isEmpty()) {
            m.put("required", required);
        }
        return m;
    }

    private static Map<String, Object> str() {
        return Map.of("type", "string");
    }

    private static Map<String, Object> nullableStr() {
        return Map.of("type", List.of("string", "null"));
    }

    private static Map<String, Object> integer() {
        return Map.of("type", "integer", "format", "int64");
    }
}
