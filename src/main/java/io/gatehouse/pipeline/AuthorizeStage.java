package io.gatehouse.pipeline;

import io.gatehouse.auth.Principal;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;

/**
 * SPEC §6: an access token may call an endpoint only when its scope holds the endpoint's permission.
 * It runs before metering: a refused request consumes nothing and gets no Retry-After, but it carries
 * the rate-limit headers as they stand.
 */
public final class AuthorizeStage implements Stage {
    public static final String NO_PERMISSION = "Sorry, the vendor does not have permission for this API.";

    private final MeterStage meter;

    public AuthorizeStage(MeterStage meter) {
        this.meter = meter;
    }

    @Override
    public void apply(Exchange ex) {
        Principal p = ex.principal();
        if (p != null && !p.allows(ex.route().permission())) {
            meter.writeState(ex);
            throw new ApiException(ApiError.VENDOR_HAS_NO_PERMISSION, NO_PERMISSION);
        }
    }
}
