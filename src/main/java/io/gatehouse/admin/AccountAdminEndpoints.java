package io.gatehouse.admin;

import io.gatehouse.account.Account;
import io.gatehouse.account.AccountStore;
import io.gatehouse.account.AccountView;
import io.gatehouse.account.Accounts;
import io.gatehouse.account.NewAccount;
import io.gatehouse.account.PasswordResets;
import io.gatehouse.account.Role;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.JsonBody;
import io.gatehouse.http.Paging;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** SPEC §9: accounts on the admin port. */
public final class AccountAdminEndpoints {
    private final Accounts accounts;
    private final AccountStore store;
    private final PasswordResets resets;
    private final Supplier<String> issuer;

    public AccountAdminEndpoints(Accounts accounts, AccountStore store, PasswordResets resets, Supplier<String> issuer) {
        this.accounts = accounts;
        this.store = store;
        this.resets = resets;
        this.issuer = issuer;
    }

    public void register(Router router) {
        router.add(new Route("POST", "/admin/v1/accounts", Route.Access.CREDENTIAL, null, this::create));
        router.add(new Route("GET", "/admin/v1/accounts", Route.Access.CREDENTIAL, null, this::list));
        router.add(new Route("GET", "/admin/v1/accounts/{id}", Route.Access.CREDENTIAL, null, this::get));
        router.add(new Route("POST", "/admin/v1/accounts/{id}/password-reset", Route.Access.CREDENTIAL, null, this::passwordReset));
    }

    /** SPEC §9: a single-use reset link (30 minutes) for the admin to hand over; the token is only in this answer. */
    private void passwordReset(Exchange ex) {
        Account a = account(ex);
        if (a.disabled()) {
            throw ApiException.conflict("Account " + a.id() + " is disabled: enable it first.");
        }
        PasswordResets.Link link = resets.issue(a.id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("url", issuer.get() + "/portal/reset?token=" + link.token());
        out.put("expires_at", link.expiresAt());
        ex.json(200, out);
    }

    private Account account(Exchange ex) {
        long id = ex.idParam("id", ApiError.RESOURCE_NOT_EXIST, "Account");
        return accounts.byId(id).orElseThrow(() -> ApiException.notFound("Account " + id + " does not exist"));
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
        ex.json(200, AccountView.of(account(ex)));
    }

    /** {@code ?email=} finds one account by email (any letter case); without it, a page of all. */
    private void list(Exchange ex) {
        String email = ex.query("email");
        List<Account> found;
        long total;
        Paging paging = Paging.of(ex, 100);
        if (email != null) {
            found = accounts.byEmail(email.strip()).map(List::of).orElse(List.of());
            total = found.size();
        } else {
            found = store.list(paging.limit(), paging.offset());
            total = store.count();
        }
        ex.json(200, Map.of("accounts", found.stream().map(AccountView::of).toList(), "total", total));
    }
}
