package io.gatehouse.api;

import io.gatehouse.http.Route;
import io.gatehouse.http.Router;

/** {@code GET /openapi.json}: public, no credential, readable from any origin (CorsStage, SPEC §7 v2). */
public final class OpenApiEndpoint {
    private final OpenApi openApi;

    public OpenApiEndpoint(OpenApi openApi) {
        this.openApi = openApi;
    }

    public void register(Router router) {
        router.add(new Route("GET", "/openapi.json", Route.Access.OPEN, null, ex -> {
            ex.header("Cache-Control", "no-cache");
            ex.json(200, OpenApi.JSON.writeValueAsBytes(openApi.document()));
        }));
    }
}
