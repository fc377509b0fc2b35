package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.apikey.ApiKey;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Settings → API keys: create (shown once), list with status and last use, revoke. */
final class KeyPages {
    private static final String NEW_KEY = "api-key";
    private static final Map<String, String> NOTICES = Map.of("created", "Key created.",
            "revoked", "The key was revoked: it no longer works.");

    private final Portal portal;
    private final ApiKeys keys;
    private final Clock clock;
    private final Flash flash;

    KeyPages(Portal portal, ApiKeys keys, Clock clock, Flash flash) {
        this.portal = portal;
        this.keys = keys;
        this.clock = clock;
        this.flash = flash;
    }

    /** The keys page; {@code newKey} is there once, right after it was made. */
    record View(String newKey, String notice, String error, List<Row> keys) {
    }

    record Row(long id, String name, String description, String status, String created, String expires, String lastUsed) {
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/keys", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            String key = flash.take(ex.cookie(Sessions.COOKIE), NEW_KEY).orElse(null);
            page(ex, a, 200, key, Portal.notice(ex, NOTICES), null);
        }));
        r.add(new Route("POST", "/portal/keys", Route.Access.SESSION, null, this::create));
        r.add(new Route("POST", "/portal/keys/{id}/revoke", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            portal.form(ex);
            long keyId = portal.id(ex, "id", a);
            keys.byId(keyId).filter(k -> k.accountId() == a.id()).ifPresent(keys::revoke);
            Portal.redirect(ex, "/portal/keys?done=revoked");
        }));
    }

    private void create(Exchange ex) {
        Account a = portal.account(ex);
        Map<String, String> f = portal.form(ex);
        if (!"on".equals(f.get("acknowledge"))) {
            page(ex, a, 400, null, null, "Tick the box to confirm that you understand the key acts as your account.");
            return;
        }
        ApiKeys.Created created;
        try {
            String name = f.getOrDefault("name", "").strip();
            if (name.isEmpty() || name.length() > 100) {
                throw DomainException.invalid("Give the key a name (at most 100 characters).");
            }
            String description = f.getOrDefault("description", "").strip();
            Instant expires = null;
            String date = f.getOrDefault("expires", "").strip();
            if (!date.isEmpty()) {
                try {
                    expires = LocalDate.parse(date).atTime(0, 1).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw DomainException.invalid("The expiry must be a date.");
                }
            }
            created = keys.create(a.id(), name, description.isEmpty() ? null : description.substring(0, Math.min(500, description.length())), expires);
        } catch (DomainException e) {
            page(ex, a, Portal.status(e), null, null, e.getMessage());
            return;
        }
        flash.put(ex.cookie(Sessions.COOKIE), NEW_KEY, created.key());
        Portal.redirect(ex, "/portal/keys?done=created");
    }

    private void page(Exchange ex, Account a, int status, String newKey, String notice, String error) {
        Instant now = clock.instant();
        List<Row> rows = keys.list(a.id()).stream().map(k -> row(k, now)).toList();
        Portal.render(ex, status, "keys.jte", Map.of("chrome", portal.chrome(ex, "API keys", a),
                "view", new View(newKey, notice, error, rows)));
    }

    private static Row row(ApiKey k, Instant now) {
        return new Row(k.id(), k.name(), k.description(), k.status(now).name().toLowerCase(Locale.ROOT), day(k.createdAt()),
                k.expiresAt() == null ? "never" : day(k.expiresAt()), k.lastUsedAt() == null ? "never" : day(k.lastUsedAt()));
    }

    static String day(Instant t) {
        return t.toString().substring(0, 10);
    }
}
