package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse auth login-device}: the device authorization grant (RFC 8628) for machines without a
 * browser. Prints a URL and a code, polls at the interval the server asks for, and stores the tokens.
 */
@Command(name = "login-device", description = {"Log in from a machine without a browser (SSH, CI, containers): prints a URL "
        + "and a code to enter in the portal from any browser, then waits for your approval.",
    "Uses --client-id or GATEHOUSE_CLIENT_ID (and GATEHOUSE_CLIENT_SECRET for a confidential app)."})
final class LoginDeviceCommand extends CliCommand {
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

    @Option(names = "--client-id", description = "The app to log in with (default: $GATEHOUSE_CLIENT_ID).")
    String clientId;

    @Option(names = "--scope", description = "The permissions to ask for, space-separated (default: all of the app's).")
    String scope;

    @Override
    void run() throws Exception {
        String id = clientId != null ? clientId : g().env("GATEHOUSE_CLIENT_ID");
        if (id == null) {
            throw new CliException(CliException.USAGE, "login-device needs --client-id or GATEHOUSE_CLIENT_ID");
        }
        String secret = g().env("GATEHOUSE_CLIENT_SECRET");
        String basic = secret == null ? null : TokenRequests.basic(id, secret);
        Map<String, String> start = TokenRequests.form();
        if (secret == null) {
            start.put("client_id", id);
        }
        if (scope != null) {
            start.put("scope", scope);
        }
        Http.Response r = client().tokenRequests().send(g().baseUrl() + "/oauth/device_authorization", start, basic);
        if (r.status() != 200 || r.json() == null || !r.json().hasNonNull("device_code")) {
            throw new CliException(CliException.AUTH, "The device login could not start (" + why(r) + ")");
        }
        JsonNode d = r.json();
        err().println("To log in, open " + d.path("verification_uri").asText() + " in any browser and enter the code:");
        err().println();
        err().println("    " + d.path("user_code").asText());
        err().println();
        err().println("(or open " + d.path("verification_uri_complete").asText() + ")");
        err().println("Waiting for approval…");
        err().flush();
        long interval = Math.max(1, d.path("interval").asLong(5));
        java.time.Instant deadline = terminal().clock().instant().plusSeconds(d.path("expires_in").asLong(600));
        Map<String, String> poll = TokenRequests.form("grant_type", GRANT_TYPE, "device_code", d.path("device_code").asText());
        if (secret == null) {
            poll.put("client_id", id);
        }
        while (true) {
            terminal().sleeper().sleep(java.time.Duration.ofSeconds(interval)); // RFC 8628 §3.5: wait the interval between polls
            Http.Response t = client().tokenRequests().send(g().baseUrl() + "/oauth/token", poll, basic);
            if (t.status() == 200 && t.json() != null && t.json().hasNonNull("access_token")) {
                ObjectNode saved = client().tokens().save(CredentialStore.TOKEN,
                        new TokenCache.Login("device", id, secret, null, null), (ObjectNode) t.json(), Map.of());
                AuthCommand.printLoggedIn(this, saved);
                return;
            }
            String error = t.json() == null ? "" : t.json().path("error").asText();
            switch (error) {
                case "authorization_pending" -> {
                    // keep waiting
                }
                case "slow_down" -> interval += 5;
                case "access_denied" -> throw new CliException(CliException.AUTH, "The login was denied in the browser.");
                case "expired_token" -> throw new CliException(CliException.AUTH, "The code expired before it was approved; "
                        + "run 'gatehouse auth login-device' again.");
                default -> throw new CliException(CliException.AUTH, "The device login failed (" + why(t) + ")");
            }
            if (terminal().clock().instant().isAfter(deadline)) {
                throw new CliException(CliException.AUTH, "The code expired before it was approved; run 'gatehouse auth login-device' again.");
            }
        }
    }

    private static String why(Http.Response r) {
        return r.json() != null && r.json().has("error")
                ? r.json().path("error").asText() + ": " + r.json().path("error_description").asText()
                : "HTTP " + r.status();
    }
}
