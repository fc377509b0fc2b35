package io.gatehouse.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse auth login-browser}: authorization code + PKCE (RFC 7636) through a loopback redirect (RFC 8252 §7.3). */
@Command(name = "login-browser", description = "Authorization code + PKCE through your browser and a loopback redirect.")
final class LoginBrowserCommand extends CliCommand {
    @Option(names = "--client-id", description = "The app to log in with (default: $GATEHOUSE_CLIENT_ID).")
    String clientId;

    @Option(names = "--timeout", description = "Seconds to wait for the browser (default: ${DEFAULT-VALUE}).", defaultValue = "300")
    int timeout;

    @Option(names = "--no-browser", description = "Only print the URL; do not try to open a browser.")
    boolean noBrowser;

    @Override
    void run() throws Exception {
        String id = clientId != null ? clientId : g().env("GATEHOUSE_CLIENT_ID");
        if (id == null) {
            throw new CliException(CliException.USAGE, "login-browser needs --client-id or GATEHOUSE_CLIENT_ID");
        }
        String verifier = random(32);
        String state = random(16);
        CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/callback", ex -> {
            String q = ex.getRequestURI().getRawQuery();
            Map<String, String> params = query(q == null ? "" : q);
            boolean ok = state.equals(params.get("state")) && params.containsKey("code");
            byte[] page = (ok ? "<!doctype html><p>Logged in to Gatehouse. You can close this window.</p>"
                    : "<!doctype html><p>Login did not complete. Return to your terminal.</p>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(ok ? 200 : 400, page.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(page);
            }
            if (state.equals(params.get("state"))) {
                callback.complete(params);
            }
        });
        server.start();
        try {
            String redirect = "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
            String url = g().baseUrl() + "/oauth/authorize?response_type=code&client_id=" + enc(id)
                    + "&redirect_uri=" + enc(redirect) + "&state=" + state + "&code_challenge=" + s256(verifier)
                    + "&code_challenge_method=S256";
            err().println("Open this URL in a browser to log in:");
            err().println("  " + url);
            err().flush();
            if (!noBrowser) {
                openBrowser(url);
            }
            Map<String, String> params;
            try {
                params = callback.get(timeout, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new CliException(CliException.FAILURE, "Timed out after " + timeout + " s waiting for the browser login.");
            } catch (ExecutionException e) {
                throw new CliException(CliException.FAILURE, "The browser login failed: " + e.getCause());
            }
            if (params.containsKey("error")) {
                throw new CliException(CliException.AUTH, "The login was refused: " + params.get("error")
                        + (params.containsKey("error_description") ? " (" + params.get("error_description") + ")" : ""));
            }
            Map<String, String> form = TokenRequests.form("grant_type", "authorization_code", "code", params.get("code"),
                    "redirect_uri", redirect, "code_verifier", verifier);
            String secret = g().env("GATEHOUSE_CLIENT_SECRET");
            if (secret == null) {
                form.put("client_id", id);
            }
            ObjectNode t = client().tokenRequests().post(g().baseUrl() + "/oauth/token", form,
                    secret == null ? null : TokenRequests.basic(id, secret));
            // A confidential app's secret is kept with the login (0600) so that its refresh works later without it.
            ObjectNode saved = client().tokens().save(CredentialStore.TOKEN,
                    new TokenCache.Login("browser", id, secret, null, null), t, Map.of());
            AuthCommand.printLoggedIn(this, saved);
        } finally {
            server.stop(0);
        }
    }

    private static void openBrowser(String url) {
        String[] openers = {System.getenv("BROWSER"), "xdg-open", "open"};
        for (String o : openers) {
            if (o == null || o.isBlank()) {
                continue;
            }
            try {
                new ProcessBuilder(o, url).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return;
            } catch (IOException notThere) {
                // try the next one
            }
        }
    }

    private static Map<String, String> query(String q) {
        Map<String, String> m = new HashMap<>();
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String s256(String verifier) throws NoSuchAlgorithmException {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
