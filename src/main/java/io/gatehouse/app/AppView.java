package io.gatehouse.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/** An app on the wire (snake_case). {@code client_secret} appears only when it was just made. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AppView(String clientId,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String clientSecret,
                      long ownerId, String name, String description, String type, List<String> redirectUris,
                      List<String> permissions, List<String> pendingPermissions, String mode, String reviewStatus,
                      String reviewNote, int rateLimitPerMinute, List<Long> testUsers, Instant createdAt,
                      Instant updatedAt, List<String> postLogoutRedirectUris, List<String> allowedOrigins,
                      boolean introspect) {

    public static AppView of(App a) {
        return of(a, null);
    }

    public static AppView of(App a, String secret) {
        return of(a, secret, ClientSettings.Settings.NONE);
    }

    public static AppView of(App a, String secret, ClientSettings.Settings settings) {
        return new AppView(a.clientId(), secret, a.ownerId(), a.name(), a.description(), a.type().wire(), a.redirectUris(),
                a.permissions(), a.pendingPermissions(), a.mode().wire(), a.reviewStatus().wire(), a.reviewNote(),
                a.rateLimitPerMinute(), a.testUsers().stream().sorted().toList(), a.createdAt(), a.updatedAt(),
                settings.postLogoutRedirectUris(), settings.allowedOrigins(), a.introspect());
    }

    @Override
    public String toString() {
        return "AppView[" + clientId + "]";
    }
}
