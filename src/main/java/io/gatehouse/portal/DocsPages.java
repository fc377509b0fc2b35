package io.gatehouse.portal;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.account.Account;
import io.gatehouse.api.OpenApi;
import io.gatehouse.apikey.ApiKey;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /portal/docs} (SPEC §7 v2): the OpenAPI document rendered as a reference, grouped by the
 * permission each operation needs. The curl examples never hold a key: keys are shown once, at
 * creation, so the example reads {@code $GATEHOUSE_KEY} and names the reader's own keys.
 */
final class DocsPages {
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

    private final Portal portal;
    private final OpenApi openApi;
    private final ApiKeys keys;
    private final Clock clock;

    DocsPages(Portal portal, OpenApi openApi, ApiKeys keys, Clock clock) {
        this.portal = portal;
        this.openApi = openApi;
        this.keys = keys;
        this.clock = clock;
    }

    record Group(String id, String title, List<Op> ops) {
    }

    record Op(String id, String method, String path, String summary, List<Param> params, String body, List<Answer> answers,
              String curl) {
    }

    record Param(String name, String in, boolean required, String type, String description) {
    }

    record Answer(String status, String description) {
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/docs", Route.Access.PAGE, null, ex -> {
            Account a = portal.maybeAccount(ex).orElse(null);
            List<String> keyNames = a == null ? List.of() : keys.list(a.id()).stream()
                    .filter(k -> k.status(clock.instant()) == ApiKey.Status.ACTIVE).map(ApiKey::name).toList();
            JsonNode doc = openApi.document();
            String server = doc.path("servers").path(0).path("url").asText();
            Portal.render(ex, 200, "docs.jte", Portal.model("chrome", portal.chrome(ex, "API reference", a),
                    "groups", groups(doc, server), "loggedIn", a != null, "keyNames", keyNames, "server", server));
        }));
    }

    static List<Group> groups(JsonNode doc, String server) {
        Map<String, List<Op>> byPermission = new TreeMap<>();
        doc.path("paths").properties().forEach(path -> {
            for (String method : METHODS) {
                JsonNode op = path.getValue().get(method);
                if (op == null) {
                    continue;
                }
                JsonNode perm = op.get("x-gatehouse-permission");
                String group = perm == null || perm.isNull() ? (needsCredential(op) ? "~any credential" : "~~public")
                        : perm.asText();
                byPermission.computeIfAbsent(group, k -> new ArrayList<>()).add(op(path.getKey(), method, op, doc, server));
            }
        });
        List<Group> groups = new ArrayList<>();
        byPermission.forEach((k, ops) -> {
            String title = k.equals("~any credential") ? "Any API key (the account itself)"
                    : k.equals("~~public") ? "No credential" : "Permission " + k;
            groups.add(new Group("perm-" + k.replaceAll("[^A-Za-z0-9]+", "-"), title, ops));
        });
        return groups;
    }

    private static boolean needsCredential(JsonNode op) {
        for (JsonNode req : op.path("security")) {
            if (req.size() > 0) {
                return true;
            }
        }
        return false;
    }

    private static Op op(String path, String method, JsonNode op, JsonNode doc, String server) {
        List<Param> params = new ArrayList<>();
        for (JsonNode p : op.path("parameters")) {
            params.add(new Param(p.path("name").asText(), p.path("in").asText(), p.path("required").asBoolean(),
                    p.path("schema").path("type").asText(""), p.path("description").asText("")));
        }
        String body = null;
        JsonNode content = op.path("requestBody").path("content");
        if (content.isObject() && content.size() > 0) {
            var first = content.properties().iterator().next();
            body = first.getKey() + ": " + refName(first.getValue().path("schema")) + schemaFields(doc, first.getValue().path("schema"));
        }
        List<Answer> answers = new ArrayList<>();
        op.path("responses").properties().forEach(e -> {
            JsonNode res = e.getValue();
            String description = res.has("$ref")
                    ? doc.path("components").path("responses").path(refName(res)).path("description").asText()
                    : res.path("description").asText() + contentName(res);
            answers.add(new Answer(e.getKey(), description));
        });
        StringBuilder curl = new StringBuilder("curl -s");
        String m = method.toUpperCase(Locale.ROOT);
        if (!m.equals("GET")) {
            curl.append(" -X ").append(m);
        }
        String url = server + path;
        StringBuilder query = new StringBuilder();
        for (Param p : params) {
            if (p.in().equals("query") && p.required()) {
                query.append(query.isEmpty() ? "?" : "&").append(p.name()).append("=…");
            }
        }
        curl.append(" '").append(url).append(query).append("'");
        if (needsCredential(op)) {
            curl.append(" \\\n  -H \"Authorization: token $GATEHOUSE_KEY\"");
        }
        if (body != null) {
            boolean form = body.startsWith("application/x-www-form-urlencoded");
            curl.append(" \\\n  ").append(form ? "-d 'name=value'" : "-H 'Content-Type: application/json' -d '{…}'");
        }
        return new Op(op.path("operationId").asText(), m, path, op.path("summary").asText(), params, body, answers,
                curl.toString());
    }

    private static String contentName(JsonNode res) {
        JsonNode content = res.path("content");
        if (!content.isObject() || content.isEmpty()) {
            return "";
        }
        var first = content.properties().iterator().next();
        String schema = refName(first.getValue().path("schema"));
        return " (" + first.getKey() + (schema.isEmpty() ? "" : ", " + schema) + ")";
    }

    private static String schemaFields(JsonNode doc, JsonNode schema) {
        JsonNode props = doc.path("components").path("schemas").path(refName(schema)).path("properties");
        if (!props.isObject() || props.isEmpty()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        props.fieldNames().forEachRemaining(names::add);
        return " {" + String.join(", ", names) + "}";
    }

    private static String refName(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.substring(ref.lastIndexOf('/') + 1);
    }
}
