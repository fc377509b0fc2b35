package io.gatehouse.apikey;

import io.gatehouse.account.Accounts;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.JsonBody;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * SPEC §4 and §9: an account's own keys on the public port (its session or one of its keys, never an
 * app's token), and every account's keys on the admin port.
 */
public final class ApiKeyEndpoints {
    private final ApiKeys keys;
    private final Accounts accounts;
    private final Clock clock;

    public ApiKeyEndpoints(ApiKeys keys, Accounts accounts, Clock clock) {
        this.keys = keys;
        this.accounts = accounts;
        this.clock = clock;
    }

    public void registerPublic(Router router) {
        router.add(new Route("GET", "/v1.0/me/api-keys", Route.Access.ACCOUNT, null,
                ex -> list(ex, ex.principal().accountId())));
        router.add(new Route("POST", "/v1.0/me/api-keys", Route.Access.ACCOUNT, null,
                ex -> create(ex, ex.principal().accountId())));
        router.add(new Route("DELETE", "/v1.0/me/api-keys/{id}", Route.Access.ACCOUNT, null,
                ex -> revoke(ex, ex.principal().accountId())));
    }

    public void registerAdmin(Router router) {
        router.add(new Route("GET", "/admin/v1/accounts/{id}/api-keys", Route.Access.CREDENTIAL, null,
                ex -> list(ex, existingAccount(ex))));
        router.add(new Route("POST", "/admin/v1/accounts/{id}/api-keys", Route.Access.CREDENTIAL, null,
                ex -> {
                    long id = existingAccount(ex);
                    if (accounts.fresh(id).map(a -> a.disabled()).orElse(false)) {
                        throw ApiException.conflict("Account " + id + " is disabled: it can have no new keys.");
                    }
                    create(ex, id);
                }));
        router.add(new Route("DELETE", "/admin/v1/api-keys/{id}", Route.Access.CREDENTIAL, null,
                ex -> revoke(ex, null)));
    }

    private long existingAccount(Exchange ex) {
        long id = ex.idParam("id", ApiError.RESOURCE_NOT_EXIST, "Account");
        if (accounts.byId(id).isEmpty()) {
            throw ApiException.notFound("Account " + id + " does not exist");
        }
        return id;
    }

    private void list(Exchange ex, long accountId) {
        Instant now = clock.instant();
        ex.json(200, Map.of("api_keys", keys.list(accountId).stream().map(k -> ApiKeyView.of(k, now)).toList()));
    }

    private void create(Exchange ex, long accountId) {
        JsonBody body = ex.jsonObject();
        String name = body.requiredString("name", 100).strip();
        String description = body.optionalString("description", 500);
        Instant expiresAt = parseExpiry(body.optionalString("expires_at", 40));
        ApiKeys.Created created = keys.create(accountId, name, description, expiresAt);
        ex.json(201, ApiKeyView.created(created, clock.instant()));
    }

    /** Revokes a key; {@code owner} limits it to one account's keys (another's is 404, as if absent). */
    private void revoke(Exchange ex, Long owner) {
        long id = ex.idParam("id", ApiError.RESOURCE_NOT_EXIST, "API key");
        ApiKey key = keys.byId(id)
                .filter(k -> owner == null || k.accountId() == owner)
                .orElseThrow(() -> ApiException.notFound("API key " + id + " does not exist"));
        ex.json(200, ApiKeyView.of(keys.revoke(key), clock.instant()));
    }

    /** SPEC §4: an RFC 3339 timestamp is exact; a bare date means 00:01 UTC of that day. */
    static Instant parseExpiry(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atTime(0, 1).toInstant(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("expires_at must be an RFC 3339 timestamp or a date (YYYY-MM-DD)");
        }
    }
}
