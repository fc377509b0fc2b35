package io.gatehouse.portal;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.auth.Principal;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Answered;
import io.gatehouse.http.Exchange;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every portal page shares: who is logged in (the pipeline authenticated the session), the
 * templates and the headers every page carries (SPEC §8, §11), CSRF-checked forms and redirects.
 * Pages are jte templates (src/main/jte), compiled to Java at build time, that escape by context.
 */
final class Portal {
    /** The templates live in this package (generated into it), so they can use its package-private views. */
    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Portal.class.getClassLoader(), Portal.class.getPackageName());

    private final Accounts accounts;
    private final boolean secureCookies;

    Portal(Accounts accounts, boolean secureCookies) {
        this.accounts = accounts;
        this.secureCookies = secureCookies;
    }

    /** The account of a SESSION page; if it no longer exists, the browser is sent to log in. */
    Account account(Exchange ex) {
        return maybeAccount(ex).orElseThrow(() -> {
            redirect(ex, LoginEndpoints.loginUrl("/portal"));
            return new Answered();
        });
    }

    /** The logged-in account of a PAGE route, if any. */
    Optional<Account> maybeAccount(Exchange ex) {
        Principal p = ex.principal();
        return p == null || p.kind() != Principal.Kind.SESSION ? Optional.empty() : accounts.byId(p.accountId());
    }

    Account requireAdmin(Exchange ex) {
        Account a = account(ex);
        if (!a.isAdmin()) {
            message(ex, 403, a, "Not allowed", "This page is for admins.");
            throw new Answered();
        }
        return a;
    }

    /** The layout's facts for a page with the portal's navigation ({@code account} set) or without it. */
    Chrome chrome(Exchange ex, String title, Account account) {
        return new Chrome(title, account, Csrf.token(ex, secureCookies));
    }

    /** A submitted form, after its CSRF token was checked (a bad one answers "form expired" and changes nothing). */
    Map<String, String> form(Exchange ex) {
        Map<String, String> f = ex.form();
        checkCsrf(ex, f);
        return f;
    }

    void checkCsrf(Exchange ex, Map<String, String> form) {
        if (!Csrf.valid(ex, form.get(Csrf.FIELD))) {
            message(ex, 403, null, "This form has expired", "Its security token is missing or stale, so nothing was changed. "
                    + "Go back, reload the page and try again.");
            throw new Answered();
        }
    }

    /** A 64-bit id from the path; anything else is the "not found" page (never a 500). */
    long id(Exchange ex, String name, Account a) {
        try {
            long id = Long.parseLong(ex.param(name));
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // not found, below
        }
        throw notFound(ex, a, "There is nothing at this address.");
    }

    Answered notFound(Exchange ex, Account a, String text) {
        message(ex, 404, a, "Not found", text);
        return new Answered();
    }

    /** A page that only says something: an error, "not found", "not allowed". */
    void message(Exchange ex, int status, Account a, String title, String text) {
        render(ex, status, "message.jte", Map.of("chrome", chrome(ex, title, a), "text", text));
    }

    /**
     * Sends a page. {@code formTargets} are extra origins its forms may submit to (the consent page's
     * redirect); each must be a bare origin, never text from a request.
     */
    static void render(Exchange ex, int status, String template, Map<String, Object> params, String... formTargets) {
        String formAction = "'self'" + (formTargets.length == 0 ? "" : " " + String.join(" ", formTargets));
        ex.header("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
                + " script-src 'self'; form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'");
        ex.header("X-Frame-Options", "DENY");
        ex.header("Referrer-Policy", "no-referrer");
        ex.header("Cache-Control", "no-store");
        Utf8ByteOutput out = new Utf8ByteOutput();
        TEMPLATES.render(template, params, out);
        ex.send(status, "text/html; charset=utf-8", out.toByteArray());
    }

    /** The HTTP status a refused form is answered with (SPEC §3's mapping of the domain error). */
    static int status(DomainException e) {
        return ApiException.of(e).error().status;
    }

    /** A template's parameters from name, value pairs; values may be null (Map.of refuses them). */
    static Map<String, Object> model(Object... namesAndValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    /** A short confirmation shown once after a form, chosen by a code in the URL (never a secret); null for none. */
    static String notice(Exchange ex, Map<String, String> messages) {
        String code = ex.query("done");
        return code == null ? null : messages.get(code);
    }

    /** POST-redirect-GET (SPEC §8): a reload of the page that follows never repeats the action. */
    static void redirect(Exchange ex, String location) {
        ex.header("Location", location);
        ex.header("Cache-Control", "no-store");
        ex.send(303, null, new byte[0]);
    }
}
