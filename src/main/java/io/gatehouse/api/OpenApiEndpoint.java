package io.gatehouse.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /openapi.json}: public, no credential, readable from any origin (CorsStage, SPEC §7 v2).
 * The rendered bytes are kept for 10 seconds per proxied-route table, so an anonymous flood costs
 * no more than one build every 10 seconds and a reloaded routes file shows at once.
 */
public final class OpenApiEndpoint {
    private final OpenApi openApi;
    private final Cache<List<?>, byte[]> rendered = Caffeine.newBuilder().maximumSize(4)
            .expireAfterWrite(Duration.ofSeconds(10)).executor(Runnable::run).build();

    public OpenApiEndpoint(OpenApi openApi) {
        this.openApi = openApi;
    }

    public void register(Router router) {
        router.add(new Route("GET", "/openapi.json", Route.Access.OPEN, null, ex -> {
            ex.header("Cache-Control", "no-cache");
            ex.json(200, rendered.get(openApi.proxiedRoutes(), k -> render()));
        }));
    }

    private byte[] render() {
        try {
            return OpenApi.JSON.writeValueAsBytes(openApi.document());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
