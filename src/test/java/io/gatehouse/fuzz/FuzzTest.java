package io.gatehouse.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.proxy.RoutesFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * SPEC §11 v2 "No 500 from input", as properties over generated hostile input sent to a real server
 * (see {@link FuzzTarget} for the property every answer must keep). The number of inputs per property is
 * {@code jqwik.tries.default} (pom: {@code gatehouse.fuzz.tries}); {@code bench/fuzz.sh N} runs any number.
 * Failing inputs are kept in target/jqwik-database and tried first next time; add them to
 * src/test/resources/fuzz/corpus.txt so they are tried on every run.
 */
class FuzzTest {
    private static final String NONE = "(no header)";
    private static final AtomicLong ROUTES_FILES = new AtomicLong();
    private final FuzzTarget t = FuzzTarget.shared();

    @AfterContainer
    static void printSize() {
        System.out.printf("FuzzTest: %,d requests checked over HTTP, %,d routes files read%n",
                FuzzTarget.CHECKED.get(), ROUTES_FILES.get());
    }

    @Property
    void any_authorization_header(@ForAll("authorizations") String value, @ForAll("authTargets") String target) {
        byte[] req = switch (target) {
            case "introspect", "revoke" -> FuzzTarget.request("POST", "/oauth/" + target,
                    Inputs.headers("Authorization", t.basic, "Content-Type", "application/x-www-form-urlencoded"),
                    ("token=" + Inputs.formEncode(value.replaceFirst("^\\S+ ", ""))).getBytes(StandardCharsets.UTF_8));
            case "token" -> FuzzTarget.request("POST", "/oauth/token",
                    Inputs.headers("Authorization", value, "Content-Type", "application/x-www-form-urlencoded"),
                    "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8));
            default -> FuzzTarget.request("GET", target, Inputs.headers("Authorization", value), null);
        };
        t.check(req);
    }

    @Provide
    Arbitrary<String> authorizations() {
        return Inputs.authorization(t);
    }

    @Provide
    Arbitrary<String> authTargets() {
        return Arbitraries.of("/v1.0/me", "/v1.0/leads", "/v1.0/apps", FuzzTarget.ROUTE + "x", "introspect", "revoke", "token");
    }

    @Property
    void any_oauth_form(@ForAll("forms") String form, @ForAll("formTargets") String target, @ForAll("clientAuth") String auth) {
        byte[] req = target.equals("/oauth/authorize")
                ? FuzzTarget.request("GET", "/oauth/authorize?" + form.replace(' ', '+').replace('\r', '_').replace('\n', '_'),
                        List.of(), null)
                : FuzzTarget.request("POST", target, Inputs.headers("Authorization", NONE.equals(auth) ? null : auth,
                        "Content-Type", "application/x-www-form-urlencoded"), form.getBytes(StandardCharsets.UTF_8));
        t.check(req);
    }

    @Provide
    Arbitrary<String> forms() {
        return Inputs.form();
    }

    @Provide
    Arbitrary<String> formTargets() {
        return Arbitraries.of("/oauth/token", "/oauth/token", "/oauth/token", "/oauth/introspect", "/oauth/revoke",
                "/oauth/authorize", "/portal/login", "/portal/signup");
    }

    @Provide
    Arbitrary<String> clientAuth() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(t.basic)),
                Tuple.of(1, Arbitraries.just(NONE)),
                Tuple.of(1, Inputs.authorization(t)));
    }

    @Property
    void any_json_body(@ForAll("jsonBodies") byte[] body, @ForAll("jsonTargets") String target,
                       @ForAll("contentTypes") String contentType) {
        String[] parts = target.split(" ", 2);
        boolean admin = parts[1].startsWith("/admin/");
        byte[] req = FuzzTarget.request(parts[0], parts[1],
                Inputs.headers("Authorization", admin ? null : "Bearer " + t.apiKey, "Content-Type", contentType), body);
        t.check(admin ? t.adminPort() : t.port(), req);
    }

    @Provide
    Arbitrary<byte[]> jsonBodies() {
        return Inputs.json();
    }

    @Provide
    Arbitrary<String> jsonTargets() {
        return Arbitraries.of("POST /v1.0/leads", "PUT /v1.0/leads/1", "POST /v1.0/apps", "PATCH /v1.0/apps/1",
                "POST /v1.0/me/api-keys", "POST /admin/v1/accounts", "PATCH /admin/v1/apps/1", "POST /admin/v1/apps",
                "POST " + FuzzTarget.ROUTE + "json");
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "application/json", "application/json", "application/json; charset=latin1",
                "text/plain", "application/json; charset=utf-16", "application/x-www-form-urlencoded", "");
    }

    @Property
    void any_path(@ForAll("paths") String path, @ForAll("methods") String method, @ForAll("withBody") boolean body) {
        byte[] req = FuzzTarget.request(method, path, Inputs.headers("Authorization", "Bearer " + t.apiKey),
                body ? "{\"a\":1}".getBytes(StandardCharsets.UTF_8) : null);
        t.check(req);
    }

    @Provide
    Arbitrary<String> paths() {
        return Inputs.path();
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "BREW", "get");
    }

    @Provide
    Arbitrary<Boolean> withBody() {
        return Arbitraries.of(false, false, true);
    }

    @Property
    void any_redirect_uri(@ForAll("redirectUris") String uri, @ForAll("redirectTargets") String target) {
        byte[] req = target.equals("authorize")
                ? FuzzTarget.request("GET", "/oauth/authorize?response_type=code&client_id=" + t.publicClientId + "&redirect_uri="
                        + Inputs.formEncode(uri) + "&state=s&code_challenge=" + "a".repeat(43) + "&code_challenge_method=S256",
                        List.of(), null)
                : FuzzTarget.request("POST", "/v1.0/apps", Inputs.headers("Authorization", "Bearer " + t.apiKey,
                        "Content-Type", "application/json"), ("{\"name\":\"fz\",\"description\":\"d\",\"type\":\"public\","
                        + "\"permissions\":[\"user.read\"],\"redirect_uris\":[" + Inputs.quote(uri) + "]}").getBytes(StandardCharsets.UTF_8));
        t.check(req);
    }

    @Provide
    Arbitrary<String> redirectUris() {
        return Inputs.redirectUri();
    }

    @Provide
    Arbitrary<String> redirectTargets() {
        return Arbitraries.of("authorize", "authorize", "authorize", "app");
    }

    /** A routes file is read or refused with a message naming the problem; never another exception. */
    @Property
    void any_routes_file(@ForAll("routesFiles") String text) throws IOException {
        Path file = Files.createTempFile("fuzz-routes", ".yaml");
        ROUTES_FILES.incrementAndGet();
        try {
            Files.write(file, text.getBytes(StandardCharsets.UTF_8));
            try {
                RoutesFile.read(file);
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).as("the refusal names the file").contains(file.toString());
            }
        } finally {
            Files.delete(file);
        }
    }

    @Provide
    Arbitrary<String> routesFiles() {
        return Inputs.routesFile();
    }
}
