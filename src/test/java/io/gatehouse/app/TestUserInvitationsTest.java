package io.gatehouse.app;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SPEC §8, §11: test users are invitations. Inviting tells the developer nothing about any account
 * until the invited account accepts in the portal; only accepted test users may authorize an app in
 * development. Admins still set test users directly.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class TestUserInvitationsTest {
    private static final String PASSWORD = "correct horse battery";

    @Parameter
    Backend backend;

    private TestServer server;
    private TestClient api;
    private String[] devKey;
    private String clientId;
    private String secret;

    @BeforeEach
    void setUp() {
        server = TestServer.shared(backend);
        api = server.api;
        Fixtures.Account dev = Fixtures.account(server);
        devKey = token(Fixtures.apiKey(server.admin, dev.id()));
        JsonNode app = api.post("/v1.0/apps", Map.of("name", "Beta App", "redirect_uris", List.of("https://beta.example.com/cb"),
                "permissions", List.of("user.read")), devKey).json();
        clientId = app.get("client_id").asText();
        secret = app.get("client_secret").asText();
    }

    private Fixtures.Account person(String firstName) {
        String email = Fixtures.uniqueEmail();
        Resp r = server.admin.post("/admin/v1/accounts", Map.of("email", email, "password", PASSWORD, "firstName", firstName,
                "lastName", "Secretname", "role", "admin"));
        return new Fixtures.Account(r.json().get("id").asLong(), email);
    }

    private Resp invite(Map<String, Object> body) {
        return api.post("/v1.0/apps/" + clientId + "/test-users", body, devKey);
    }

    /** Whether the account may use the app while it is in development (client credentials with its own key). */
    private boolean mayAuthorize(Fixtures.Account a) {
        Resp r = api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + Fixtures.apiKey(server.admin, a.id()),
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes()));
        return r.status() == 200;
    }

    private Browser loggedIn(Fixtures.Account a) {
        Browser b = new Browser(api.base);
        Browser.Page after = b.submit(b.open("/portal/login"), "/portal/login", Map.of("email", a.email(), "password", PASSWORD));
        assertThat(after.status()).isEqualTo(200);
        return b;
    }

    private static long invitationOnPage(Browser.Page page, String app) {
        Matcher m = Pattern.compile("data-invitation-id=\"(\\d+)\"><h2>" + Pattern.quote(app) + "</h2>").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void an_invitation_looks_the_same_for_an_existing_account_and_for_nobody() {
        Fixtures.Account real = person("Realperson");
        Resp known = invite(Map.of("email", real.email().toUpperCase()));
        Resp unknown = invite(Map.of("email", "nobody-" + System.nanoTime() + "@example.com"));
        Resp knownId = invite(Map.of("account_id", real.id()));
        Resp unknownId = invite(Map.of("account_id", 9_007_199_254_740_000L));
        for (Resp r : List.of(known, unknown, knownId, unknownId)) {
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(r.body()).doesNotContain("Realperson").doesNotContain("Secretname").doesNotContain("admin")
                    .doesNotContain("role");
            assertThat(r.json().get("status").asText()).isEqualTo("pending");
        }
        assertThat(fieldNames(known.json())).isEqualTo(fieldNames(unknown.json())).containsExactlyInAnyOrder("id", "email", "status", "created_at");
        assertThat(fieldNames(knownId.json())).isEqualTo(fieldNames(unknownId.json()))
                .containsExactlyInAnyOrder("id", "account_id", "status", "created_at");
        assertThat(known.json().get("email").asText()).isEqualTo(real.email().toLowerCase());

        JsonNode listing = api.get("/v1.0/apps/" + clientId + "/test-users", devKey).json();
        assertThat(listing.get("test_users")).isEmpty();
        assertThat(listing.get("invitations")).hasSize(4);
        assertThat(listing.toString()).doesNotContain("Realperson").doesNotContain("role");
        assertThat(api.get("/v1.0/apps/" + clientId, devKey).json().get("test_users")).isEmpty();

        Resp again = invite(Map.of("email", real.email()));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asLong()).isEqualTo(known.json().get("id").asLong());
        assertThat(invite(Map.of("email", "not an email")).status()).isEqualTo(400);
    }

    @Test
    void only_an_accepted_invitation_lets_the_account_authorize_the_app() {
        Fixtures.Account tester = person("Tess");
        invite(Map.of("email", tester.email()));
        assertThat(mayAuthorize(tester)).as("pending").isFalse();

        Browser b = loggedIn(tester);
        Browser.Page invitations = b.open("/portal/invitations");
        assertThat(invitations.body()).contains("Beta App");
        long id = invitationOnPage(invitations, "Beta App");
        Browser.Page accepted = b.submit(invitations, "/portal/invitations/" + id + "/accept", Map.of());
        assertThat(accepted.url()).endsWith("/portal/invitations?done=accepted");
        assertThat(accepted.body()).doesNotContain("data-invitation-id=\"" + id + "\"");

        assertThat(mayAuthorize(tester)).as("accepted").isTrue();
        JsonNode listing = api.get("/v1.0/apps/" + clientId + "/test-users", devKey).json();
        assertThat(listing.get("invitations")).isEmpty();
        assertThat(listing.get("test_users")).hasSize(1);
        assertThat(listing.get("test_users").get(0).get("id").asLong()).isEqualTo(tester.id());
        assertThat(listing.get("test_users").get(0).get("email").asText()).isEqualTo(tester.email());
        assertThat(listing.toString()).doesNotContain("role");

        // A second answer to the same invitation changes nothing.
        assertThat(b.request("POST", "/portal/invitations/" + id + "/decline", Map.of()).location())
                .isEqualTo("/portal/invitations?done=gone");
        assertThat(mayAuthorize(tester)).isTrue();
        assertThat(api.delete("/v1.0/apps/" + clientId + "/test-users/" + tester.id(), devKey).json().get("test_users")).isEmpty();
        assertThat(mayAuthorize(tester)).as("removed").isFalse();
    }

    @Test
    void a_declined_invitation_still_looks_pending_to_the_developer_and_lets_nobody_in() {
        Fixtures.Account tester = person("Dec");
        long id = invite(Map.of("account_id", tester.id())).json().get("id").asLong();
        Browser b = loggedIn(tester);
        Browser.Page declined = b.submit(b.open("/portal/invitations"), "/portal/invitations/" + id + "/decline", Map.of());
        assertThat(declined.url()).endsWith("done=declined");
        assertThat(declined.body()).contains("No invitation waits for you");

        JsonNode invitations = api.get("/v1.0/apps/" + clientId + "/test-users", devKey).json().get("invitations");
        assertThat(invitations).hasSize(1);
        assertThat(invitations.get(0).get("status").asText()).isEqualTo("pending");
        Resp again = invite(Map.of("account_id", tester.id()));
        assertThat(again.json().get("status").asText()).isEqualTo("pending");
        assertThat(mayAuthorize(tester)).isFalse();
        assertThat(b.request("POST", "/portal/invitations/" + id + "/accept", Map.of()).location()).isEqualTo("/portal/invitations?done=gone");
        assertThat(mayAuthorize(tester)).isFalse();
    }

    @Test
    void an_invitation_for_someone_else_cannot_be_accepted() {
        Fixtures.Account invited = person("Invited");
        Fixtures.Account intruder = person("Intruder");
        long id = invite(Map.of("email", invited.email())).json().get("id").asLong();
        Browser b = loggedIn(intruder);
        assertThat(b.open("/portal/invitations").body()).doesNotContain("Beta App");
        assertThat(b.request("POST", "/portal/invitations/" + id + "/accept", Map.of()).location()).isEqualTo("/portal/invitations?done=gone");
        assertThat(mayAuthorize(intruder)).isFalse();
        assertThat(api.get("/v1.0/apps/" + clientId + "/test-users", devKey).json().get("test_users")).isEmpty();
    }

    @Test
    void the_developer_withdraws_an_invitation_before_it_is_answered() {
        Fixtures.Account tester = person("Wd");
        long id = invite(Map.of("email", tester.email())).json().get("id").asLong();
        assertThat(api.delete("/v1.0/apps/" + clientId + "/test-users/invitations/" + id, devKey).status()).isEqualTo(204);
        assertThat(api.delete("/v1.0/apps/" + clientId + "/test-users/invitations/" + id, devKey).status()).isEqualTo(404);
        assertThat(api.delete("/v1.0/apps/" + clientId + "/test-users/invitations/abc", devKey).status()).isEqualTo(404);
        assertThat(loggedIn(tester).open("/portal/invitations").body()).doesNotContain("Beta App");
        // Another developer's app is not theirs to withdraw from.
        String[] otherKey = token(Fixtures.apiKey(server.admin, Fixtures.account(server).id()));
        long other = invite(Map.of("email", tester.email())).json().get("id").asLong();
        assertThat(api.delete("/v1.0/apps/" + clientId + "/test-users/invitations/" + other, otherKey).status()).isEqualTo(404);
    }

    @Test
    void an_admin_still_sets_test_users_directly() {
        Fixtures.Account tester = person("Direct");
        Resp r = server.admin.patch("/admin/v1/apps/" + clientId, Map.of("test_users", List.of(tester.id())));
        assertThat(r.status()).isEqualTo(200);
        assertThat(mayAuthorize(tester)).isTrue();
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
