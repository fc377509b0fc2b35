package io.gatehouse.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.proxy.ProxyRoute;
import io.gatehouse.proxy.ProxyRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SPEC §7 v2: the OpenAPI 3.1 document, built on each call from the router that serves the public
 * port and the proxied routes in force, so it cannot drift from what is served.
 */
public final class OpenApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> ALL_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final Router router;
    private final ProxyRoutes proxies;
    private final PermissionCatalog catalog;
    private final Supplier<String> issuer;
    private final Descriptions descriptions;
    private final UpstreamDocs upstream;

    public OpenApi(Router router, ProxyRoutes proxies, PermissionCatalog catalog, Supplier<String> issuer,
                   Descriptions descriptions, UpstreamDocs upstream) {
        this.router = router;
        this.proxies = proxies;
        this.catalog = catalog;
        this.issuer = issuer;
        this.descriptions = descriptions;
        this.upstream = upstream;
    }

    /** The proxied routes in force (the part of the document that can change while the node runs). */
    public List<ProxyRoute> proxiedRoutes() {
        return proxies == null ? List.of() : proxies.routes();
    }

    public ObjectNode document() {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Gatehouse API");
        info.put("version", "1.0");
        info.put("description", "Errors have the shape {code, error, message} (components.schemas.Error); OAuth "
                + "endpoints answer {error, error_description} (RFC 6749). Every response carries X-Request-Id; "
                + "metered calls carry X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset.");
        doc.putArray("servers").addObject().put("url", issuer.get());
        ObjectNode paths = doc.putObject("paths");
        ObjectNode components = doc.putObject("components");
        components.set("schemas", JSON.valueToTree(Descriptions.schemas()));
        components.set("securitySchemes", securitySchemes());
        components.set("headers", headers());
        components.set("responses", errorResponses());
        ArrayNode warnings = JSON.createArrayNode();

        for (Route route : router.routes()) {
            if (Descriptions.isPage(route)) {
                continue;
            }
            ObjectNode item = paths.has(route.template()) ? (ObjectNode) paths.get(route.template())
                    : paths.putObject(route.template());
            item.set(route.method().toLowerCase(Locale.ROOT), operation(route));
        }
        if (proxies != null) {
            for (ProxyRoute p : proxies.routes()) {
                proxied(p, paths, components, warnings);
            }
        }
        if (!warnings.isEmpty()) {
            doc.set("x-gatehouse-warnings", warnings);
        }
        return doc;
    }

    private ObjectNode operation(Route route) {
        ObjectNode op = JSON.createObjectNode();
        Operation d = descriptions.of(route).orElse(null);
        op.put("operationId", operationId(route.method(), route.template()));
        op.put("summary", d == null ? route.method() + " " + route.template() : d.summary);
        if (d == null) {
            op.put("x-gatehouse-undocumented", true);
        }
        op.putArray("tags").add(tag(route.template()));
        ArrayNode params = JSON.createArrayNode();
        Matcher m = PARAM.matcher(route.template());
        while (m.find()) {
            ObjectNode p = params.addObject();
            p.put("name", m.group(1));
            p.put("in", "path");
            p.put("required", true);
            p.putObject("schema").put("type", m.group(1).toLowerCase(Locale.ROOT).endsWith("id") && !m.group(1).equals("clientId")
                    ? "integer" : "string");
        }
        if (d != null) {
            for (Operation.Param q : d.query) {
                ObjectNode p = params.addObject();
                p.put("name", q.name());
                p.put("in", "query");
                p.put("required", q.required());
                p.put("description", q.description());
                p.putObject("schema").put("type", q.type());
            }
        }
        if (!params.isEmpty()) {
            op.set("parameters", params);
        }
        if (d != null && d.requestSchema != null) {
            ObjectNode body = op.putObject("requestBody");
            body.put("required", true);
            body.putObject("content").putObject(d.requestType).set("schema", JSON.valueToTree(Descriptions.ref(d.requestSchema)));
        }
        boolean metered = route.access() == Route.Access.CREDENTIAL || route.access() == Route.Access.ACCOUNT;
        ObjectNode responses = op.putObject("responses");
        int status = d == null ? 200 : d.status;
        ObjectNode ok = responses.putObject(Integer.toString(status));
        ok.put("description", status == 204 ? "Done, no body" : status == 303 ? "Redirect" : "Success");
        if (d != null && d.responseSchema != null) {
            ok.putObject("content").putObject(d.responseType).set("schema", JSON.valueToTree(Descriptions.ref(d.responseSchema)));
        } else if (d != null && "text/html".equals(d.responseType)) {
            ok.putObject("content").putObject("text/html").putObject("schema").put("type", "string");
        }
        if (metered) {
            rateHeaders(ok);
        }
        errors(route, d, responses, metered);
        security(route, op);
        if (route.permission() != null) {
            op.put("x-gatehouse-permission", route.permission());
        } else {
            op.putNull("x-gatehouse-permission");
        }
        return op;
    }

    private void errors(Route route, Operation d, ObjectNode responses, boolean metered) {
        boolean oauth = route.template().startsWith("/oauth/");
        if (oauth && d != null && d.requestSchema != null) {
            responses.putObject("400").put("$ref", "#/components/responses/OAuthError");
        }
        if (metered) {
            responses.putObject("401").put("$ref", "#/components/responses/BadCredentials");
            responses.putObject("403").put("$ref", route.permission() != null
                    ? "#/components/responses/VendorHasNoPermission" : "#/components/responses/PermissionDenied");
            responses.putObject("429").put("$ref", "#/components/responses/TooManyRequests");
            if (!oauth && ((d != null && (!d.query.isEmpty() || d.requestSchema != null)))) {
                responses.putObject("400").put("$ref", "#/components/responses/InvalidParameter");
            }
            if (route.template().contains("{")) {
                responses.putObject("404").put("$ref", "#/components/responses/NotFound");
            }
        }
        responses.putObject("500").put("$ref", "#/components/responses/InternalError");
    }

    private static void security(Route route, ObjectNode op) {
        ArrayNode sec = op.putArray("security");
        switch (route.access()) {
            case CREDENTIAL -> {
                sec.addObject().putArray("token");
                ArrayNode scopes = sec.addObject().putArray("oauth2");
                if (route.permission() != null) {
                    scopes.add(route.permission());
                }
            }
            case ACCOUNT -> sec.addObject().putArray("token");
            default -> sec.addObject();
        }
    }

    private void proxied(ProxyRoute p, ObjectNode paths, ObjectNode components, ArrayNode warnings) {
        Set<String> methods = p.methods().isEmpty() ? ALL_METHODS : p.methods();
        Route served = new Route("*", p.path(), Route.Access.CREDENTIAL, p.permission(), ex -> { }, p.limitPerMinute());
        if (p.openapi() != null && p.isPrefix()) {
            UpstreamDocs.Result r = upstream.get(p.openapi());
            if (r.document() != null && r.document().get("paths") instanceof ObjectNode theirs) {
                String prefix = "u" + Integer.toHexString(p.path().hashCode()) + "_";
                mergeComponents(r.document(), components, prefix);
                theirs.fieldNames().forEachRemaining(path -> {
                    ObjectNode item = paths.putObject(p.base() + (path.startsWith("/") ? path : "/" + path));
                    JsonNode ops = rewriteRefs(theirs.get(path).deepCopy(), prefix);
                    ops.fieldNames().forEachRemaining(method -> {
                        if (!methods.contains(method.toUpperCase(Locale.ROOT))) {
                            if (method.equals("parameters") || method.equals("summary") || method.equals("description")) {
                                item.set(method, ops.get(method));
                            }
                            return;
                        }
                        ObjectNode op = (ObjectNode) ops.get(method);
                        op.remove("security");
                        op.remove("operationId");
                        op.put("operationId", operationId(method.toUpperCase(Locale.ROOT), p.base() + path));
                        security(served, op);
                        op.put("x-gatehouse-permission", p.permission());
                        if (!op.has("responses")) {
                            op.putObject("responses").putObject("200").put("description", "Upstream answer");
                        }
                        ObjectNode responses = (ObjectNode) op.get("responses");
                        proxyErrors(served, responses);
                        item.set(method, op);
                    });
                });
                return;
            }
            warnings.add(p.path() + ": the upstream description could not be read (" + r.problem() + "); shown as a bare path");
        }
        String path = p.isPrefix() ? p.base() + "/{rest}" : p.path();
        ObjectNode item = paths.putObject(path);
        for (String method : methods.stream().sorted().toList()) {
            ObjectNode op = item.putObject(method.toLowerCase(Locale.ROOT));
            op.put("operationId", operationId(method, path));
            op.put("summary", "Proxied to the upstream" + (p.isPrefix() ? " (any path under " + p.base() + "/)" : ""));
            op.putArray("tags").add("proxied");
            if (p.isPrefix()) {
                ObjectNode rest = op.putArray("parameters").addObject();
                rest.put("name", "rest");
                rest.put("in", "path");
                rest.put("required", true);
                rest.put("description", "the rest of the path, passed to the upstream");
                rest.putObject("schema").put("type", "string");
            }
            ObjectNode responses = op.putObject("responses");
            rateHeaders(responses.putObject("200").put("description", "Upstream answer"));
            proxyErrors(served, responses);
            security(served, op);
            if (p.permission() != null) {
                op.put("x-gatehouse-permission", p.permission());
            } else {
                op.putNull("x-gatehouse-permission");
            }
        }
    }

    private static void proxyErrors(Route served, ObjectNode responses) {
        responses.putObject("401").put("$ref", "#/components/responses/BadCredentials");
        responses.putObject("403").put("$ref", served.permission() != null
                ? "#/components/responses/VendorHasNoPermission" : "#/components/responses/PermissionDenied");
        responses.putObject("429").put("$ref", "#/components/responses/TooManyRequests");
        responses.putObject("502").put("$ref", "#/components/responses/BadGateway");
        responses.putObject("504").put("$ref", "#/components/responses/GatewayTimeout");
    }

    private static void mergeComponents(JsonNode theirDoc, ObjectNode ours, String prefix) {
        JsonNode theirs = theirDoc.get("components");
        if (!(theirs instanceof ObjectNode c)) {
            return;
        }
        for (String kind : List.of("schemas", "parameters", "responses", "requestBodies", "headers", "examples")) {
            if (c.get(kind) instanceof ObjectNode items) {
                ObjectNode target = ours.has(kind) ? (ObjectNode) ours.get(kind) : ours.putObject(kind);
                items.fieldNames().forEachRemaining(name -> target.set(prefix + name, rewriteRefs(items.get(name).deepCopy(), prefix)));
            }
        }
    }

    /** Points the upstream's local references at the merged, prefixed components. */
    private static JsonNode rewriteRefs(JsonNode node, String prefix) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                if (name.equals("$ref") && v.isTextual() && v.asText().startsWith("#/components/")) {
                    String[] parts = v.asText().split("/", 4);
                    if (parts.length == 4) {
                        o.put("$ref", "#/components/" + parts[2] + "/" + prefix + parts[3]);
                    }
                } else {
                    rewriteRefs(v, prefix);
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(n -> rewriteRefs(n, prefix));
        }
        return node;
    }

    private ObjectNode securitySchemes() {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode token = s.putObject("token");
        token.put("type", "apiKey");
        token.put("in", "header");
        token.put("name", "Authorization");
        token.put("description", "An API key sent as `Authorization: token <key>` (SPEC §4)");
        ObjectNode oauth = s.putObject("oauth2");
        oauth.put("type", "oauth2");
        oauth.put("description", "An OAuth 2.0 access token sent as `Authorization: Bearer <token>`");
        String base = issuer.get();
        ObjectNode scopes = JSON.createObjectNode();
        catalog.all().forEach(scopes::put);
        ObjectNode flows = oauth.putObject("flows");
        ObjectNode code = flows.putObject("authorizationCode");
        code.put("authorizationUrl", base + "/oauth/authorize");
        code.put("tokenUrl", base + "/oauth/token");
        code.put("refreshUrl", base + "/oauth/token");
        code.set("scopes", scopes);
        ObjectNode cc = flows.putObject("clientCredentials");
        cc.put("tokenUrl", base + "/oauth/token");
        cc.set("scopes", scopes.deepCopy());
        return s;
    }

    private static ObjectNode headers() {
        ObjectNode h = JSON.createObjectNode();
        header(h, "X-RateLimit-Limit", "requests allowed in the current window");
        header(h, "X-RateLimit-Remaining", "requests left in the current window");
        header(h, "X-RateLimit-Reset", "seconds until the window resets");
        header(h, "Retry-After", "seconds to wait before trying again");
        return h;
    }

    private static void header(ObjectNode h, String name, String description) {
        ObjectNode o = h.putObject(name);
        o.put("description", description);
        o.putObject("schema").put("type", "integer");
    }

    private static void rateHeaders(ObjectNode response) {
        ObjectNode h = response.putObject("headers");
        for (String name : List.of("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")) {
            h.putObject(name).put("$ref", "#/components/headers/" + name);
        }
    }

    private static ObjectNode errorResponses() {
        ObjectNode r = JSON.createObjectNode();
        error(r, "BadCredentials", "401 · 200401 BAD_CREDENTIALS: missing, malformed, unknown, expired or revoked credential");
        error(r, "VendorHasNoPermission", "403 · 200100 VENDOR_HAS_NO_PERMISSION: the app was not granted this endpoint");
        error(r, "PermissionDenied", "403 · 20017 PERMISSION_DENIED: the account itself may not do this");
        error(r, "InvalidParameter", "400 · 20012 INVALID_PARAMETER (or 20042 LIMIT_NOT_VALID): the message names the field");
        error(r, "NotFound", "404 · 20006 LEAD_NOT_EXIST or 20007 RESOURCE_NOT_EXIST");
        error(r, "InternalError", "500 · 20005 INTERNAL_ERROR: a bug; the log has the request id");
        error(r, "BadGateway", "502 · 20502 BAD_GATEWAY: the upstream is down");
        error(r, "GatewayTimeout", "504 · 20504 GATEWAY_TIMEOUT: the upstream is too slow");
        ObjectNode tooMany = error(r, "TooManyRequests", "429 · 200429 TOO_MANY_REQUESTS: rate limit");
        rateHeaders(tooMany);
        ((ObjectNode) tooMany.get("headers")).putObject("Retry-After").put("$ref", "#/components/headers/Retry-After");
        ObjectNode oauth = r.putObject("OAuthError");
        oauth.put("description", "RFC 6749 §5.2 error, e.g. invalid_grant, invalid_client, invalid_request");
        oauth.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/OAuthError");
        return r;
    }

    private static ObjectNode error(ObjectNode r, String name, String description) {
        ObjectNode o = r.putObject(name);
        o.put("description", description);
        o.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/Error");
        return o;
    }

    private static String tag(String template) {
        if (template.startsWith("/oauth/") || template.startsWith("/.well-known/")) {
            return "oauth";
        }
        String[] parts = template.split("/");
        return parts.length > 2 ? parts[2] : parts.length > 1 ? parts[1] : "gatehouse";
    }

    private static String operationId(String method, String template) {
        return method.toLowerCase(Locale.ROOT) + template.replaceAll("[^A-Za-z0-9]+", "_");
    }

    /** Maps for templates that want plain values. */
    public static Map<String, Object> asMap(JsonNode node) {
        return JSON.convertValue(node, Map.class);
    }
}
