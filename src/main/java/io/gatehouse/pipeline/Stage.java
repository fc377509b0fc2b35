package io.gatehouse.pipeline;

import io.gatehouse.http.Exchange;

/**
 * One step of the request pipeline. A stage either lets the request continue (returns normally
 * without answering), or answers it: by sending a response or by throwing an
 * {@link io.gatehouse.http.ApiException}, which the pipeline renders.
 */
@FunctionalInterface
public interface Stage {
    void apply(Exchange ex) throws Exception;
}
