package io.gatehouse.server;

import io.gatehouse.account.AccountStore;
import io.gatehouse.account.Accounts;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.PasswordHasher;
import io.gatehouse.admin.AccountAdminEndpoints;
import io.gatehouse.admin.HealthEndpoints;
import io.gatehouse.api.MeEndpoints;
import io.gatehouse.config.Settings;
import io.gatehouse.apikey.ApiKeyEndpoints;
import io.gatehouse.apikey.ApiKeyFormat;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.JdbcApiKeyStore;
import io.gatehouse.app.AppAdminEndpoints;
import io.gatehouse.app.AppEndpoints;
import io.gatehouse.app.Apps;
import io.gatehouse.app.JdbcAppStore;
import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.auth.FailureThrottle;
import io.gatehouse.admin.UsageEndpoints;
import io.gatehouse.lead.JdbcLeadStore;
import io.gatehouse.pipeline.MeterStage;
import io.gatehouse.proxy.Proxy;
import io.gatehouse.proxy.ProxyRoutes;
import io.gatehouse.ratelimit.FailoverRateLimiter;
import io.gatehouse.ratelimit.InMemoryRateLimiter;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RedisRateLimiter;
import io.gatehouse.redis.Redis;
import io.gatehouse.revocation.RedisRevocationBus;
import io.gatehouse.revocation.RevocationBus;
import io.gatehouse.revocation.RevocationCatchUp;
import io.gatehouse.ratelimit.UsageRecorder;
import io.gatehouse.oauth.AccessTokens;
import io.gatehouse.oauth.AuthorizationCodeGrant;
import io.gatehouse.oauth.AuthorizationEndpoints;
import io.gatehouse.oauth.AuthorizeEndpoint;
import io.gatehouse.oauth.ClientAuthenticator;
import io.gatehouse.oauth.ClientCredentialsGrant;
import io.gatehouse.oauth.GrantHandler;
import io.gatehouse.oauth.GrantStore;
import io.gatehouse.oauth.IntrospectionEndpoint;
import io.gatehouse.oauth.Issuer;
import io.gatehouse.oauth.JdbcGrantStore;
import io.gatehouse.oauth.MetadataEndpoints;
import io.gatehouse.oauth.RefreshTokenGrant;
import io.gatehouse.oauth.RevocationEndpoint;
import io.gatehouse.oauth.TokenEndpoint;
import io.gatehouse.oauth.TokenIssuer;
import io.gatehouse.oauth.Tokens;
import io.gatehouse.portal.AdminPages;
import io.gatehouse.portal.AppPages;
import io.gatehouse.portal.AuthorizedPages;
import io.gatehouse.portal.KeyPages;
import io.gatehouse.portal.LoginEndpoints;
import io.gatehouse.portal.Portal;
import io.gatehouse.portal.SignupPages;
import io.gatehouse.portal.PortalStatic;
import io.gatehouse.portal.Sessions;
import io.gatehouse.lead.LeadEndpoints;
import io.gatehouse.token.JdbcSigningKeyStore;
import io.gatehouse.token.MasterKey;
import io.gatehouse.token.SigningKeys;
import io.gatehouse.http.Router;
import io.gatehouse.pipeline.AdminTokenStage;
import io.gatehouse.pipeline.AdmitStage;
import io.gatehouse.pipeline.AuthenticateStage;
import io.gatehouse.pipeline.AuthorizeStage;
import io.gatehouse.pipeline.DispatchStage;
import io.gatehouse.pipeline.Inflight;
import io.gatehouse.pipeline.Pipeline;
import io.gatehouse.pipeline.RequestLog;
import io.gatehouse.pipeline.ResolveRouteStage;
import io.gatehouse.store.Database;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Gatehouse node. Everything is wired here, through constructors, in one place:
 * storage, services, endpoints, the two pipelines and the two listeners.
 */
public final class GatehouseServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatehouseServer.class);
    private static final String ADMIN = "admin";

    private final Database db;
    private final WebServer web;
    private final Inflight inflight;
    private final AtomicBoolean draining;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String issuer;
    private final Background background;

    private GatehouseServer(Settings settings, Database db, WebServer web, Inflight inflight, AtomicBoolean draining,
                            Background background) {
        this.background = background;
        this.db = db;
        this.web = web;
        this.inflight = inflight;
        this.draining = draining;
        this.issuer = settings.issuerFor(web.port());
    }

    public static GatehouseServer start(Settings settings) {
        return start(settings, Clock.systemUTC());
    }

    public static GatehouseServer start(Settings settings, Clock clock) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        Database db = Database.open(settings, registry);
        try {
            return wire(settings, clock, registry, db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static GatehouseServer wire(Settings settings, Clock clock, PrometheusMeterRegistry registry, Database db) {
        Jdbc jdbc = new Jdbc(db);
        IdGenerator ids = new IdGenerator(clock);
        AccountStore accountStore = new JdbcAccountStore(jdbc);
        Accounts accounts = new Accounts(accountStore, new PasswordHasher(), ids, clock);

        // Many nodes: Redis carries shared limits and revocations when configured.
        Redis redis = settings.redisUrl() == null ? null : new Redis(settings.redisUrl(), settings.redisPrefix());
        RevocationBus bus = redis == null ? new RevocationBus() : new RedisRevocationBus(redis);

        SigningKeys signingKeys = new SigningKeys(new JdbcSigningKeyStore(jdbc),
                MasterKey.of(settings.masterKey(), settings.dataDir()), clock);
        ApiKeys apiKeys = new ApiKeys(new JdbcApiKeyStore(jdbc), signingKeys, ids, clock, bus);
        ApiKeyEndpoints apiKeyEndpoints = new ApiKeyEndpoints(apiKeys, accounts, clock);

        // OAuth 2.0 authorization server.
        Issuer issuer = new Issuer();
        PermissionCatalog catalog = new PermissionCatalog();
        Apps apps = new Apps(new JdbcAppStore(jdbc), catalog, clock, bus);
        GrantStore grantStore = new JdbcGrantStore(jdbc);
        TokenIssuer tokenIssuer = new TokenIssuer(signingKeys, issuer, clock, settings.accessTokenTtl(),
                settings.refreshTokenTtl());
        AccessTokens accessTokens = new AccessTokens(signingKeys, grantStore, issuer, clock, bus);
        apiKeys.onRevoke(keyId -> accessTokens.grantsRevoked(grantStore.revokeGrantsOfApiKey(keyId, clock.instant())));
        bus.subscribe(r -> {
            switch (r.kind()) {
                case API_KEY -> apiKeys.forget(Long.parseLong(r.id()));
                case GRANT -> accessTokens.forgetGrant(Long.parseLong(r.id()));
                case ACCESS_TOKEN -> accessTokens.forgetToken(r.id());
                case APP -> apps.forget(r.id());
            }
        });
        RevocationCatchUp catchUp = new RevocationCatchUp(jdbc, bus, clock);
        Tokens tokens = new Tokens(tokenIssuer, grantStore, ids, clock);
        ClientAuthenticator clients = new ClientAuthenticator(apps, new FailureThrottle(20, 60_000, clock));
        Map<String, GrantHandler> grantHandlers = Map.of(
                "authorization_code", new AuthorizationCodeGrant(tokens, accessTokens),
                "refresh_token", new RefreshTokenGrant(tokens, accessTokens),
                "client_credentials", new ClientCredentialsGrant(tokens, apiKeys));
        boolean secureCookies = settings.issuer() != null && settings.issuer().startsWith("https://");
        Sessions sessions = new Sessions(jdbc, clock);
        LoginEndpoints login = new LoginEndpoints(accounts, sessions, new FailureThrottle(10, 300_000, clock), secureCookies);

        // The gateway: limits, usage, proxied routes.
        InMemoryRateLimiter localLimiter = new InMemoryRateLimiter();
        RateLimiter limiter = redis == null ? localLimiter : new FailoverRateLimiter(new RedisRateLimiter(redis), localLimiter,
                FailoverRateLimiter.Mode.valueOf(settings.rateLimitOnRedisFailure().toUpperCase(java.util.Locale.ROOT)),
                clock::millis);
        UsageRecorder usage = new UsageRecorder(jdbc, clock);
        ProxyRoutes proxyRoutes;
        try {
            proxyRoutes = new ProxyRoutes(settings.routesFile(), new Proxy(), catalog);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read GATEHOUSE_ROUTES " + settings.routesFile() + ": " + e.getMessage(), e);
        }
        UsageEndpoints usageEndpoints = new UsageEndpoints(apps, usage);

        Inflight inflight = new Inflight();
        registry.gauge("gatehouse.requests.inflight", inflight, Inflight::count);
        AtomicBoolean draining = new AtomicBoolean();
        long maxBody = settings.maxBodyBytes();

        // Public listener: OAuth, API, portal.
        Router publicRoutes = new Router();
        new MeEndpoints(accounts).register(publicRoutes);
        apiKeyEndpoints.registerPublic(publicRoutes);
        new LeadEndpoints(new JdbcLeadStore(jdbc), ids, clock).register(publicRoutes);
        new AppEndpoints(apps, accounts).register(publicRoutes);
        new MetadataEndpoints(issuer, signingKeys, () -> List.copyOf(catalog.all().keySet())).register(publicRoutes);
        new AuthorizeEndpoint(apps, accounts, catalog, login, grantStore, issuer, clock, secureCookies).register(publicRoutes);
        new TokenEndpoint(clients, grantHandlers).register(publicRoutes);
        new RevocationEndpoint(clients, accessTokens, grantStore, clock).register(publicRoutes);
        new IntrospectionEndpoint(clients, accessTokens, grantStore, issuer, clock).register(publicRoutes);
        login.register(publicRoutes);
        AuthorizationEndpoints authorizationEndpoints = new AuthorizationEndpoints(grantStore, apps, accessTokens, clock);
        Portal portal = new Portal(sessions, accounts, secureCookies);
        new SignupPages(portal, accounts, login, new FailureThrottle(20, 3_600_000, clock)).register(publicRoutes);
        new AppPages(portal, apps, accounts, catalog, usage).register(publicRoutes);
        new KeyPages(portal, apiKeys, clock).register(publicRoutes);
        new AuthorizedPages(portal, authorizationEndpoints, catalog).register(publicRoutes);
        new AdminPages(portal, apps, accountStore).register(publicRoutes);
        usageEndpoints.registerPublic(publicRoutes);
        authorizationEndpoints.register(publicRoutes);
        // Liveness on the public port too, for load balancers that cannot reach the admin port.
        byte[] up = "{\"status\":\"up\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        publicRoutes.add(new io.gatehouse.http.Route("GET", "/healthz", io.gatehouse.http.Route.Access.OPEN, null,
                ex -> ex.send(200, "application/json", up)));
        new PortalStatic().register(publicRoutes);
        AuthenticateStage authenticate = new AuthenticateStage(ApiKeyFormat.PREFIX, apiKeys, accessTokens, sessions);
        Pipeline publicPipeline = new Pipeline(List.of(
                new AdmitStage(maxBody),
                new ResolveRouteStage(publicRoutes, proxyRoutes),
                authenticate,
                new MeterStage(limiter, apps, settings.apiKeyRateLimit(), usage, clock),
                new AuthorizeStage(),
                new DispatchStage()), maxBody, new RequestLog("public", registry), inflight);

        // Admin listener: admin API, health, metrics.
        Router adminRoutes = new Router();
        new AccountAdminEndpoints(accounts, accountStore).register(adminRoutes);
        apiKeyEndpoints.registerAdmin(adminRoutes);
        new AppAdminEndpoints(apps, accounts).register(adminRoutes);
        usageEndpoints.registerAdmin(adminRoutes);
        new io.gatehouse.token.SigningKeyEndpoints(signingKeys, clock).register(adminRoutes);
        Map<String, BooleanSupplier> checks = redis == null ? Map.of("database", db::isReachable)
                : Map.of("database", db::isReachable, "redis", redis::isReachable);
        new HealthEndpoints(checks, draining::get, registry).register(adminRoutes);
        Pipeline adminPipeline = new Pipeline(List.of(
                new AdmitStage(maxBody),
                new ResolveRouteStage(adminRoutes),
                new AdminTokenStage(settings.adminToken()),
                new DispatchStage()), maxBody, new RequestLog(ADMIN, registry), inflight);

        // Keys and tokens may arrive in long headers; a 100 kB header must reach us and be refused as a
        // bad credential, not cut off by the HTTP layer.
        Http1Config http1 = Http1Config.builder().maxHeadersSize(256 * 1024).maxPrologueLength(16 * 1024).build();
        WebServer web = WebServer.builder()
                .host(settings.bind())
                .port(settings.port())
                .shutdownHook(false)
                .addProtocol(http1)
                .shutdownGracePeriod(Duration.ofSeconds(2))
                .routing(r -> r.any(publicPipeline))
                .putSocket(ADMIN, s -> s.host(settings.adminBind())
                        .port(settings.adminPort())
                        .addProtocol(http1)
                        .shutdownGracePeriod(Duration.ofSeconds(2))
                        .routing(r -> r.any(adminPipeline)))
                .build()
                .start();
        Background background = new Background();
        background.every(Duration.ofSeconds(5), "flush API key last use", apiKeys::flushLastUsed);
        background.every(SigningKeys.RELOAD_PERIOD, "reload signing keys", signingKeys::reload);
        background.every(Duration.ofSeconds(60), "sweep rate-limit windows", () -> localLimiter.sweep(clock.millis()));
        if (redis != null || settings.usesPostgres()) {
            // Other nodes may revoke things: catch up from the database (the truth) every few seconds.
            background.every(Duration.ofSeconds(5), "catch up on revocations", catchUp::run);
        }
        if (bus instanceof RedisRevocationBus redisBus) {
            redisBus.start(catchUp::run);
        }
        background.every(Duration.ofSeconds(5), "flush app usage", usage::flush);
        background.every(Duration.ofSeconds(1), "reload routes", proxyRoutes::reloadIfChanged);
        background.atStop(apiKeys::flushLastUsed);
        background.atStop(usage::flush);
        background.atStop(bus::close);
        if (redis != null) {
            background.atStop(redis::close);
        }
        GatehouseServer server = new GatehouseServer(settings, db, web, inflight, draining, background);
        issuer.set(server.issuer);
        LOG.info("Gatehouse listening: public http://{}:{} admin http://{}:{} issuer {}",
                settings.bind(), web.port(), settings.adminBind(), web.port(ADMIN), server.issuer);
        return server;
    }

    public int port() {
        return web.port();
    }

    public int adminPort() {
        return web.port(ADMIN);
    }

    public String issuer() {
        return issuer;
    }


    /**
     * Stops taking part: readiness turns false, requests in progress get up to the grace period to
     * finish, then the listeners close and the database pool shuts.
     */
    public void stopGracefully(Duration grace) {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Shutting down: waiting up to {}s for {} request(s) in progress", grace.toSeconds(), inflight.count());
        try {
            if (!inflight.awaitIdle(grace)) {
                LOG.warn("Grace period over with {} request(s) still in progress", inflight.count());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        draining.set(true);
        web.stop();
        background.stop();
        db.close();
        LOG.info("Gatehouse stopped");
    }
}
