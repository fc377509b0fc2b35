package io.gatehouse.api;

import io.gatehouse.account.AccountView;
import io.gatehouse.account.Accounts;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;

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
                new ApiException(ApiError.BAD_CREDENTIALS, "The account behind this credential no longer exists."));
        ex.json(200, AccountView.of(account));
    }
}
