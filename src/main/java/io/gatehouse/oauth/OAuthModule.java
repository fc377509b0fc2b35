package io.gatehouse.oauth;

import io.gatehouse.account.Accounts;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.app.AppModule;
import io.gatehouse.audit.Audit;
import io.gatehouse.auth.Throttle;
import io.gatehouse.auth.Throttles;
import io.gatehouse.config.Settings;
import io.gatehouse.http.Router;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import io.gatehouse.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The OAuth 2.0 authorization server (SPEC §5): grants and their tokens, client authentication, one
 * handler per grant type, and the token, revocation, introspection and metadata endpoints.
 */
public final class OAuthModule {
    public final Issuer issuer = new Issuer();
    public final GrantStore grants;
    public final AccessTokens accessTokens;
    public final Authorizations authorizations;
    public final AuthenticationFacts logins;
    public final IdTokens idTokens;
    public final DeviceCodes deviceCodes;
    private final ClientAuthenticator clients;
    private final Throttle deviceStarts;
    private final Map<String, GrantHandler> grantHandlers;
    private final SigningKeys signingKeys;
    private final AppModule apps;
    private final Clock clock;
    private final Duration grantMaxAge;

    public OAuthModule(Settings settings, Jdbc jdbc, IdGenerator ids, Clock clock, SigningKeys signingKeys,
                       Revocations revocations, AppModule apps, ApiKeys apiKeys, Throttles throttles, Accounts accounts,
                       Audit audit) {
        this.signingKeys = signingKeys;
        this.apps = apps;
        this.clock = clock;
        this.grantMaxAge = settings.grantMaxAge();
        this.grants = new JdbcGrantStore(jdbc);
        TokenIssuer tokenIssuer = new TokenIssuer(signingKeys, issuer, clock, settings.accessTokenTtl(), settings.refreshTokenTtl());
        this.accessTokens = new AccessTokens(signingKeys, grants, issuer, clock, revocations, settings.accessTokenTtl());
        revocations.subscribe(r -> {
            switch (r.kind()) {
                case GRANT -> accessTokens.markGrantRevoked(Long.parseLong(r.id()));
                case ACCESS_TOKEN -> accessTokens.markTokenRevoked(r.id());
                default -> {
                    // other features' revocations
                }
            }
        });
        Tokens tokens = new Tokens(tokenIssuer, grants, ids, clock, audit, revocations, settings.grantMaxAge());
        this.logins = new AuthenticationFacts(jdbc);
        this.idTokens = new IdTokens(signingKeys, issuer, accounts, clock);
        this.deviceCodes = new DeviceCodes(jdbc, clock);
        this.clients = new ClientAuthenticator(apps.apps,
                throttles.create(new Throttle.Policy("client", 20, 100, Duration.ofMinutes(1))));
        // Device authorizations started (each a row until the retention job): a person starts one per sign-in.
        this.deviceStarts = throttles.create(new Throttle.Policy("device-start", 30, 120, Duration.ofMinutes(10)));
        this.grantHandlers = Map.of(
                "authorization_code", new AuthorizationCodeGrant(tokens, accessTokens, logins, idTokens),
                "refresh_token", new RefreshTokenGrant(tokens, accessTokens, logins, idTokens),
                "client_credentials", new ClientCredentialsGrant(tokens, apiKeys),
                DeviceCodeGrant.GRANT_TYPE, new DeviceCodeGrant(tokens, deviceCodes, logins, idTokens));
        this.authorizations = new Authorizations(grants, apps.apps, revocations, clock, audit);
        authorizations.endGrantsWithTheirApiKey();
    }

    /** The handler the token endpoint uses for this grant type (benchmarks drive it without HTTP); null if none. */
    public GrantHandler grantHandler(String grantType) {
        return grantHandlers.get(grantType);
    }

    public void registerPublic(Router r) {
        new MetadataEndpoints(issuer, signingKeys, () -> List.copyOf(apps.catalog.all().keySet())).register(r);
        new UserInfoEndpoint(accessTokens, idTokens).register(r);
        new DeviceAuthorizationEndpoint(clients, deviceCodes, issuer, deviceStarts).register(r);
        new TokenEndpoint(clients, grantHandlers).register(r);
        new RevocationEndpoint(clients, accessTokens, authorizations, grants, clock).register(r);
        new IntrospectionEndpoint(clients, accessTokens, grants, issuer, clock, grantMaxAge).register(r);
        new AuthorizationEndpoints(authorizations).register(r);
    }
}
