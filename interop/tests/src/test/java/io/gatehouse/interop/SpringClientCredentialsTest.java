package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * The README's client-credentials setup for Spring: a registration made from the issuer URL with grant
 * client_credentials, and the token request's parameters customizer adding SPEC §5's {@code customer_key}.
 */
class SpringClientCredentialsTest {
    private static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        gatehouse = Gatehouse.shared();
    }

    @Test
    void spring_security_gets_a_token_with_the_customer_key_and_calls_the_api() throws Exception {
        String owner = Gatehouse.field(gatehouse.adminPost("/admin/v1/accounts",
                "{\"email\":\"cc@example.com\",\"password\":\"correct horse battery\"}"), "id");
        String customerKey = Gatehouse.field(gatehouse.adminPost("/admin/v1/accounts/" + owner + "/api-keys", "{\"name\":\"cc\"}"), "key");
        String app = gatehouse.adminPost("/admin/v1/apps", "{\"owner_id\":" + owner + ",\"name\":\"Sync\",\"type\":\"confidential\","
                + "\"redirect_uris\":[\"https://sync.example.com/cb\"],\"permissions\":[\"user.read\"]}");

        // What spring.security.oauth2.client.registration.gatehouse-api.* (authorization-grant-type: client_credentials) builds:
        ClientRegistration registration = ClientRegistrations.fromIssuerLocation(gatehouse.issuer).registrationId("gatehouse-api")
                .clientId(Gatehouse.field(app, "client_id")).clientSecret(Gatehouse.field(app, "client_secret"))
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).scope("user.read").build();
        var registrations = new InMemoryClientRegistrationRepository(registration);

        // The bean of the README, as written there.
        RestClientClientCredentialsTokenResponseClient tokens = new RestClientClientCredentialsTokenResponseClient();
        tokens.setParametersCustomizer(parameters -> parameters.add("customer_key", customerKey));
        OAuth2AuthorizedClientProvider provider = OAuth2AuthorizedClientProviderBuilder.builder()
                .clientCredentials(cc -> cc.accessTokenResponseClient(tokens)).build();
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations,
                new InMemoryOAuth2AuthorizedClientService(registrations));
        manager.setAuthorizedClientProvider(provider);

        OAuth2AuthorizedClient client = manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("gatehouse-api")
                .principal("sync-job").build());
        assertThat(client).isNotNull();
        HttpResponse<String> me = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gatehouse.issuer + "/v1.0/me"))
                .header("Authorization", "Bearer " + client.getAccessToken().getTokenValue()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(Gatehouse.field(me.body(), "email")).isEqualTo("cc@example.com");
    }
}
