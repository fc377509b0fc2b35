package io.gatehouse.oauth;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.app.App;
import io.gatehouse.auth.Principal;
import io.gatehouse.core.DomainException;
import java.util.Map;

/**
 * RFC 6749 §4.4, the Lofty way: {@code customer_key} is the API key of the account the app will act
 * for. The token is that account's, with the app's permissions. Revoking the key revokes the grant.
 */
public final class ClientCredentialsGrant implements GrantHandler {
    private final Tokens tokens;
    private final ApiKeys apiKeys;
    /** Runs between the key's check and the grant's commit; tests open the race window with it. */
    Runnable keyChecked = () -> { };

    public ClientCredentialsGrant(Tokens tokens, ApiKeys apiKeys) {
        this.tokens = tokens;
        this.apiKeys = apiKeys;
    }

    @Override
    public TokenResponse handle(App client, Map<String, String> form) {
        if (!client.isConfidential()) {
            throw OAuthException.unauthorizedClient("Public clients cannot use client_credentials.");
        }
        String key = form.get("customer_key");
        if (key == null || key.isEmpty()) {
            throw OAuthException.invalidGrant("customer_key is required: the API key of the account to act for.");
        }
        Principal account;
        try {
            account = apiKeys.verify(key);
        } catch (DomainException e) {
            throw OAuthException.invalidGrant("customer_key is not a valid API key: " + e.getMessage());
        }
        Tokens.requireMayAuthorize(client, account.accountId());
        keyChecked.run();
        return tokens.newGrant(client, account.accountId(), "client_credentials",
                Tokens.scope(form.get("scope"), client.permissions()), Long.parseLong(account.credentialId()));
    }
}
