package io.gatehouse.portal;

import io.gatehouse.account.PasswordResets;
import io.gatehouse.auth.Throttle;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * SPEC §8 v2, password reset: "forgot password" mails a single-use link (when SMTP is configured), and
 * the link's page sets a new password. The forgot page answers the same whether or not the email
 * belongs to an account, and as fast (the mail leaves in the background).
 */
final class ResetPages {
    private static final String SENT = "If an account uses that email, a link to choose a new password is on its way to it. "
            + "It works once, for 30 minutes.";

    private final Portal portal;
    private final PasswordResets resets;
    private final Supplier<String> issuer;
    private final Throttle throttle;

    /** {@code throttle} counts every request, per (email, address) and per address, whether a mail goes out or not. */
    ResetPages(Portal portal, PasswordResets resets, Supplier<String> issuer, Throttle throttle) {
        this.portal = portal;
        this.resets = resets;
        this.issuer = issuer;
        this.throttle = throttle;
    }

    /** The address of a reset page for a link's token. */
    static String linkPath(String token) {
        return "/portal/reset?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/forgot", Route.Access.OPEN, null,
                ex -> forgotPage(ex, 200, "sent".equals(ex.query("done")) ? SENT : null, null)));
        r.add(new Route("POST", "/portal/forgot", Route.Access.OPEN, null, this::forgot));
        r.add(new Route("GET", "/portal/reset", Route.Access.OPEN, null, ex -> {
            String token = ex.query("token");
            if (resets.accountOf(token).isEmpty()) {
                portal.message(ex, 400, null, "This link does not work", "This password-reset link was used already, has expired, "
                        + "or is not complete. Ask for a new one on the \"Forgot your password?\" page.");
                return;
            }
            resetPage(ex, 200, token, null);
        }));
        r.add(new Route("POST", "/portal/reset", Route.Access.OPEN, null, this::reset));
    }

    private void forgot(Exchange ex) {
        Map<String, String> f = portal.form(ex);
        if (!resets.byMail()) {
            forgotPage(ex, 400, null, null);
            return;
        }
        String email = f.getOrDefault("email", "").strip();
        // Counted per address and per email whether or not it exists, so the throttle tells nothing either.
        long wait = throttle.fail(email.toLowerCase(Locale.ROOT), ex.remoteAddress());
        if (wait > 0) {
            ex.header("Retry-After", Long.toString(wait));
            forgotPage(ex, 429, null, "Too many requests. Try again in " + wait + " seconds.");
            return;
        }
        resets.mailLink(email, token -> issuer.get() + linkPath(token));
        Portal.redirect(ex, "/portal/forgot?done=sent");
    }

    private void reset(Exchange ex) {
        Map<String, String> f = portal.form(ex);
        String token = f.get("token");
        try {
            if (!Objects.equals(f.get("password"), f.get("confirm"))) {
                throw DomainException.invalid("The two passwords are not the same.");
            }
            resets.reset(token, f.get("password"));
        } catch (DomainException e) {
            if (resets.accountOf(token).isEmpty()) {
                portal.message(ex, Portal.status(e), null, "This link does not work", e.getMessage());
            } else {
                resetPage(ex, Portal.status(e), token, e.getMessage());
            }
            return;
        }
        // The browser's own session (if any) ended with the others.
        Portal.redirect(ex, "/portal/login?done=reset");
    }

    private void forgotPage(Exchange ex, int status, String notice, String error) {
        Portal.render(ex, status, "forgot.jte", Portal.model("chrome", portal.chrome(ex, "Forgot password", null),
                "byMail", resets.byMail(), "notice", notice, "error", error));
    }

    private void resetPage(Exchange ex, int status, String token, String error) {
        Portal.render(ex, status, "reset.jte", Portal.model("chrome", portal.chrome(ex, "New password", null),
                "token", token, "error", error));
    }
}
