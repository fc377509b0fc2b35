package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.auth.Throttle;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.oauth.DeviceCodes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /portal/device} (RFC 8628 §3.3, SPEC §8): a logged-in person types the code a device shows,
 * sees the same consent page as the code flow, and approves or denies. Wrong codes meet the failure
 * throttle like wrong passwords (per account and address, and per address; SPEC §11: a right code is
 * never refused by it).
 */
final class DevicePages {
    private final Portal portal;
    private final ConsentPages consent;
    private final DeviceCodes codes;
    private final Apps apps;
    private final Sessions sessions;
    private final Throttle throttle;

    DevicePages(Portal portal, ConsentPages consent, DeviceCodes codes, Apps apps, Sessions sessions, Throttle throttle) {
        this.portal = portal;
        this.consent = consent;
        this.codes = codes;
        this.apps = apps;
        this.sessions = sessions;
        this.throttle = throttle;
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/device", Route.Access.SESSION, null, this::show));
        r.add(new Route("POST", "/portal/device", Route.Access.SESSION, null, this::lookUp));
        r.add(new Route("POST", "/portal/device/decide", Route.Access.SESSION, null, this::decide));
    }

    private void show(Exchange ex) {
        Account a = portal.account(ex);
        String typed = ex.query("user_code");
        String code = DeviceCodes.normalize(typed);
        form(ex, a, 200, code == null ? "" : DeviceCodes.display(code), null);
    }

    private void form(Exchange ex, Account a, int status, String userCode, String error) {
        Portal.render(ex, status, "device.jte", Portal.model("chrome", portal.chrome(ex, "Connect a device", a),
                "userCode", userCode, "error", error));
    }

    private void lookUp(Exchange ex) {
        Account a = portal.account(ex);
        Map<String, String> f = portal.form(ex);
        Optional<DeviceCodes.DeviceCode> code = find(ex, a, f.get("user_code"));
        if (code.isEmpty()) {
            return;
        }
        DeviceCodes.DeviceCode c = code.get();
        App app = apps.get(c.clientId()).orElse(null);
        if (app == null || !app.mayBeAuthorizedBy(a.id())) {
            codes.decide(c.userCode(), a.id(), null, false);
            portal.message(ex, 403, a, "Not approved yet", "This app is in development mode and not yet approved: only its "
                    + "developer and its test users may authorize it. The device was told no.");
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("user_code", DeviceCodes.display(c.userCode()));
        consent.consent(ex, new ConsentPages.Consent(app, a.id(), c.scope(), fields, null, null, "/portal/device/decide"));
    }

    private void decide(Exchange ex) {
        Account a = portal.account(ex);
        Map<String, String> f = portal.form(ex);
        Optional<DeviceCodes.DeviceCode> code = find(ex, a, f.get("user_code"));
        if (code.isEmpty()) {
            return;
        }
        DeviceCodes.DeviceCode c = code.get();
        App app = apps.get(c.clientId()).orElse(null);
        boolean approve = "approve".equals(f.get("decision")) && app != null && app.mayBeAuthorizedBy(a.id());
        Instant authTime = sessions.startedAt(ex.cookie(Sessions.COOKIE)).orElse(null);
        if (!codes.decide(c.userCode(), a.id(), authTime, approve)) {
            portal.message(ex, 400, a, "Code expired", "This code has expired or was already used. Start again on your device.");
            return;
        }
        portal.message(ex, 200, a, approve ? "Device connected" : "Request denied", approve
                ? "You can return to your device: it will finish logging in by itself."
                : "The device was told no. Nothing was shared with it.");
    }

    /** The pending code a person typed; otherwise answers (the form with an error, or 429) after counting the failure. */
    private Optional<DeviceCodes.DeviceCode> find(Exchange ex, Account a, String typed) {
        String code = DeviceCodes.normalize(typed);
        Optional<DeviceCodes.DeviceCode> c = code == null ? Optional.empty() : codes.pending(code);
        if (c.isPresent()) {
            return c;
        }
        long wait = throttle.fail("account:" + a.id(), ex.remoteAddress());
        if (wait > 0) {
            ex.header("Retry-After", Long.toString(wait));
            form(ex, a, 429, "", "Too many wrong codes. Try again in " + wait + " seconds.");
            return Optional.empty();
        }
        form(ex, a, 400, typed == null || typed.length() > 32 ? "" : typed,
                "That code is not right, has expired or was already used. Check it on your device.");
        return Optional.empty();
    }
}
