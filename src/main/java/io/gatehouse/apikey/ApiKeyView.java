package io.gatehouse.apikey;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.Locale;

/** An API key on the wire (snake_case, SPEC §9). {@code key} is present only in the answer to a creation. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiKeyView(long id, @JsonInclude(JsonInclude.Include.NON_NULL) String key, String name, String description,
                         String status, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {

    public static ApiKeyView of(ApiKey k, Instant now) {
        return new ApiKeyView(k.id(), null, k.name(), k.description(), status(k, now), k.createdAt(), k.expiresAt(),
                k.lastUsedAt());
    }

    public static ApiKeyView created(ApiKeys.Created c, Instant now) {
        ApiKey k = c.record();
        return new ApiKeyView(k.id(), c.key(), k.name(), k.description(), status(k, now), k.createdAt(), k.expiresAt(),
                null);
    }

    private static String status(ApiKey k, Instant now) {
        return k.status(now).name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "ApiKeyView[" + id + "]";
    }
}
