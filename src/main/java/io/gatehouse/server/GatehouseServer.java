package io.gatehouse.server;

import io.gatehouse.account.AccountModule;
import io.gatehouse.admin.AdminModule;
import io.gatehouse.admin.Readiness;
import io.gatehouse.api.Descriptions;
import io.gatehouse.api.MeEndpoints;
import io.gatehouse.api.OpenApi;
import io.gatehouse.api.OpenApiEndpoint;
import io.gatehouse.api.UpstreamDocs;
import io.gatehouse.apikey.ApiKeyFormat;
import io.gatehouse.apikey.ApiKeyModule;
import io.gatehouse.audit.AuditContext;
import io.gatehouse.audit.AuditModule;
import io.gatehouse.app.AppModule;
import io.gatehouse.auth.Throttles;
import io.gatehouse.backup.BackupEndpoints;
import io.gatehouse.config.Settings;
import io.gatehouse.core.StartupFault;
import io.gatehouse.http.ClientDeadlines;
import io.gatehouse.http.DirectErrors;
import io.gatehouse.http.RequestHeaderCheck;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.lead.LeadModule;
import io.gatehouse.lifecycle.LifecycleModule;
import io.gatehouse.mail.MailModule;
import io.gatehouse.oauth.OAuthModule;
import io.gatehouse.pipeline.AdminGuardStage;
import io.gatehouse.pipeline.AdminTokenStage;
import io.gatehouse.pipeline.AdmitStage;
import io.gatehouse.pipeline.AuthenticateStage;
import io.gatehouse.pipeline.AuthorizeStage;
import io.gatehouse.pipeline.BatchingConsoleAppender;
import io.gatehouse.pipeline.BucketResolver;
import io.gatehouse.pipeline.CorsStage;
import io.gatehouse.pipeline.DispatchStage;
import io.gatehouse.pipeline.Inflight;
import io.gatehouse.pipeline.MeterStage;
import io.gatehouse.pipeline.Pipeline;
import io.gatehouse.pipeline.RequestLog;
import io.gatehouse.pipeline.ResolveRouteStage;
import io.gatehouse.pipeline.SessionCallGuard;
import io.gatehouse.portal.Csrf;
import io.gatehouse.portal.PortalModule;
import io.gatehouse.proxy.ProxyModule;
import io.gatehouse.ratelimit.RateLimitModule;
import io.gatehouse.redis.Redis;
import io.gatehouse.retention.RetentionModule;
import io.gatehouse.revocation.RevocationModule;
import io.gatehouse.store.Database;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import io.gatehouse.token.TokenModule;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Gatehouse node. Each feature wires itself in its own module (through constructors, no
 * container); this class assembles the modules, the two pipelines and the two listeners.
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
    private Router publicRoutes;

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
        return start(settings, clock, Tuning.DEFAULT);
    }

    /** A node with other slow-client limits than SPEC §11's (tests use short ones). */
    public static GatehouseServer start(Settings settings, Clock clock, ClientDeadlines.Limits clientLimits) {
        return start(settings, clock, Tuning.DEFAULT.withClientLimits(clientLimits));
    }

    /** A node tuned otherwise than in production (tests: short client limits on a clock they move, patient Redis). */
    public static GatehouseServer start(Settings settings, Clock clock, Tuning tuning) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        // SPEC §1: a port that is taken stops the start before anything opens, with one line saying so.
        checkFree(settings.bind(), settings.port(), "GATEHOUSE_PORT");
        checkFree(settings.adminBind(), settings.adminPort(), "GATEHOUSE_ADMIN_PORT");
        StartupPhases.mark("metrics registry, ports checked");
        // A new data folder: its first RS256 key pair is made on another core while the node starts and serves.
        Future<KeyPair> firstKeyPair = TokenModule.keyPairAhead(settings);
        Database db = Database.open(settings, registry);
        StartupPhases.mark("database open and migrated");
        try {
            return wire(settings, clock, registry, db, tuning, firstKeyPair);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Assembles the features (each wires itself from settings and storage), the two pipelines and the jobs. */
    private static GatehouseServer wire(Settings settings, Clock clock, PrometheusMeterRegistry registry, Database db,
                                        Tuning tuning, Future<KeyPair> firstKeyPair) {
        ClientDeadlines.Limits clientLimits = tuning.clientLimits();
        Jdbc jdbc = new Jdbc(db);
        IdGenerator ids = new IdGenerator(clock);
        // Many nodes: Redis carries shared limits and revocations when configured.
        Redis redis = settings.redisUrl() == null ? null : new Redis(settings.redisUrl(), settings.redisPrefix(), tuning.redisTimeout());
        Background background = new Background();
        Throttles throttles = new Throttles(redis, clock);

        AuditModule audit = new AuditModule(jdbc, ids, clock);
        MailModule mail = new MailModule(settings);
        AccountModule accounts = new AccountModule(jdbc, ids, clock, mail.mailer, audit.audit);
        RevocationModule revocations = new RevocationModule(jdbc, clock, redis, redis != null || settings.usesPostgres());
        StartupPhases.mark("audit, mail, accounts, revocations");
        TokenModule tokens = new TokenModule(settings, jdbc, clock, audit.audit, firstKeyPair);
        StartupPhases.mark("signing keys");
        ApiKeyModule apiKeys = new ApiKeyModule(jdbc, ids, clock, tokens.signingKeys, revocations.revocations, accounts.accounts,
                audit.audit);
        AppModule apps = new AppModule(jdbc, ids, clock, revocations.revocations, accounts.accounts, audit.audit);
        OAuthModule oauth = new OAuthModule(settings, jdbc, ids, clock, tokens.signingKeys, revocations.revocations, apps, apiKeys.apiKeys,
                throttles,
                accounts.accounts, audit.audit);
        RateLimitModule limits = new RateLimitModule(settings, jdbc, clock, redis);
        ProxyModule proxies = new ProxyModule(settings, apps.catalog);
        LifecycleModule lifecycle = new LifecycleModule(jdbc, revocations.revocations, accounts.accounts, apps.apps, clock, audit.audit);
        PortalModule portal = new PortalModule(settings, jdbc, clock, accounts, apps, apiKeys.apiKeys, oauth, limits.usage, throttles,
                lifecycle.lifecycle);
        StartupPhases.mark("modules");
        AtomicBoolean draining = new AtomicBoolean();
        AdminModule admin = new AdminModule(accounts, apps.apps, limits.usage, readiness(settings, db, redis, draining),
                registry, oauth.issuer::url);

        Inflight inflight = new Inflight();
        registry.gauge("gatehouse.requests.inflight", inflight, Inflight::count);
        long maxBody = settings.maxBodyBytes();
        // SPEC §11 slow clients: the header and body-stall deadlines here, idle keep-alive in the listeners below.
        ClientDeadlines deadlines = new ClientDeadlines(clientLimits, tuning.nanoTime());
        background.atStop(deadlines::close);

        StartupPhases.mark("admin module");
        // Public listener: OAuth, API, portal.
        Router publicRoutes = new Router();
        new MeEndpoints(accounts.accounts).register(publicRoutes);
        apiKeys.registerPublic(publicRoutes);
        new LeadModule(jdbc, ids, clock).registerPublic(publicRoutes);
        apps.registerPublic(publicRoutes);
        lifecycle.registerPublic(publicRoutes);
        oauth.registerPublic(publicRoutes);
        portal.registerPublic(publicRoutes);
        portal.registerAudit(publicRoutes, audit.audit);
        admin.registerPublic(publicRoutes);
        // Liveness on the public port too, for load balancers that cannot reach the admin port.
        byte[] up = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);
        publicRoutes.add(new Route("GET", "/healthz", Route.Access.OPEN, null, ex -> ex.send(200, "application/json", up)));
        // SPEC §7 v2: the API description, generated from this router and the proxied routes in force.
        OpenApi openApi = new OpenApi(publicRoutes, proxies.routes, apps.catalog, oauth.issuer::url, new Descriptions(),
                new UpstreamDocs(Duration.ofSeconds(3)));
        new OpenApiEndpoint(openApi).register(publicRoutes);
        StartupPhases.mark("public routes, API description");
        portal.registerDocs(publicRoutes, openApi);
        // SPEC §6 v2: authenticate (and resolve the buckets) → authorize → meter.
        MeterStage meter = new MeterStage(limits.limiter, limits.usage, clock);
        Pipeline publicPipeline = new Pipeline(List.of(
                new AdmitStage(maxBody),
                new CorsStage(apps.apps, apps.clientSettings, oauth.accessTokens),
                new ResolveRouteStage(publicRoutes, proxies.routes),
                new AuthenticateStage(ApiKeyFormat.PREFIX, apiKeys.apiKeys, oauth.accessTokens, portal.sessions,
                        new SessionCallGuard(oauth.issuer::url, Csrf::expected), PortalModule::loginUrl,
                        new BucketResolver(apps.apps, settings.apiKeyRateLimit())),
                new AuthorizeStage(meter),
                meter,
                new DispatchStage()), maxBody, new RequestLog("public", registry), inflight, settings.trustedProxies())
                .sendingHsts(settings.secureCookies())
                .withDeadlines(deadlines);

        // Admin listener: admin API, health, metrics.
        Router adminRoutes = new Router();
        admin.registerAdmin(adminRoutes);
        apiKeys.registerAdmin(adminRoutes);
        apps.registerAdmin(adminRoutes);
        lifecycle.registerAdmin(adminRoutes);
        audit.registerAdmin(adminRoutes);
        tokens.registerAdmin(adminRoutes);
        new BackupEndpoints(db, settings, clock).register(adminRoutes);
        Pipeline adminPipeline = new Pipeline(List.of(
                new AdmitStage(maxBody),
                new ResolveRouteStage(adminRoutes),
                new AdminGuardStage(settings.acceptedAdminHosts()),
                new AdminTokenStage(settings.adminToken(), audit.audit),
                new DispatchStage()), maxBody, new RequestLog(ADMIN, registry), inflight, settings.trustedProxies())
                .actingAs(AuditContext.ADMIN)
                .withDeadlines(deadlines);

        StartupPhases.mark("pipelines");
        // Keys and tokens may arrive in long headers; a 100 kB header must reach us and be refused as a
        // bad credential, not cut off by the HTTP layer.
        // No wire logging (Helidon's default adds a logging listener both ways): it costs every request a few
        // events with their argument arrays even when off, and at TRACE it would print credentials.
        // Request headers are checked by our RequestHeaderCheck, with Helidon's rules but cheaper (the ~800-byte
        // token); it runs after the header deadline is cleared, so a refused request leaves no deadline behind.
        // One listener for both: Helidon passes no headers to a list of two.
        Http1Config http1 = Http1Config.builder().maxHeadersSize(256 * 1024).maxPrologueLength(16 * 1024)
                .sendLog(false).receiveLog(false)
                .validateRequestHeaders(false)
                .addReceiveListener(RequestHeaderCheck.after(deadlines.headerDeadline())).build();
        WebServer web = WebServer.builder()
                .host(settings.bind())
                .port(settings.port())
                .shutdownHook(false)
                .protocolsDiscoverServices(false)
                .addConnectionSelector(deadlines.http1(http1))
                .directHandlers(DirectErrors.HANDLERS)
                .idleConnectionTimeout(clientLimits.idle())
                .idleConnectionPeriod(clientLimits.tick())
                .shutdownGracePeriod(Duration.ofSeconds(2))
                .routing(r -> r.any(publicPipeline))
                .putSocket(ADMIN, s -> s.host(settings.adminBind())
                        .port(settings.adminPort())
                        .protocolsDiscoverServices(false)
                        .addConnectionSelector(deadlines.http1(http1))
                        .directHandlers(DirectErrors.HANDLERS)
                        .idleConnectionTimeout(clientLimits.idle())
                        .idleConnectionPeriod(clientLimits.tick())
                        .shutdownGracePeriod(Duration.ofSeconds(2))
                        .routing(r -> r.any(adminPipeline)))
                .build()
                .start();
        StartupPhases.mark("listeners open");
        if (web.port() < 0 || web.port(ADMIN) < 0) {
            // Taken between the check and the start: Helidon logs it and carries on without the listener.
            web.stop();
            throw web.port() < 0 ? busy(settings.bind(), settings.port(), "GATEHOUSE_PORT", null)
                    : busy(settings.adminBind(), settings.adminPort(), "GATEHOUSE_ADMIN_PORT", null);
        }
        apiKeys.schedule(background);
        tokens.schedule(background);
        limits.schedule(background);
        proxies.schedule(background);
        revocations.schedule(background);
        new RetentionModule(settings, jdbc, clock).schedule(background);
        mail.schedule(background);
        if (redis != null) {
            background.atStop(redis::close);
        }
        StartupPhases.mark("jobs scheduled");
        GatehouseServer server = new GatehouseServer(settings, db, web, inflight, draining, background);
        server.publicRoutes = publicRoutes;
        oauth.issuer.set(server.issuer);
        LOG.info("Gatehouse listening: public http://{}:{} admin http://{}:{} issuer {}",
                settings.bind(), web.port(), settings.adminBind(), web.port(ADMIN), server.issuer);
        return server;
    }

    /** SPEC §9 v2: ready while the node can serve; Redis refuses only when limits deny without it. */
    private static Readiness readiness(Settings settings, Database db, Redis redis, AtomicBoolean draining) {
        List<Readiness.Dependency> deps = new ArrayList<>();
        deps.add(new Readiness.Dependency("database", db::isReachable, Readiness.WhenDown.DEGRADES_ONCE_REACHED));
        if (!settings.usesPostgres()) {
            // The embedded database's file cannot be forced to the device: the node serves on, but a power loss
            // may cost more than the last second (docs/operations.md); operators see it here and in metrics.
            deps.add(new Readiness.Dependency("disk", db::syncsToDisk, Readiness.WhenDown.DEGRADES));
        }
        if (redis != null) {
            boolean deny = "deny".equalsIgnoreCase(settings.rateLimitOnRedisFailure());
            deps.add(new Readiness.Dependency("redis", redis::isReachable,
                    deny ? Readiness.WhenDown.REFUSES : Readiness.WhenDown.DEGRADES));
        }
        // Database.open reached the database and migrated it before anything listens.
        return new Readiness(deps, draining::get).reached("database");
    }

    private static void checkFree(String host, int port, String setting) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw busy(host, port, setting, e);
        }
    }

    private static StartupFault busy(String host, int port, String setting, IOException e) {
        String why = e == null || e.getMessage() == null ? "address already in use" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        return new StartupFault("cannot listen on " + host + ":" + port + " (" + setting + "): " + why, e);
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

    /** Every built-in route the public port serves (the API description is checked against these). */
    public List<Route> publicRoutes() {
        return publicRoutes.routes();
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
        BatchingConsoleAppender.flushAll(Duration.ofSeconds(5)); // every request answered is in the access log
        background.stop();
        db.close();
        LOG.info("Gatehouse stopped");
    }
}
