package io.gatehouse.admin;

import io.gatehouse.account.Account;
import io.gatehouse.account.AccountStore;
import io.gatehouse.account.AccountView;
import io.gatehouse.account.Accounts;
import io.gatehouse.account.NewAccount;
import io.gatehouse.account.Role;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.JsonBody;
import io.gatehouse.http.Paging;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.List;
import java.util.Map;

/** SPEC §9: accounts on the admin port. */
public final class AccountAdminEndpoints {
    private final Accounts accounts;
    private final AccountStore store;

    public AccountAdminEndpoints(Accounts accounts, AccountStore store) {
        this.accounts = accounts;
        this.store = store;
    }

    public void register(Router router) {
        router.add(new Route("POST", "/admin/v1/accounts", Route.Access.CREDENTIAL, null, this::create));
        router.add(new Route("GET", "/admin/v1/accounts", Route.Access.CREDENTIAL, null, this::list));
        router.add(new Route("GET", "/admin/v1/accounts/{id}", Route.Access.CREDENTIAL, null, this::get));
    }

    private void create(Exchange ex) {
        JsonBody body = ex.jsonObject();
        String roleText = body.optionalString("role", 16);
        Role role = roleText == null ? Role.USER : Role.parse(roleText)
                .orElseThrow(() -> ApiException.invalid("role must be user or admin"));
        Account a = accounts.create(new NewAccount(
                body.requiredString("email", 254),
                body.requiredString("password", Accounts.MAX_PASSWORD),
                body.optionalString("firstName", 100),
                body.optionalString("lastName", 100),
                role));
        ex.header("Location", "/admin/v1/accounts/" + a.id());
        ex.json(201, AccountView.of(a));
    }

    private void get(Exchange ex) {
        long id = ex.idParam("id", ApiError.RESOURCE_NOT_EXIST, "Account");
        Account a = accounts.byId(id).orElseThrow(() -> ApiException.notFound("Account " + id + " does not exist"));
        ex.json(200, AccountView.of(a));
    }

    /** {@code ?email=} finds one account by email (any letter case); without it, a page of all. */
    private void list(Exchange ex) {
        String email = ex.query("email");
        List<Account> found;
        Paging paging = Paging.of(ex, 100);
        if (email != null) {
            found = accounts.byEmail(email.strip()).map(List::of).orElse(List.of());
        } else {
            found = store.list(paging.limit(), paging.offset());
        }
        ex.json(200, Map.of("accounts", found.stream().map(AccountView::of).toList()));
    }
}
