package io.gatehouse.portal;

import io.gatehouse.account.AccountModule;
import io.gatehouse.api.OpenApi;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.audit.Audit;
import io.gatehouse.app.AppModule;
import io.gatehouse.auth.Throttle;
import io.gatehouse.auth.Throttles;
import io.gatehouse.config.Settings;
import io.gatehouse.http.Router;
import io.gatehouse.lifecycle.Lifecycle;
import io.gatehouse.oauth.OAuthModule;
import io.gatehouse.ratelimit.UsageRecorder;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.time.Duration;

/**
 * The developer portal (SPEC §8) and the browser side of OAuth: sessions, login, sign-up, the pages,
 * and the authorize endpoint's login and consent steps.
 */
public final class PortalModule {
    public final Sessions sessions;
    private final LoginEndpoints login;
    private final Portal portal;
    private final Flash flash;
    private final Clock clock;
    private final AccountModule accounts;
    private final AppModule apps;
    private final ApiKeys apiKeys;
    private final OAuthModule oauth;
    private final UsageRecorder usage;
    private final Throttle signups;
    private final Throttle forgot;
    private final Lifecycle lifecycle;
    private final Throttle devices;
    private final Throttle passwordChecks;
    private final boolean secureCookies;

    public PortalModule(Settings settings, Jdbc jdbc, Clock clock, AccountModule accounts, AppModule apps, ApiKeys apiKeys,
                        OAuthModule oauth, UsageRecorder usage, Throttles throttles, Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.accounts = accounts;
        this.apps = apps;
        this.apiKeys = apiKeys;
        this.oauth = oauth;
        this.usage = usage;
        this.secureCookies = settings.secureCookies();
        this.sessions = new Sessions(new JdbcSessionStore(jdbc), clock);
        this.portal = new Portal(accounts.accounts, secureCookies);
        this.flash = new Flash(jdbc, clock);
        this.login = new LoginEndpoints(portal, accounts.accounts, sessions, throttles.create(new Throttle.Policy("login", 10, 50, Duration.ofMinutes(5))), secureCookies);
        // Sign-ups per address (only the address counts; the limit is on successful sign-ups).
        this.signups = throttles.create(new Throttle.Policy("signup", 1, 20, Duration.ofHours(1)));
        // "Forgot password" requests (each may send a mail): per (email, address) and per address.
        this.forgot = throttles.create(new Throttle.Policy("forgot", 5, 30, Duration.ofHours(1)));
        // Wrong device user codes (RFC 8628 §5.1), counted like wrong passwords.
        this.devices = throttles.create(new Throttle.Policy("device", 10, 50, Duration.ofMinutes(5)));
        // Wrong current passwords on the settings pages (a stolen session guessing its way to the email and password).
        this.passwordChecks = throttles.create(new Throttle.Policy("password-check", 10, 50, Duration.ofMinutes(5)));
    }

    /** Where a browser without a session is sent to log in, coming back to {@code next} (for the SESSION route kind). */
    public static String loginUrl(String next) {
        return LoginEndpoints.loginUrl(next);
    }

    public void registerPublic(Router r) {
        new AuthorizeEndpoint(apps.apps, apps.clientSettings, new ConsentPages(portal, accounts.accounts, apps.catalog), oauth.grants, oauth.authorizations,
                oauth.issuer, clock,
                sessions, oauth.logins).register(r);
        new DevicePages(portal, new ConsentPages(portal, accounts.accounts, apps.catalog), oauth.deviceCodes, apps.apps, sessions,
                devices).register(r);
        new LogoutEndpoint(portal, sessions, oauth.idTokens, apps.apps, apps.clientSettings, secureCookies).register(r);
        login.register(r);
        new SignupPages(portal, accounts.accounts, login, signups).register(r);
        new AppPages(portal, apps.apps, accounts.accounts, apps.invitations, apps.catalog, usage, flash, apps.clientSettings,
                lifecycle).register(r);
        new KeyPages(portal, apiKeys, clock, flash).register(r);
        new AuthorizedPages(portal, oauth.authorizations, apps.catalog).register(r);
        new InvitationPages(portal, apps.invitations, apps.apps, accounts.accounts).register(r);
        new AdminPages(portal, apps.apps, accounts.store).register(r);
        new SettingsPages(portal, accounts.accounts, lifecycle, passwordChecks, secureCookies).register(r);
        new ResetPages(portal, accounts.resets, oauth.issuer::url, forgot).register(r);
        new PortalStatic().register(r);
    }

    /** The account's security log and the admin's audit page (SPEC §8, §9 v2). */
    public void registerAudit(Router r, Audit audit) {
        new SecurityPages(portal, audit).register(r);
    }

    /** The API reference (SPEC §7 v2), rendered from the same document as {@code /openapi.json}. */
    public void registerDocs(Router r, OpenApi openApi) {
        new DocsPages(portal, openApi, apiKeys, clock).register(r);
    }
}
