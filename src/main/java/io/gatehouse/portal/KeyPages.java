package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.apikey.ApiKey;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/** Settings → API keys: create (shown once), list with status and last use, revoke. */
public final class KeyPages {
    private final Portal portal;
    private final ApiKeys keys;
    private final Clock clock;

    public KeyPages(Portal portal, ApiKeys keys, Clock clock) {
        this.portal = portal;
        this.keys = keys;
        this.clock = clock;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/portal/keys", Route.Access.OPEN, null, Portal.handler(ex -> page(ex, portal.require(ex), null, null,
                Portal.notice(ex, Map.of("revoked", "The key was revoked: it no longer works."))))));
        r.add(new Route("POST", "/portal/keys", Route.Access.OPEN, null, Portal.handler(this::create)));
        r.add(new Route("POST", "/portal/keys/{id}/revoke", Route.Access.OPEN, null, Portal.handler(ex -> {
            Account a = portal.require(ex);
            portal.form(ex);
            long id;
            try {
                id = Long.parseLong(ex.param("id"));
            } catch (NumberFormatException e) {
                id = -1;
            }
            long keyId = id;
            keys.byId(keyId).filter(k -> k.accountId() == a.id()).ifPresent(keys::revoke);
            Portal.redirect(ex, "/portal/keys?done=revoked");
        })));
    }

    private void create(Exchange ex) {
        Account a = portal.require(ex);
        Map<String, String> f = portal.form(ex);
        if (!"on".equals(f.get("acknowledge"))) {
            page(ex, a, null, "Tick the box to confirm that you understand the key acts as your account.", null);
            return;
        }
        try {
            String name = f.getOrDefault("name", "").strip();
            if (name.isEmpty() || name.length() > 100) {
                throw ApiException.invalid("Give the key a name (at most 100 characters).");
            }
            String description = f.getOrDefault("description", "").strip();
            Instant expires = null;
            String date = f.getOrDefault("expires", "").strip();
            if (!date.isEmpty()) {
                try {
                    expires = LocalDate.parse(date).atTime(0, 1).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw ApiException.invalid("The expiry must be a date.");
                }
            }
            ApiKeys.Created created = keys.create(a.id(), name, description.isEmpty() ? null : description.substring(0, Math.min(500, description.length())), expires);
            page(ex, a, created.key(), null, null);
        } catch (ApiException | DomainException e) {
            page(ex, a, null, e.getMessage(), null);
        }
    }

    private void page(Exchange ex, Account a, String newKey, String error, String notice) {
        Instant now = clock.instant();
        StringBuilder b = new StringBuilder(notice == null ? "" : notice).append("<h1>API keys</h1>")
                .append("<p>An API key acts as your account for scripts and tools: send it as <code>Authorization: token &lt;key&gt;</code>.</p>");
        if (newKey != null) {
            b.append("<section class=\"secret\" aria-labelledby=\"key-title\"><h2 id=\"key-title\">Your new key</h2>")
                    .append("<p>Copy it now: it is shown only this once.</p><div class=\"copy-row\">")
                    .append("<input id=\"new-key\" type=\"text\" readonly aria-label=\"New API key\" value=\"").append(Html.esc(newKey))
                    .append("\"><button type=\"button\" class=\"copy\" data-copy=\"new-key\">Copy</button></div></section>");
        }
        if (error != null) {
            b.append("<p class=\"error\" role=\"alert\">").append(Html.esc(error)).append("</p>");
        }
        b.append("<div class=\"table-wrap\"><table id=\"keys\"><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Status</th>")
                .append("<th scope=\"col\">Created</th><th scope=\"col\">Expires</th><th scope=\"col\">Last used</th><th scope=\"col\"><span class=\"sr-only\">Actions</span></th></tr></thead><tbody>");
        for (ApiKey k : keys.list(a.id())) {
            String status = k.status(now).name().toLowerCase(Locale.ROOT);
            b.append("<tr data-key-id=\"").append(k.id()).append("\"><td>").append(Html.esc(k.name()))
                    .append(k.description() == null ? "" : "<div class=\"hint\">" + Html.esc(k.description()) + "</div>")
                    .append("</td><td><span class=\"status status-").append(status).append("\">").append(status).append("</span></td><td>")
                    .append(day(k.createdAt())).append("</td><td>").append(k.expiresAt() == null ? "never" : day(k.expiresAt()))
                    .append("</td><td>").append(k.lastUsedAt() == null ? "never" : day(k.lastUsedAt())).append("</td><td>");
            if ("active".equals(status)) {
                b.append("<form method=\"post\" class=\"inline\" action=\"/portal/keys/").append(k.id()).append("/revoke\">")
                        .append(portal.csrfField(ex)).append("<button type=\"submit\" class=\"danger\" aria-label=\"Revoke ")
                        .append(Html.esc(k.name())).append("\">Revoke</button></form>");
            }
            b.append("</td></tr>");
        }
        b.append("</tbody></table></div>");
        b.append("<h2>Create a key</h2><form method=\"post\" action=\"/portal/keys\">").append(portal.csrfField(ex))
                .append("<label for=\"key-name\">Name</label><input id=\"key-name\" name=\"name\" type=\"text\" required maxlength=\"100\">")
                .append("<label for=\"key-description\">Description <span class=\"hint\">(optional)</span></label>")
                .append("<input id=\"key-description\" name=\"description\" type=\"text\" maxlength=\"500\">")
                .append("<label for=\"key-expires\">Expires on <span class=\"hint\">(optional; the key stops at 00:01 UTC that day)</span></label>")
                .append("<input id=\"key-expires\" name=\"expires\" type=\"date\">")
                .append("<div class=\"check\"><input type=\"checkbox\" id=\"key-ack\" name=\"acknowledge\" value=\"on\" required>")
                .append("<label for=\"key-ack\">I understand that this key acts as my account and can do anything I can do.</label></div>")
                .append("<button type=\"submit\" class=\"primary\">Create key</button></form>");
        portal.page(ex, error == null ? 200 : 400, "API keys", a, b.toString());
    }

    static String day(Instant t) {
        return t.toString().substring(0, 10);
    }
}
