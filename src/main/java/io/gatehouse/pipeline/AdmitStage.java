package io.gatehouse.pipeline;

import io.gatehouse.http.Exchange;

/** First look at a request: a declared body over the limit is refused before anything reads it. */
public final class AdmitStage implements Stage {
    private final long maxBodyBytes;

    public AdmitStage(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void apply(Exchange ex) {
        if (ex.declaredContentLength() > maxBodyBytes) {
            throw ex.tooLarge();
        }
    }
}
