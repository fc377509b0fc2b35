package io.gatehouse.lifecycle;

import static io.gatehouse.testing.TestClient.bearer;
import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** SPEC §8, §9 v2: deleting apps, changing, disabling and deleting accounts, and everything that ends with them. */
@ParameterizedClass
@EnumSource(Backend.class)
class LifecycleApiTest {
    static final String PASSWORD = "correct horse battery";

    @Parameter
    Backend backend;

    private TestServer server;
    private TestClient api;
    private TestClient admin;

    @BeforeEach
    void setUp() {
        server = TestServer.shared(backend);
        api = server.api;
        admin = server.admin;
    }

    record App(String clientId, String secret, String key) {
    }

    /** An app of a fresh account, with one of the account's keys (its customer_key). */
    static App app(TestClient admin, long owner) {
        Resp r = admin.post("/admin/v1/apps", Map.of("owner_id", owner, "name", "Doomed", "redirect_uris",
                List.of("https://doomed.example.com/cb"), "type", "confidential", "permissions", List.of("user.read")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new App(r.json().get("client_id").asText(), r.json().get("client_secret").asText(), Fixtures.apiKey(admin, owner));
    }

    static Resp tokenRequest(TestClient api, App app) {
        return api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + app.key,
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((app.clientId + ":" + app.secret).getBytes()));
    }

    static String accessToken(TestClient api, App app) {
        Resp r = tokenRequest(api, app);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("access_token").asText();
    }

    private Browser loggedIn(String email) {
        Browser b = new Browser(api.base);
        b.open("/portal/login");
        Browser.Page p = b.request("POST", "/portal/login", Map.of("email", email, "password", PASSWORD));
        assertThat(p.status()).as(p.body()).isEqualTo(303);
        return b;
    }

    @Test
    void a_developer_deletes_an_app_and_its_tokens_and_client_id_stop_at_once() {
        Fixtures.Account dev = Fixtures.account(server);
        App app = app(admin, dev.id());
        String token = accessToken(api, app);
        assertThat(api.get("/v1.0/me", bearer(token)).status()).isEqualTo(200);
        String[] devKey = token(app.key);

        Fixtures.Account stranger = Fixtures.account(server);
        Resp notYours = api.delete("/v1.0/apps/" + app.clientId, token(Fixtures.apiKey(admin, stranger.id())));
        assertThat(notYours.status()).isEqualTo(404);
        assertThat(api.get("/v1.0/me", bearer(token)).status()).isEqualTo(200);

        Resp deleted = api.delete("/v1.0/apps/" + app.clientId, devKey);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(api.get("/v1.0/me", bearer(token)).status()).as("its token stops at once").isEqualTo(401);
        assertThat(tokenRequest(api, app).status()).as("its client id never works again").isEqualTo(401);
        assertThat(api.get("/v1.0/apps/" + app.clientId, devKey).status()).isEqualTo(404);
        assertThat(api.delete("/v1.0/apps/" + app.clientId, devKey).status()).isEqualTo(404);
        assertThat(admin.get("/admin/v1/apps/" + app.clientId).status()).isEqualTo(404);
        assertThat(api.get("/v1.0/me", devKey).status()).as("the owner's own key lives on").isEqualTo(200);
    }

    @Test
    void an_admin_deletes_an_app_and_an_unknown_one_is_404() {
        App app = app(admin, Fixtures.account(server).id());
        String token = accessToken(api, app);
        assertThat(admin.delete("/admin/v1/apps/" + app.clientId).status()).isEqualTo(204);
        assertThat(api.get("/v1.0/me", bearer(token)).status()).isEqualTo(401);
        Resp again = admin.delete("/admin/v1/apps/" + app.clientId);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("error").asText()).isEqualTo("RESOURCE_NOT_EXIST");
    }

    @Test
    void an_admin_patch_changes_an_account_and_refuses_what_it_does_not_take() {
        Fixtures.Account a = Fixtures.account(server);
        String path = "/admin/v1/accounts/" + a.id();
        Resp r = admin.patch(path, Map.of("firstName", "Ada", "lastName", "Lovelace", "role", "admin"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("firstName").asText()).isEqualTo("Ada");
        assertThat(r.json().get("role").asText()).isEqualTo("admin");
        assertThat(r.json().get("disabled").asBoolean()).isFalse();
        assertThat(admin.get(path).json().get("lastName").asText()).isEqualTo("Lovelace");

        Resp bad = admin.patch(path, Map.of("firstName", "Eve", "password", "x"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("password");
        assertThat(admin.patch(path, Map.of("disabled", "yes")).status()).isEqualTo(400);
        assertThat(admin.patch(path, Map.of("role", "root")).status()).isEqualTo(400);
        assertThat(admin.patch(path, Map.of("email", Fixtures.account(server).email())).status()).isEqualTo(409);
        assertThat(admin.get(path).json().get("firstName").asText()).isEqualTo("Ada");
        assertThat(admin.patch("/admin/v1/accounts/999999999", Map.of("firstName", "x")).status()).isEqualTo(404);
    }

    @Test
    void a_disabled_account_loses_its_keys_tokens_and_sessions_at_once_and_cannot_log_in() {
        Fixtures.Account a = Fixtures.account(server);
        App app = app(admin, a.id());
        String token = accessToken(api, app);
        Browser session = loggedIn(a.email());
        Fixtures.Account user = Fixtures.account(server);
        String userKey = Fixtures.apiKey(admin, user.id());

        Resp r = admin.patch("/admin/v1/accounts/" + a.id(), Map.of("disabled", true));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("disabled").asBoolean()).isTrue();
        assertThat(api.get("/v1.0/me", token(app.key)).status()).isEqualTo(401);
        assertThat(api.get("/v1.0/me", bearer(token)).status()).isEqualTo(401);
        assertThat(session.request("GET", "/portal/keys", null).status()).as("its session ended").isEqualTo(303);
        Browser b = new Browser(api.base);
        b.open("/portal/login");
        Browser.Page refused = b.request("POST", "/portal/login", Map.of("email", a.email(), "password", PASSWORD));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("disabled");
        assertThat(admin.post("/admin/v1/accounts/" + a.id() + "/api-keys", Map.of("name", "k")).status()).isEqualTo(409);
        assertThat(api.get("/v1.0/me", token(userKey)).status()).as("other accounts are untouched").isEqualTo(200);

        assertThat(admin.patch("/admin/v1/accounts/" + a.id(), Map.of("disabled", false)).json().get("disabled").asBoolean()).isFalse();
        assertThat(loggedIn(a.email()).request("GET", "/portal/keys", null).status()).isEqualTo(200);
        assertThat(api.get("/v1.0/me", token(app.key)).status()).as("what ended stays ended").isEqualTo(401);
    }

    @Test
    void a_deleted_account_ends_everything_it_had_and_its_email_is_free_again() {
        Fixtures.Account a = Fixtures.account(server);
        App own = app(admin, a.id());
        Fixtures.Account user = Fixtures.account(server);
        App usersKeyOnOwnApp = new App(own.clientId, own.secret, Fixtures.apiKey(admin, user.id()));
        admin.patch("/admin/v1/apps/" + own.clientId, Map.of("test_users", List.of(user.id())));
        String userToken = accessToken(api, usersKeyOnOwnApp);
        Browser session = loggedIn(a.email());

        assertThat(admin.delete("/admin/v1/accounts/" + a.id()).status()).isEqualTo(204);
        assertThat(admin.get("/admin/v1/accounts/" + a.id()).status()).isEqualTo(404);
        assertThat(admin.get("/admin/v1/accounts?email=" + a.email()).json().get("accounts").size()).isZero();
        assertThat(api.get("/v1.0/me", token(own.key)).status()).isEqualTo(401);
        assertThat(api.get("/v1.0/me", bearer(userToken)).status()).as("its apps' tokens end, whoever holds them").isEqualTo(401);
        assertThat(session.request("GET", "/portal/keys", null).status()).isEqualTo(303);
        assertThat(admin.delete("/admin/v1/accounts/" + a.id()).status()).isEqualTo(404);
        Resp again = admin.post("/admin/v1/accounts", Map.of("email", a.email(), "password", PASSWORD));
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        assertThat(again.json().get("id").asLong()).isNotEqualTo(a.id());
    }

    @Test
    void in_the_portal_an_app_is_deleted_only_when_its_name_is_typed() {
        Fixtures.Account dev = Fixtures.account(server);
        App app = app(admin, dev.id());
        String token = accessToken(api, app);
        Browser b = loggedIn(dev.email());
        b.open("/portal/apps/" + app.clientId);
        Browser.Page wrong = b.request("POST", "/portal/apps/" + app.clientId + "/delete", Map.of("confirm", "doomed"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("type its name exactly");
        assertThat(api.get("/v1.0/me", bearer(token)).status()).isEqualTo(200);

        Browser.Page done = b.request("POST", "/portal/apps/" + app.clientId + "/delete", Map.of("confirm", "Doomed"));
        assertThat(done.status()).isEqualTo(303);
        assertThat(done.location()).isEqualTo("/portal/apps?done=deleted");
        assertThat(b.open(done.location()).body()).contains("The app was deleted.").doesNotContain(app.clientId);
        assertThat(api.get("/v1.0/me", bearer(token)).status()).isEqualTo(401);
        assertThat(b.request("POST", "/portal/apps/" + app.clientId + "/delete", Map.of("confirm", "Doomed")).status()).isEqualTo(404);
    }

    @Test
    void in_the_portal_an_account_deletes_itself_with_its_password() {
        Fixtures.Account a = Fixtures.account(server);
        String key = Fixtures.apiKey(admin, a.id());
        Browser b = loggedIn(a.email());
        b.open("/portal/settings");
        Browser.Page wrong = b.request("POST", "/portal/settings/delete", Map.of("password", "not it"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(api.get("/v1.0/me", token(key)).status()).isEqualTo(200);

        Browser.Page done = b.request("POST", "/portal/settings/delete", Map.of("password", PASSWORD));
        assertThat(done.status()).isEqualTo(303);
        assertThat(done.location()).isEqualTo("/portal/login?done=deleted");
        assertThat(api.get("/v1.0/me", token(key)).status()).isEqualTo(401);
        assertThat(b.request("GET", "/portal/keys", null).status()).isEqualTo(303);
        assertThat(admin.get("/admin/v1/accounts/" + a.id()).status()).isEqualTo(404);
    }
}
