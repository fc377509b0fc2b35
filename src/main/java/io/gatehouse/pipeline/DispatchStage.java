package io.gatehouse.pipeline;

import io.gatehouse.http.Exchange;

/** Hands the request to its endpoint. */
public final class DispatchStage implements Stage {
    @Override
    public void apply(Exchange ex) throws Exception {
        ex.route().endpoint().handle(ex);
    }
}
