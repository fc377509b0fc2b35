package io.gatehouse.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.account.Account;
import io.gatehouse.account.AccountView;
import io.gatehouse.account.Accounts;
import io.gatehouse.core.Json;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Duration;

/** {@code GET /v1.0/me}: the account behind the credential (permission {@code user.read}). */
public final class MeEndpoints {
    private final Accounts accounts;

    public MeEndpoints(Accounts accounts) {
        this.accounts = accounts;
    }

    public void register(Router router) {
        router.add(new Route("GET", "/v1.0/me", Route.Access.CREDENTIAL, "user.read", this::me));
    }

    private void me(Exchange ex) {
        long id = ex.principal().accountId();
        var account = accounts.byId(id).orElseThrow(() ->
                ApiException.unauthorized("The account behind this credential no longer exists.", true));
        // Serialized once per cached account: this is the most-called endpoint of most integrations.
        Rendered r = rendered.getIfPresent(id);
        if (r == null || r.account != account) {
            r = new Rendered(account, Json.bytes(AccountView.of(account)));
            rendered.put(id, r);
        }
        ex.json(200, r.bytes);
    }

    private record Rendered(Account account, byte[] bytes) {
    }

    /** The last rendering of each account recently asked for: at most 10,000, dropped after ten minutes unused. */
    private final Cache<Long, Rendered> rendered = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).executor(Runnable::run).build();
}
